/**
 * CloudWatch's alarm rules, pure: whether a value breaches, and the state an alarm moves to from
 * the datapoints of its evaluation range (the last N periods, oldest first; undefined = missing),
 * with M of N datapoints to alarm and the four TreatMissingData modes:
 * - notBreaching / breaching: a missing point counts as good / bad;
 * - missing / ignore: only the points present count; with none present, `missing` goes to
 *   INSUFFICIENT_DATA and `ignore` keeps the current state; with fewer than M present, ALARM needs
 *   every present point to breach (CloudWatch's `- - X` row: ALARM with 3 of 3).
 * With points present: ALARM when at least M (or all present, if fewer) breach, otherwise OK.
 */

export type AlarmStateValue = "OK" | "ALARM" | "INSUFFICIENT_DATA";
export type TreatMissingData = "missing" | "notBreaching" | "breaching" | "ignore";

export const COMPARISON_OPERATORS = [
  "GreaterThanOrEqualToThreshold",
  "GreaterThanThreshold",
  "LessThanThreshold",
  "LessThanOrEqualToThreshold",
] as const;
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

/** Whether `value` breaches `threshold` under `op`. */
export function breaches(value: number, threshold: number, op: ComparisonOperator): boolean {
  switch (op) {
    case "GreaterThanOrEqualToThreshold":
      return value >= threshold;
    case "GreaterThanThreshold":
      return value > threshold;
    case "LessThanThreshold":
      return value < threshold;
    case "LessThanOrEqualToThreshold":
      return value <= threshold;
  }
}

/** An alarm's rule. */
export interface AlarmRule {
  readonly threshold: number;
  readonly comparisonOperator: ComparisonOperator;
  /** M. */
  readonly datapointsToAlarm: number;
  readonly treatMissingData: TreatMissingData;
}

/** The outcome of one evaluation: the new state and why. */
export interface Evaluation {
  readonly state: AlarmStateValue;
  readonly breaching: number;
  readonly present: number;
}

/** The state the datapoints of the evaluation range (oldest first) lead to. */
export function evaluateRange(
  points: readonly (number | undefined)[],
  rule: AlarmRule,
  current: AlarmStateValue,
): Evaluation {
  let breaching = 0;
  let present = 0;
  for (const v of points) {
    if (v === undefined) {
      if (rule.treatMissingData === "breaching") {
        breaching++;
        present++;
      } else if (rule.treatMissingData === "notBreaching") present++;
      continue;
    }
    present++;
    if (breaches(v, rule.threshold, rule.comparisonOperator)) breaching++;
  }
  if (present === 0) {
    return { state: rule.treatMissingData === "ignore" ? current : "INSUFFICIENT_DATA", breaching, present };
  }
  const needed = Math.min(rule.datapointsToAlarm, present);
  return { state: breaching >= needed ? "ALARM" : "OK", breaching, present };
}

const WORDS: Readonly<Record<ComparisonOperator, string>> = {
  GreaterThanOrEqualToThreshold: "greater than or equal to",
  GreaterThanThreshold: "greater than",
  LessThanThreshold: "less than",
  LessThanOrEqualToThreshold: "less than or equal to",
};

/** CloudWatch's StateReason for a threshold evaluation. */
export function stateReason(e: Evaluation, rule: AlarmRule, points: readonly (number | undefined)[]): string {
  const n = points.length;
  if (e.present === 0) return `Insufficient Data: ${n} datapoint${n === 1 ? " was" : "s were"} unknown.`;
  const shown = points.filter((v): v is number => v !== undefined).join(", ");
  const words = WORDS[rule.comparisonOperator];
  const m = rule.datapointsToAlarm;
  if (e.state === "ALARM") {
    return `Threshold Crossed: ${e.breaching} out of the last ${n} datapoints [${shown}] ${e.breaching === 1 ? "was" : "were"} ${words} the threshold (${rule.threshold}) (minimum ${m} datapoint${m === 1 ? "" : "s"} for OK -> ALARM transition).`;
  }
  return `Threshold Crossed: ${n - e.breaching} out of the last ${n} datapoints [${shown}] ${n - e.breaching === 1 ? "was" : "were"} not ${words} the threshold (${rule.threshold}) (minimum ${n - m + 1} datapoint${n - m + 1 === 1 ? "" : "s"} for ALARM -> OK transition).`;
}
