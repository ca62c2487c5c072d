/**
 * haneul's canary judge: compares the new version with the old over the same window (the traffic
 * step that is ending) on error rate (one-sided Fisher exact test) and duration (one-sided
 * Mann-Whitney U, and a p99 at least P99_TOLERANCE times the old one's), and says "not enough data"
 * while either version served fewer invocations than the group asked for, rather than passing on
 * silence; and each metric the group names (judge-metrics.ts). Its false-positive and detection
 * rates are measured by bench/canary-judge.bench.ts.
 */
import type { JudgeVerdict } from "../ports/deployment-store.js";
import { compareMetric, type MetricComparison } from "./judge-metrics.js";
import { countedQuantile, fisherGreater, mannWhitneyGreater, type Counted } from "./statistics.js";

/** The chance, over a whole deployment, that the judge fails two equal versions (split over its tests). */
export const DEPLOYMENT_ALPHA = 0.05;
/** A slower p99 counts only when it is this many times the old one (a significant but tiny shift does not). */
export const P99_TOLERANCE = 1.2;

/** What one version did in the window. */
export interface VersionStats {
  readonly invocations: number;
  readonly errors: number;
  /** Durations (ms) as histogram buckets [value, count], ascending. */
  readonly durations: Counted;
}

/** What the judge compares. */
export interface JudgeInput {
  readonly newVersion: string;
  readonly oldVersion: string;
  readonly next: VersionStats;
  readonly old: VersionStats;
  /** The fewest invocations of each version the judge decides on. */
  readonly minSamples: number;
  /** How many steps of the deployment are judged (the deployment's alpha is split over them). */
  readonly judgedSteps: number;
  /** The metrics the group named (`haneul:judgeMetric` tags), each version's data over the window. */
  readonly metrics?: readonly MetricComparison[] | undefined;
  /** A stage canary: each deployment's 4XX answers, compared as a third rate (errors are its 5XX). */
  readonly clientErrors?: { readonly next: number; readonly old: number } | undefined;
  /** How the reasons name the sides and what they count (default: function versions and invocations). */
  readonly words?: JudgeWords | undefined;
}

/** The words of the judge's reasons. */
export interface JudgeWords {
  readonly side: string;
  readonly calls: string;
  /** One of them (a named count metric is per one). */
  readonly call: string;
  readonly errors: string;
  readonly duration: string;
}

const VERSION_WORDS: JudgeWords = {
  side: "version",
  calls: "invocations",
  call: "invocation",
  errors: "error rate",
  duration: "duration",
};
/** A stage canary's sides are deployments serving requests; its errors are 5XX answers, its duration the latency. */
export const STAGE_WORDS: JudgeWords = {
  side: "deployment",
  calls: "requests",
  call: "request",
  errors: "5XX rate",
  duration: "latency",
};

const pct = (e: number, n: number): string => `${n === 0 ? "0.0" : ((100 * e) / n).toFixed(1)}% (${e}/${n})`;
const fmt = (p: number): string => (p < 0.0001 ? p.toExponential(1) : p.toFixed(4));

/**
 * The per-test significance level: the deployment's alpha over every test of every judged step
 * (Bonferroni): error rate, duration and one per named metric.
 */
export function testAlpha(judgedSteps: number, namedMetrics = 0): number {
  return DEPLOYMENT_ALPHA / ((2 + namedMetrics) * Math.max(1, judgedSteps));
}

/** The judge's verdict on one window, with a reason for each comparison. */
export function judge(i: JudgeInput): Omit<JudgeVerdict, "weight" | "at"> {
  const { next, old, minSamples } = i;
  const w = i.words ?? VERSION_WORDS;
  const newSide = `${w.side} ${i.newVersion}`;
  const oldSide = `${w.side} ${i.oldVersion}`;
  if (next.invocations < minSamples || old.invocations < minSamples) {
    const reason = `not enough data: ${newSide} served ${next.invocations} and ${oldSide} ${old.invocations} ${w.calls} in the step; the judge needs ${minSamples} of each`;
    return { verdict: "NotEnoughData", reasons: [reason] };
  }
  const metrics = i.metrics ?? [];
  const alpha = testAlpha(i.judgedSteps, metrics.length + (i.clientErrors ? 1 : 0));
  const reasons: string[] = [];
  let failed = false;
  const rate = (what: string, a: number, b: number): void => {
    const p = fisherGreater(a, next.invocations, b, old.invocations);
    const worse = p < alpha;
    failed ||= worse;
    reasons.push(
      `${what} ${pct(a, next.invocations)} on ${newSide} vs ${pct(b, old.invocations)} on ${oldSide}: Fisher exact p = ${fmt(p)} ${worse ? "<" : "≥"} ${fmt(alpha)}${worse ? ", higher" : ""}`,
    );
  };
  rate(w.errors, next.errors, old.errors);
  if (i.clientErrors) rate("4XX rate", i.clientErrors.next, i.clientErrors.old);
  const nNew = next.durations.reduce((s, [, c]) => s + c, 0);
  const nOld = old.durations.reduce((s, [, c]) => s + c, 0);
  if (nNew < minSamples || nOld < minSamples) {
    reasons.push(
      `${w.duration}: not compared, ${nNew} and ${nOld} ${w.duration === "duration" ? "durations" : "latencies"} recorded`,
    );
  } else {
    const pDur = mannWhitneyGreater(next.durations, old.durations);
    const p99New = countedQuantile(next.durations, 0.99) ?? 0;
    const p99Old = countedQuantile(old.durations, 0.99) ?? 0;
    const slower = pDur < alpha && p99New > P99_TOLERANCE * p99Old;
    failed ||= slower;
    reasons.push(
      `p99 ${w.duration} ${p99New.toFixed(1)} ms on ${newSide} vs ${p99Old.toFixed(1)} ms on ${oldSide}: Mann-Whitney p = ${fmt(pDur)}${slower ? `, slower (p < ${fmt(alpha)}, p99 over ${P99_TOLERANCE}×)` : ""}`,
    );
  }
  let lacking = false;
  for (const c of metrics) {
    const sides = { next: i.newVersion, old: i.oldVersion, side: w.side, call: w.call };
    const o = compareMetric(c, sides, { minSamples, alpha });
    failed ||= o.worse;
    lacking ||= o.notEnoughData;
    reasons.push(o.reason);
  }
  // A worse metric is decisive; a named metric without enough samples holds the step rather than pass it.
  return { verdict: failed ? "Fail" : lacking ? "NotEnoughData" : "Pass", reasons };
}

/** A verdict as one line (deploymentStatusMessages, `haneul deployments get|watch`). */
export function verdictLine(v: JudgeVerdict): string {
  return `canary judge at ${v.weight}%: ${v.verdict}: ${v.reasons.join("; ")}`;
}
