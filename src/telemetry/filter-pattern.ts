/**
 * CloudWatch Logs filter patterns, parsed once into a predicate over an event's message:
 * - terms: `ERROR`, `"quoted phrase"` (every term must occur), `?ERROR ?WARN` (at least one of
 *   the `?` terms), `-DEBUG` (none of the `-` terms); matching is case-sensitive, on substrings;
 * - JSON: `{ $.level = "ERROR" }`, `{ $.latency > 100 && ($.user.id = 7 || $.tags[0] = "x*") }`,
 *   `{ $.x IS NULL }`, `{ $.x NOT EXISTS }`, `{ $.ok IS TRUE }` (messages that are not JSON objects
 *   never match);
 * - space-delimited: `[ip, user, ..., status = 4*, bytes > 1000]`, fields split on spaces with
 *   `"…"` and `[…]` kept whole, `...` standing for any number of fields, conditions joined with
 *   `&&` and `||`.
 * A pattern that is none of these throws FilterPatternError (the API answers InvalidParameterException).
 */
import { FilterPatternError } from "./filter-error.js";
import { parseJsonPattern } from "./filter-json.js";
import { parseSpacePattern } from "./filter-space.js";

export { FilterPatternError };

/** A parsed pattern: does it match this message? */
export type MessageMatcher = (message: string) => boolean;

/** Parses `pattern` (empty or undefined: every event matches). */
export function parseFilterPattern(pattern: string | undefined): MessageMatcher {
  const p = (pattern ?? "").trim();
  if (p === "") return () => true;
  if (p.startsWith("{")) return parseJsonPattern(p);
  if (p.startsWith("[")) return parseSpacePattern(p);
  return parseTerms(p);
}

/** Splits a term pattern into its words; quoted phrases stay whole. */
function termsOf(p: string): string[] {
  const out: string[] = [];
  const re = /\s*([?-]?)(?:"((?:[^"\\]|\\.)*)"|([^\s"]+))/gy;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(p)) !== null) {
    const text = m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : (m[3] as string);
    out.push(`${m[1] ?? ""}${text}`);
    end = re.lastIndex;
  }
  if (p.slice(end).trim() !== "") throw new FilterPatternError("Invalid filter pattern: unbalanced quotes");
  return out;
}

function parseTerms(p: string): MessageMatcher {
  const all: string[] = [];
  const any: string[] = [];
  const none: string[] = [];
  for (const t of termsOf(p)) {
    if (t.startsWith("?") && t.length > 1) any.push(t.slice(1));
    else if (t.startsWith("-") && t.length > 1) none.push(t.slice(1));
    else all.push(t);
  }
  return (message) =>
    all.every((t) => message.includes(t)) &&
    (any.length === 0 || any.some((t) => message.includes(t))) &&
    !none.some((t) => message.includes(t));
}
