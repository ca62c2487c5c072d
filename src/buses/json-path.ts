/**
 * The JSONPath EventBridge takes in InputPath and InputPathsMap: `$`, `$.a.b`, `$.a[0]`,
 * `$['a-b']`. Deeper JSONPath (filters, wildcards) AWS refuses for these fields too.
 */

type Step = string | number;

/** Parses a path; undefined when it is not one EventBridge accepts. */
export function parseJsonPath(path: string): Step[] | undefined {
  if (!path.startsWith("$")) return undefined;
  const steps: Step[] = [];
  let i = 1;
  while (i < path.length) {
    const rest = path.slice(i);
    const dotted = /^\.([^.[\]]+)/.exec(rest);
    const indexed = /^\[(\d+)\]/.exec(rest);
    const quoted = /^\['([^']*)'\]/.exec(rest);
    const m = dotted ?? indexed ?? quoted;
    if (!m) return undefined;
    steps.push(indexed ? Number(m[1]) : m[1]!);
    i += m[0].length;
  }
  return steps;
}

/** The value at `steps` in `value`, or undefined when the path leads nowhere. */
export function valueAt(value: unknown, steps: readonly Step[]): unknown {
  let v = value;
  for (const step of steps) {
    if (typeof step === "number") {
      if (!Array.isArray(v)) return undefined;
      v = v[step];
    } else {
      if (typeof v !== "object" || v === null || Array.isArray(v)) return undefined;
      v = (v as Record<string, unknown>)[step];
    }
    if (v === undefined) return undefined;
  }
  return v;
}
