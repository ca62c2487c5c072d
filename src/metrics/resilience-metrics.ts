/**
 * Feeds `haneul/Resilience` from the gateway's resilience events (x-haneul-resilience): circuit
 * state changes (CircuitOpened, CircuitHalfOpened, CircuitClosed), requests an open circuit refused
 * (CircuitRejected), retries (Retries) and requests a full bulkhead refused (BulkheadRejected), by
 * [ApiId] and [ApiId, Target] (the integration's URI, or its function and qualifier).
 */
import type { Dimension } from "../domain/metrics/metric-key.js";
import type { MetricHandle, MetricRecorder } from "./recorder.js";

const NS = "haneul/Resilience";

/** One event of a target, as the gateway reports it. */
export interface ResilienceOutcome {
  readonly apiId: string;
  readonly target: string;
  readonly kind: "state" | "rejected" | "retry" | "bulkhead-full";
  /** The new state, for `state`. */
  readonly to?: "closed" | "open" | "half-open" | undefined;
}

const NAME: Readonly<Record<string, string>> = {
  open: "CircuitOpened",
  "half-open": "CircuitHalfOpened",
  closed: "CircuitClosed",
  rejected: "CircuitRejected",
  retry: "Retries",
  "bulkhead-full": "BulkheadRejected",
};

/** Turns resilience events into `haneul/Resilience` counts. */
export class ResilienceMetrics {
  readonly #recorder: MetricRecorder;
  readonly #handles = new Map<string, readonly MetricHandle[]>();

  constructor(recorder: MetricRecorder) {
    this.#recorder = recorder;
  }

  /** A subscriber for the gateway's resilience events. */
  readonly onEvent = (e: ResilienceOutcome): void => {
    const name = NAME[e.kind === "state" ? (e.to ?? "") : e.kind];
    if (name === undefined) return;
    for (const h of this.#handlesFor(name, e.apiId, e.target)) this.#recorder.record(h, 1);
  };

  #handlesFor(name: string, apiId: string, target: string): readonly MetricHandle[] {
    const id = `${name}\u0000${apiId}\u0000${target}`;
    let h = this.#handles.get(id);
    if (h) return h;
    const api: Dimension = { name: "ApiId", value: apiId };
    const sets: Dimension[][] = [[api], [api, { name: "Target", value: target }]];
    h = sets.map((dimensions) => this.#recorder.handle({ namespace: NS, name, dimensions }, "Count"));
    if (this.#handles.size > 10_000) this.#handles.clear();
    this.#handles.set(id, h);
    return h;
  }
}
