/**
 * IAM's wildcard matching: `*` matches any run of characters (also none), `?` exactly one.
 * Actions compare case-insensitively, resources and most condition values case-sensitively.
 */

const SPECIAL = /[.+^${}()|[\]\\]/g;

/** A compiled pattern: an exact string when it has no wildcard, else a regular expression. */
export type Pattern =
  { readonly exact: string; readonly re?: undefined } | { readonly exact?: undefined; readonly re: RegExp };

/** Compiles `pattern` once; `ignoreCase` for actions and the *IgnoreCase operators. */
export function compilePattern(pattern: string, ignoreCase = false): Pattern {
  if (!pattern.includes("*") && !pattern.includes("?")) {
    return { exact: ignoreCase ? pattern.toLowerCase() : pattern };
  }
  const source = pattern.replace(SPECIAL, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return { re: new RegExp(`^${source}$`, ignoreCase ? "is" : "s") };
}

/** Whether `value` matches the compiled pattern (for an `ignoreCase` pattern, pass any case). */
export function matchPattern(p: Pattern, value: string, ignoreCase = false): boolean {
  if (p.re) return p.re.test(value);
  return ignoreCase ? value.toLowerCase() === p.exact : value === p.exact;
}

/** One-off wildcard match (policy variables make a pattern per request). */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  return matchPattern(compilePattern(pattern, ignoreCase), value, ignoreCase);
}

/**
 * ARN matching as ArnLike does it: each of the six colon-separated parts is matched on its own
 * (the last part keeps its colons), so `*` never spans a part boundary.
 */
export function arnLike(pattern: string, arn: string): boolean {
  if (pattern === "*") return true;
  const p = splitArn(pattern);
  const a = splitArn(arn);
  if (p === undefined || a === undefined) return false;
  for (let i = 0; i < 6; i++) if (!wildcardMatch(p[i] as string, a[i] as string)) return false;
  return true;
}

/** The six parts of an ARN, or undefined when it is not one. */
export function splitArn(arn: string): string[] | undefined {
  const parts = arn.split(":");
  if (parts.length < 6 || parts[0] !== "arn") return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(":")];
}
