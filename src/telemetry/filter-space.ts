/** Space-delimited filter patterns: `[ip, user, ..., status = 4* || status = 5*, bytes > 1000]`. */
import { FilterPatternError } from "./filter-error.js";
import {
  checkCondition,
  compare,
  readOperator,
  readValue,
  type ConditionValue,
  type Operator,
} from "./filter-values.js";

interface Condition {
  readonly field: string;
  readonly op: Operator;
  readonly value: ConditionValue;
}

/** One field of the pattern: `...`, or a name with conditions (an OR of ANDs). */
type Field =
  { readonly kind: "ellipsis" } | { readonly kind: "named"; readonly name: string; readonly any: Condition[][] };

/** Splits on top-level commas (outside quotes). */
function splitFields(body: string): string[] {
  const out: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c === '"' && body[i - 1] !== "\\") quoted = !quoted;
    if (c === "," && !quoted) {
      out.push(current);
      current = "";
    } else current += c;
  }
  if (quoted) throw new FilterPatternError("Invalid filter pattern: unbalanced quotes");
  out.push(current);
  return out.map((f) => f.trim());
}

function parseField(text: string, position: number): Field {
  if (text === "...") return { kind: "ellipsis" };
  const name = /^[A-Za-z_][A-Za-z0-9_\-.]*/.exec(text)?.[0];
  if (!name) throw new FilterPatternError(`Invalid filter pattern: field ${position + 1} has no name`);
  const any: Condition[][] = [];
  let rest = text.slice(name.length).trim();
  if (rest === "") return { kind: "named", name, any };
  let all: Condition[] = [];
  // The first condition names the field implicitly; the others name theirs (`a = 1 || a = 2`).
  let field = name;
  for (;;) {
    const { op, rest: r1 } = readOperator(rest);
    const { value, rest: r2 } = readValue(r1);
    checkCondition(op, value);
    all.push({ field, op, value });
    rest = r2.trim();
    if (rest === "") break;
    const joint = /^(&&|\|\|)\s*([A-Za-z_][A-Za-z0-9_\-.]*)/.exec(rest);
    if (!joint) throw new FilterPatternError(`Invalid filter pattern near "${rest}"`);
    if (joint[1] === "||") {
      any.push(all);
      all = [];
    }
    field = joint[2] as string;
    rest = rest.slice(joint[0].length);
  }
  any.push(all);
  return { kind: "named", name, any };
}

/** The fields of a message: split on spaces, `"…"` and `[…]` kept whole (without their marks). */
export function messageFields(message: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|\[([^\]]*)\]|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(message)) !== null) out.push(m[1] ?? m[2] ?? m[3] ?? "");
  return out;
}

function aligned(
  fields: readonly Field[],
  tokens: readonly string[],
  fi: number,
  ti: number,
  bound: Map<string, string>,
): boolean {
  if (fi === fields.length) return ti === tokens.length && conditionsHold(fields, bound);
  const f = fields[fi] as Field;
  if (f.kind === "ellipsis") {
    for (let skip = 0; ti + skip <= tokens.length; skip++) {
      if (aligned(fields, tokens, fi + 1, ti + skip, bound)) return true;
    }
    return false;
  }
  if (ti >= tokens.length) return false;
  bound.set(f.name, tokens[ti] as string);
  return aligned(fields, tokens, fi + 1, ti + 1, bound);
}

function conditionsHold(fields: readonly Field[], bound: Map<string, string>): boolean {
  return fields.every(
    (f) =>
      f.kind === "ellipsis" ||
      f.any.length === 0 ||
      f.any.some((all) => all.every((c) => compare(bound.get(c.field), c.op, c.value))),
  );
}

/** Parses a `[ … ]` pattern into a matcher. */
export function parseSpacePattern(pattern: string): (message: string) => boolean {
  const p = pattern.trim();
  if (!p.endsWith("]")) throw new FilterPatternError("Invalid filter pattern: expected ]");
  const fields = splitFields(p.slice(1, -1)).map(parseField);
  return (message) => aligned(fields, messageFields(message), 0, 0, new Map());
}
