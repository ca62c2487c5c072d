/**
 * The tokens of the Logs Insights language: names (`@message`, `a.b.c`, `` `odd name` ``), numbers,
 * durations (`5m`), strings ('…' or "…"), regular expressions (/…/ where a value may start),
 * operators and punctuation. `#` starts a comment to the end of the line.
 */
import { unexpected } from "./errors.js";

export type TokenKind = "name" | "number" | "duration" | "string" | "regex" | "op" | "eof";

export interface Token {
  readonly kind: TokenKind;
  /** The name, the string's content, the regex's source, the operator, or the number's text. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** Regex flags. */
  readonly flags?: string;
}

const OPERATORS = ["=~", "!=", "<=", ">=", "|", ",", "(", ")", "[", "]", "=", "<", ">", "+", "-", "*", "/", "%", "^"];
const NAME_START = /[A-Za-z_@$]/;
const NAME_PART = /[A-Za-z0-9_@$.]/;
const UNITS = /^(ms|s|sec|m|min|h|hr|d|w|mo|q|y)$/;

/** True where a `/` starts a regex rather than dividing: after an operator, a `(`, `,`, `[` or a keyword. */
function valueMayStart(prev: Token | undefined, before: Token | undefined): boolean {
  if (!prev) return true;
  // `parse @message /…/`: the field parse reads is followed by its pattern.
  if (before?.kind === "name" && before.text.toLowerCase() === "parse") return true;
  if (prev.kind === "op") return prev.text !== ")" && prev.text !== "]";
  if (prev.kind === "name") return /^(like|and|or|not|filter|parse|in)$/i.test(prev.text);
  return false;
}

function readQuoted(src: string, at: number, quote: string): { text: string; end: number } {
  let text = "";
  let i = at + 1;
  while (i < src.length && src[i] !== quote) {
    if (src[i] === "\\" && i + 1 < src.length) {
      const next = src[i + 1] as string;
      text += next === quote || next === "\\" ? next : `\\${next}`;
      i += 2;
    } else text += src[i++];
  }
  if (i >= src.length) throw unexpected(src, src.slice(at), at, src.length);
  return { text, end: i + 1 };
}

function readNumber(src: string, at: number): Token {
  const m = /^\d+(\.\d+)?([eE][-+]?\d+)?/.exec(src.slice(at)) as RegExpExecArray;
  let end = at + m[0].length;
  const unit = /^[A-Za-z]+/.exec(src.slice(end));
  if (unit && UNITS.test(unit[0])) {
    end += unit[0].length;
    return { kind: "duration", text: src.slice(at, end), start: at, end };
  }
  return { kind: "number", text: m[0], start: at, end };
}

/** The tokens of `src`, ending with an `eof` token. */
export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (/\s/.test(c)) i++;
    else if (c === "#") while (i < src.length && src[i] !== "\n") i++;
    else if (c === '"' || c === "'") {
      const q = readQuoted(src, i, c);
      out.push({ kind: "string", text: q.text, start: i, end: q.end });
      i = q.end;
    } else if (c === "`") {
      const q = readQuoted(src, i, "`");
      out.push({ kind: "name", text: q.text, start: i, end: q.end });
      i = q.end;
    } else if (c === "/" && valueMayStart(out.at(-1), out.at(-2))) {
      const q = readQuoted(src, i, "/");
      const flags = /^[a-z]*/.exec(src.slice(q.end))?.[0] ?? "";
      out.push({ kind: "regex", text: q.text, start: i, end: q.end + flags.length, flags });
      i = q.end + flags.length;
    } else if (/\d/.test(c)) {
      const t = readNumber(src, i);
      out.push(t);
      i = t.end;
    } else if (NAME_START.test(c)) {
      let j = i + 1;
      while (j < src.length && NAME_PART.test(src[j] as string)) j++;
      while (src[j - 1] === ".") j--;
      out.push({ kind: "name", text: src.slice(i, j), start: i, end: j });
      i = j;
    } else {
      const op = OPERATORS.find((o) => src.startsWith(o, i));
      if (!op) throw unexpected(src, c, i, i + 1);
      out.push({ kind: "op", text: op, start: i, end: i + op.length });
      i += op.length;
    }
  }
  out.push({ kind: "eof", text: "", start: src.length, end: src.length });
  return out;
}
