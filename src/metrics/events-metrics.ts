/**
 * Feeds `AWS/Events` from EventBridge's deliveries, with AWS's dimensions: a rule of the default
 * bus by [RuleName], one of a custom bus by [EventBusName, RuleName]. Invocations are also counted
 * without dimensions (the account's total), and so are MatchedEvents, once per event that matched
 * any rule (a count without a rule name).
 */
import type { Dimension } from "../domain/metrics/metric-key.js";
import type { MetricHandle, MetricRecorder } from "./recorder.js";
import type { RuleCount } from "../buses/index.js";

const NS = "AWS/Events";

/** One count of a rule: an event it matched, a target it invoked, a delivery that failed (the buses' own count). */
export type RuleMetric = RuleCount;

/** Metrics AWS also gives as account totals. */
const TOTALLED = new Set(["Invocations", "InvocationAttempts", "RetryInvocationAttempts"]);

/** Turns rule counts into `AWS/Events` metrics. */
export class EventsMetrics {
  readonly #recorder: MetricRecorder;
  readonly #handles = new Map<string, readonly MetricHandle[]>();

  constructor(recorder: MetricRecorder) {
    this.#recorder = recorder;
  }

  /** A subscriber for the bus service's counts. */
  readonly onMetric = (m: RuleMetric): void => {
    for (const h of this.#handlesFor(m)) this.#recorder.record(h, 1);
  };

  #handlesFor(m: RuleMetric): readonly MetricHandle[] {
    const id = `${m.name}\u0000${m.busName}\u0000${m.ruleName ?? ""}`;
    let h = this.#handles.get(id);
    if (h) return h;
    let sets: Dimension[][] = [[]];
    if (m.ruleName !== undefined) {
      const rule: Dimension = { name: "RuleName", value: m.ruleName };
      const named = m.busName === "default" ? [rule] : [{ name: "EventBusName", value: m.busName }, rule];
      sets = TOTALLED.has(m.name) ? [named, []] : [named];
    }
    h = sets.map((dimensions) => this.#recorder.handle({ namespace: NS, name: m.name, dimensions }, "Count"));
    if (this.#handles.size > 10_000) this.#handles.clear();
    this.#handles.set(id, h);
    return h;
  }
}
