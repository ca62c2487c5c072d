/**
 * Composite alarm rules: `ALARM("a") AND NOT OK("b")`, `(ALARM(a) OR ALARM(b)) AND TRUE` —
 * ALARM(), OK() and INSUFFICIENT_DATA() of other alarms (names quoted or not), TRUE, FALSE,
 * AND, OR, NOT and parentheses.
 */
import type { AlarmStateValue } from "./alarm-rules.js";

export type CompositeRule =
  | { readonly kind: "state"; readonly state: AlarmStateValue; readonly alarm: string }
  | { readonly kind: "const"; readonly value: boolean }
  | { readonly kind: "not"; readonly arg: CompositeRule }
  | { readonly kind: "and" | "or"; readonly left: CompositeRule; readonly right: CompositeRule };

/** A rule that does not parse. */
export class CompositeRuleError extends Error {}

const TOKEN = /\s*(\(|\)|"(?:[^"\\]|\\.)*"|[A-Za-z_]+(?=\s*\()|AND\b|OR\b|NOT\b|TRUE\b|FALSE\b|[^\s()"]+)/y;

/** Parses a rule; throws CompositeRuleError. */
export function parseCompositeRule(src: string): CompositeRule {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < src.length && !/^\s*$/.test(src.slice(TOKEN.lastIndex))) {
    const m = TOKEN.exec(src);
    if (!m) throw new CompositeRuleError(`Unexpected character at position ${TOKEN.lastIndex + 1}`);
    tokens.push(m[1] as string);
  }
  let i = 0;
  const next = (): string | undefined => tokens[i];
  const or = (): CompositeRule => {
    let left = and();
    while (next() === "OR") {
      i++;
      left = { kind: "or", left, right: and() };
    }
    return left;
  };
  const and = (): CompositeRule => {
    let left = not();
    while (next() === "AND") {
      i++;
      left = { kind: "and", left, right: not() };
    }
    return left;
  };
  const not = (): CompositeRule => {
    if (next() === "NOT") {
      i++;
      return { kind: "not", arg: not() };
    }
    return primary();
  };
  const primary = (): CompositeRule => {
    const t = tokens[i++];
    if (t === "(") {
      const inner = or();
      if (tokens[i++] !== ")") throw new CompositeRuleError("Expected )");
      return inner;
    }
    if (t === "TRUE" || t === "FALSE") return { kind: "const", value: t === "TRUE" };
    if (t === "ALARM" || t === "OK" || t === "INSUFFICIENT_DATA") {
      if (tokens[i++] !== "(") throw new CompositeRuleError(`Expected ( after ${t}`);
      const raw = tokens[i++];
      if (raw === undefined || raw === ")") throw new CompositeRuleError(`${t}() names no alarm`);
      if (tokens[i++] !== ")") throw new CompositeRuleError(`Expected ) after ${t}(${raw}`);
      const alarm = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, "$1") : raw;
      return { kind: "state", state: t, alarm };
    }
    throw new CompositeRuleError(t === undefined ? "Unexpected end of the rule" : `Unexpected ${t}`);
  };
  const rule = or();
  if (i < tokens.length) throw new CompositeRuleError(`Unexpected ${tokens[i]}`);
  return rule;
}

/** The alarms a rule names. */
export function ruleAlarms(r: CompositeRule): string[] {
  switch (r.kind) {
    case "state":
      return [r.alarm];
    case "const":
      return [];
    case "not":
      return ruleAlarms(r.arg);
    case "and":
    case "or":
      return [...ruleAlarms(r.left), ...ruleAlarms(r.right)];
  }
}

/** Whether the rule holds, given each alarm's state. */
export function ruleHolds(r: CompositeRule, stateOf: (alarm: string) => AlarmStateValue | undefined): boolean {
  switch (r.kind) {
    case "state":
      return stateOf(r.alarm) === r.state;
    case "const":
      return r.value;
    case "not":
      return !ruleHolds(r.arg, stateOf);
    case "and":
      return ruleHolds(r.left, stateOf) && ruleHolds(r.right, stateOf);
    case "or":
      return ruleHolds(r.left, stateOf) || ruleHolds(r.right, stateOf);
  }
}
