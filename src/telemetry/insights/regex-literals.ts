/**
 * The literal texts every match of a regular expression contains, found conservatively: a run of
 * plain characters each required exactly once, in sequence. Anything this reader does not fully
 * understand (alternation at the top, back-references, \x and \u escapes, odd braces, flags that
 * change matching beyond ASCII case) yields nothing, which only means no narrowing.
 */

/** Runs of at most this many are kept, the longest first. */
const MAX_RUNS = 3;
const SPECIAL = new Set([..."\\^$.|?*+()[]{}"]);
const CONTROL_ESCAPES: Readonly<Record<string, string>> = { t: "\t", n: "\n", r: "\r", f: "\f", v: "\v" };
const CLASS_ESCAPES = new Set([..."dDwWsSbB"]);
const QUANTIFIER_BRACE = /^\{\d+(,\d*)?\}/;

/** The index just past the group or class that opens at `at` (skipping escapes and nested parts); -1 if unclosed. */
function skipBracketed(src: string, at: number): number {
  let depth = 0;
  let inClass = false;
  for (let i = at; i < src.length; i++) {
    const c = src[i];
    if (c === "\\") i++;
    else if (inClass) {
      if (c === "]") {
        inClass = false;
        if (depth === 0) return i + 1;
      }
    } else if (c === "[") inClass = true;
    else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return i + 1;
  }
  return -1;
}

/** The literal runs of `source` (a RegExp's source without the `u` or `v` flag), or undefined when it cannot tell. */
function runsOf(source: string): string[] | undefined {
  const runs: string[] = [];
  let run = "";
  const end = (): void => {
    if (run) runs.push(run);
    run = "";
  };
  let i = 0;
  while (i < source.length) {
    const c = source[i] as string;
    let literal: string | undefined;
    if (c === "\\") {
      const next = source[i + 1];
      if (next === undefined) return undefined;
      if (CONTROL_ESCAPES[next] !== undefined) literal = CONTROL_ESCAPES[next];
      else if (CLASS_ESCAPES.has(next)) literal = undefined;
      else if (/[A-Za-z0-9]/.test(next)) return undefined;
      else literal = next;
      i += 2;
    } else if (c === "[" || c === "(") {
      const after = skipBracketed(source, i);
      if (after < 0) return undefined;
      i = after;
    } else if (c === "|" || c === ")" || c === "]" || c === "{" || c === "}") return undefined;
    else if (c === "." || c === "^" || c === "$") i++;
    else if (SPECIAL.has(c)) return undefined;
    else {
      literal = c;
      i++;
    }
    // A quantifier makes the atom before it optional or repeated: it ends the run.
    const q = source[i];
    if (q === "?" || q === "*" || q === "+" || q === "{") {
      if (q === "{") {
        const brace = QUANTIFIER_BRACE.exec(source.slice(i));
        if (!brace) return undefined;
        i += brace[0].length;
      } else i++;
      if (source[i] === "?") i++;
      // `+` needs the atom once at least: it still closes the run it ends.
      if (literal !== undefined && q === "+") run += literal;
      end();
    } else if (literal === undefined) end();
    else run += literal;
  }
  end();
  return runs;
}

const UNSAFE = /[\uD800-\uDFFF\0]/;

/**
 * Texts every match of `re` contains (case-folded ASCII when `re` ignores case), longest first;
 * an empty list when none can be told for sure.
 */
export function requiredLiterals(re: RegExp): { texts: string[]; ignoreCase: boolean } {
  const ignoreCase = re.flags.includes("i");
  // g and y make test() stateful; u and v fold case beyond ASCII and read escapes differently.
  if (/[^ims]/.test(re.flags.replace("d", ""))) return { texts: [], ignoreCase };
  const runs = runsOf(re.source) ?? [];
  const texts = runs
    .filter((r) => !UNSAFE.test(r) && (!ignoreCase || /^[\x20-\x7e\t\n\r\f\v]*$/.test(r)))
    .sort((a, b) => b.length - a.length)
    .slice(0, MAX_RUNS);
  return { texts, ignoreCase };
}
