/** JSON filter patterns: `{ $.a.b[0] = "x*" && ($.n > 3 || $.c IS NULL) }`. */
import { FilterPatternError } from "./filter-error.js";
import { checkCondition, compare, readOperator, readValue } from "./filter-values.js";

type Path = readonly (string | number)[];
type Test = (doc: unknown) => boolean;

/** A cursor over the pattern text. */
class Reader {
  constructor(public text: string) {}
  skip(): void {
    this.text = this.text.trimStart();
  }
  take(token: string): boolean {
    this.skip();
    if (!this.text.startsWith(token)) return false;
    this.text = this.text.slice(token.length);
    return true;
  }
  takeWord(word: string): boolean {
    this.skip();
    const m = new RegExp(`^${word}\\b`, "i").exec(this.text);
    if (!m) return false;
    this.text = this.text.slice(m[0].length);
    return true;
  }
}

function readPath(r: Reader): Path {
  r.skip();
  if (!r.text.startsWith("$")) throw new FilterPatternError("Invalid filter pattern: a selector must start with $");
  r.text = r.text.slice(1);
  const path: (string | number)[] = [];
  for (;;) {
    const dot = /^\.([A-Za-z0-9_\-@$]+)/.exec(r.text);
    const index = /^\[(\d+)\]/.exec(r.text);
    if (dot) path.push(dot[1] as string);
    else if (index) path.push(Number(index[1]));
    else break;
    r.text = r.text.slice((dot ?? index)?.[0].length ?? 0);
  }
  if (path.length === 0) throw new FilterPatternError("Invalid filter pattern: an empty selector");
  return path;
}

function select(doc: unknown, path: Path): { found: boolean; value: unknown } {
  let v: unknown = doc;
  for (const key of path) {
    if (v === null || typeof v !== "object" || !(key in v)) return { found: false, value: undefined };
    v = (v as Record<string | number, unknown>)[key];
  }
  return { found: true, value: v };
}

function condition(r: Reader): Test {
  const path = readPath(r);
  if (r.takeWord("IS")) {
    if (r.takeWord("NULL")) return (d) => select(d, path).value === null && select(d, path).found;
    if (r.takeWord("TRUE")) return (d) => select(d, path).value === true;
    if (r.takeWord("FALSE")) return (d) => select(d, path).value === false;
    throw new FilterPatternError("Invalid filter pattern: IS needs NULL, TRUE or FALSE");
  }
  if (r.takeWord("NOT")) {
    if (!r.takeWord("EXISTS")) throw new FilterPatternError("Invalid filter pattern: NOT needs EXISTS");
    return (d) => !select(d, path).found;
  }
  const { op, rest } = readOperator(r.text);
  const { value, rest: after } = readValue(rest);
  checkCondition(op, value);
  r.text = after;
  return (d) => {
    const s = select(d, path);
    return s.found ? compare(s.value, op, value) : false;
  };
}

function primary(r: Reader): Test {
  if (r.take("(")) {
    const inner = disjunction(r);
    if (!r.take(")")) throw new FilterPatternError("Invalid filter pattern: unbalanced parentheses");
    return inner;
  }
  return condition(r);
}

function conjunction(r: Reader): Test {
  const parts = [primary(r)];
  while (r.take("&&")) parts.push(primary(r));
  return parts.length === 1 ? (parts[0] as Test) : (d) => parts.every((t) => t(d));
}

function disjunction(r: Reader): Test {
  const parts = [conjunction(r)];
  while (r.take("||")) parts.push(conjunction(r));
  return parts.length === 1 ? (parts[0] as Test) : (d) => parts.some((t) => t(d));
}

/** Parses a `{ … }` pattern into a matcher of messages that are JSON objects. */
export function parseJsonPattern(pattern: string): (message: string) => boolean {
  const r = new Reader(pattern.trim().slice(1));
  const test = disjunction(r);
  if (!r.take("}") || r.text.trim() !== "") throw new FilterPatternError("Invalid filter pattern: expected }");
  return (message) => {
    const start = message.indexOf("{");
    if (start < 0) return false;
    let doc: unknown;
    try {
      // Lambda's text lines put the JSON after a prefix (time, request id, level): read from the brace.
      doc = JSON.parse(message.slice(start));
    } catch {
      return false;
    }
    return typeof doc === "object" && doc !== null && test(doc);
  };
}
