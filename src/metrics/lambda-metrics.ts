/**
 * Feeds `AWS/Lambda` from invocation records, as AWS publishes it: each record counts under the
 * dimension sets [] (account), [FunctionName], [FunctionName, Resource] and, for an alias call,
 * [FunctionName, Resource, ExecutedVersion]. Fed here: Invocations, Errors, Throttles, Duration,
 * ConcurrentExecutions; and, from the async invoker's data points (`onAsyncMetric`),
 * AsyncEventsReceived, AsyncEventAge, AsyncEventsDropped, DeadLetterErrors and
 * DestinationDeliveryFailures; and IteratorAge from stream mappings (ms from the last record's
 * arrival to its batch leaving for the function), through the same entry point.
 */
import type { InvocationRecord } from "../domain/invocation.js";
import type { Dimension } from "../domain/metrics/metric-key.js";
import type { MetricHandle, MetricRecorder } from "./recorder.js";

const NS = "AWS/Lambda";

/** One data point of asynchronous invocation, as the async invoker reports it. */
export interface AsyncDataPoint {
  readonly name: string;
  readonly functionName: string;
  readonly qualifier?: string | undefined;
  readonly value: number;
  /** On the platform clock. */
  readonly at: number;
}

/**
 * A call's handles: each metric recorded once, into its narrowest dimension set, the wider sets
 * taking the sample too (`MetricRecorder.handle`'s `also`); ConcurrentExecutions differs per set.
 */
interface HandleSet {
  readonly invocations: MetricHandle;
  readonly errors: MetricHandle;
  readonly throttles: MetricHandle;
  readonly duration: MetricHandle;
  readonly concurrency: readonly MetricHandle[];
}

/** The dimension sets a call of `functionName` with `qualifier` counts under. */
export function lambdaDimensionSets(
  functionName: string,
  qualifier: string | undefined,
  executed: string,
): Dimension[][] {
  const fn = { name: "FunctionName", value: functionName };
  const sets: Dimension[][] = [[], [fn]];
  if (qualifier !== undefined && qualifier !== "$LATEST") {
    const resource = { name: "Resource", value: `${functionName}:${qualifier}` };
    sets.push([fn, resource]);
    // ExecutedVersion exists for alias calls: which version the alias routed to.
    if (!/^\d+$/.test(qualifier)) sets.push([fn, resource, { name: "ExecutedVersion", value: executed }]);
  }
  return sets;
}

/** The qualifier of an invoked ARN (`…:function:name:qualifier`), if any. */
function qualifierOf(functionArn: string): string | undefined {
  const parts = functionArn.split(":");
  return parts.length > 7 ? parts[7] : undefined;
}

/** Turns invocation records into `AWS/Lambda` samples. */
export class LambdaMetrics {
  readonly #recorder: MetricRecorder;
  /** Handle sets by invoked ARN, then by executed version. */
  readonly #handles = new Map<string, Map<string, HandleSet>>();
  readonly #asyncHandles = new Map<string, MetricHandle>();
  /** Calls running per function as last sampled (ConcurrentExecutions, read with statistic Maximum). */
  readonly #running = new Map<string, number>();

  constructor(recorder: MetricRecorder) {
    this.#recorder = recorder;
  }

  /** A subscriber for invocation records. */
  readonly onRecord = (r: InvocationRecord): void => {
    const h = this.#handlesFor(r.invokedArn ?? r.functionArn, r.functionName, r.executedVersion);
    const rec = this.#recorder;
    const at = rec.now();
    if (r.outcome === "throttled") {
      rec.record(h.throttles, 1, at);
      return;
    }
    rec.record(h.invocations, 1, at);
    rec.record(h.errors, r.outcome !== "ok" ? 1 : 0, at);
    rec.record(h.duration, r.durationMs, at);
    // Sampled as each call ends; the account total is the sum of the functions' counts.
    const running = r.concurrentExecutions ?? 1;
    const [account, fn] = h.concurrency;
    if (fn) rec.record(fn, running, at);
    this.#running.set(r.functionName, 0);
    if (account) rec.record(account, this.#accountRunning() + running, at);
    // Once this call has ended.
    this.#running.set(r.functionName, running - 1);
  };

  /** A subscriber for the async invoker's data points: [], [FunctionName] and, qualified, [FunctionName, Resource]. */
  readonly onAsyncMetric = (m: AsyncDataPoint): void => {
    // One lookup and one sample per data point: the narrowest set's handle carries the wider ones (`also`).
    const id = `${m.name}\u0000${m.functionName}\u0000${m.qualifier ?? ""}`;
    let h = this.#asyncHandles.get(id);
    if (!h) {
      if (this.#asyncHandles.size > 10_000) this.#asyncHandles.clear();
      h = this.#asyncHandle(m);
      this.#asyncHandles.set(id, h);
    }
    this.#recorder.record(h, m.value, m.at);
  };

  #asyncHandle(m: AsyncDataPoint): MetricHandle {
    const unit = m.name === "AsyncEventAge" || m.name === "IteratorAge" ? "Milliseconds" : "Count";
    const sets = lambdaDimensionSets(m.functionName, m.qualifier, "").slice(0, 3);
    let wider: MetricHandle[] = [];
    for (const dimensions of sets) {
      const h = this.#recorder.handle({ namespace: NS, name: m.name, dimensions }, unit, wider);
      wider = [h, ...wider];
    }
    return wider[0]!;
  }

  #accountRunning(): number {
    let n = 0;
    for (const v of this.#running.values()) n += v;
    return n;
  }

  /** The handles of calls of `arn` (an invoked ARN) that ran `executed`: two map lookups, no key built. */
  #handlesFor(arn: string, fn: string, executed: string): HandleSet {
    let byExecuted = this.#handles.get(arn);
    if (!byExecuted) {
      if (this.#handles.size > 10_000) this.#handles.clear();
      byExecuted = new Map();
      this.#handles.set(arn, byExecuted);
    }
    let h = byExecuted.get(executed);
    if (h) return h;
    const sets = lambdaDimensionSets(fn, qualifierOf(arn), executed);
    const make = (name: string, unit: string): MetricHandle => {
      const wider = sets
        .slice(0, -1)
        .map((dimensions) => this.#recorder.handle({ namespace: NS, name, dimensions }, unit));
      return this.#recorder.handle({ namespace: NS, name, dimensions: sets[sets.length - 1] ?? [] }, unit, wider);
    };
    h = {
      invocations: make("Invocations", "Count"),
      errors: make("Errors", "Count"),
      throttles: make("Throttles", "Count"),
      duration: make("Duration", "Milliseconds"),
      concurrency: sets
        .slice(0, 2)
        .map((dimensions) =>
          this.#recorder.handle({ namespace: NS, name: "ConcurrentExecutions", dimensions }, "Count"),
        ),
    };
    if (byExecuted.size > 100) byExecuted.clear();
    byExecuted.set(executed, h);
    return h;
  }
}
