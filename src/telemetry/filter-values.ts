/** Comparing a field of an event with a filter pattern's value: numbers, strings and `*` wildcards. */
import { FilterPatternError } from "./filter-error.js";

export type Operator = "=" | "!=" | "<" | ">" | "<=" | ">=";

/** A value of a condition: a number, or a string (quoted or bare, `*` a wildcard). */
export type ConditionValue =
  { readonly kind: "number"; readonly n: number } | { readonly kind: "string"; readonly s: string };

/** Reads a condition value at the start of `text`; returns it and the rest. */
export function readValue(text: string): { value: ConditionValue; rest: string } {
  const t = text.trimStart();
  if (t.startsWith('"')) {
    const m = /^"((?:[^"\\]|\\.)*)"/.exec(t);
    if (!m) throw new FilterPatternError("Invalid filter pattern: unbalanced quotes");
    return { value: { kind: "string", s: (m[1] as string).replace(/\\(.)/g, "$1") }, rest: t.slice(m[0].length) };
  }
  const m = /^[^\s,&|)\]}]+/.exec(t);
  if (!m) throw new FilterPatternError("Invalid filter pattern: a value is missing");
  const raw = m[0];
  const n = Number(raw);
  const value: ConditionValue = raw !== "" && Number.isFinite(n) ? { kind: "number", n } : { kind: "string", s: raw };
  return { value, rest: t.slice(raw.length) };
}

/** Refuses a condition that can never be evaluated: an ordering against a string. */
export function checkCondition(op: Operator, value: ConditionValue): void {
  if (value.kind === "string" && op !== "=" && op !== "!=") {
    throw new FilterPatternError(`Invalid filter pattern: ${op} needs a number, not "${value.s}"`);
  }
}

/** Reads an operator at the start of `text`. */
export function readOperator(text: string): { op: Operator; rest: string } {
  const m = /^\s*(!=|<=|>=|=|<|>)/.exec(text);
  if (!m) throw new FilterPatternError("Invalid filter pattern: an operator is missing");
  return { op: m[1] as Operator, rest: text.slice(m[0].length) };
}

function wildcard(s: string): RegExp {
  return new RegExp(
    `^${s
      .split("*")
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
    "s",
  );
}

/** Whether `actual` (a field's text or JSON value) stands in `op` to `expected`. */
export function compare(actual: unknown, op: Operator, expected: ConditionValue): boolean {
  if (actual === undefined || actual === null) return op === "!=";
  if (expected.kind === "number") {
    const a =
      typeof actual === "number" ? actual : typeof actual === "string" && actual.trim() !== "" ? Number(actual) : NaN;
    if (Number.isNaN(a)) return op === "!=";
    switch (op) {
      case "=":
        return a === expected.n;
      case "!=":
        return a !== expected.n;
      case "<":
        return a < expected.n;
      case ">":
        return a > expected.n;
      case "<=":
        return a <= expected.n;
      case ">=":
        return a >= expected.n;
    }
  }
  const text = typeof actual === "string" ? actual : JSON.stringify(actual);
  const equal = expected.s.includes("*") ? wildcard(expected.s).test(text) : text === expected.s;
  return op === "=" ? equal : !equal;
}
