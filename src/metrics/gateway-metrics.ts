/**
 * Feeds `AWS/ApiGateway` from the gateway's per-request outcome: Count, 4XXError, 5XXError,
 * Latency and IntegrationLatency. REST APIs are published by [ApiName] and [ApiName, Stage],
 * HTTP APIs by [ApiId] and [ApiId, Stage], as AWS publishes them.
 */
import type { Dimension } from "../domain/metrics/metric-key.js";
import type { MetricHandle, MetricRecorder } from "./recorder.js";

const NS = "AWS/ApiGateway";

/** What the gateway reports of one request. */
export interface GatewayRequestOutcome {
  readonly apiId: string | undefined;
  readonly stage: string | undefined;
  readonly status: number;
  readonly latencyMs: number;
  /** Time spent in the integration (the function), when one was called. */
  readonly integrationLatencyMs?: number | undefined;
}

interface HandleSet {
  readonly count: MetricHandle[];
  readonly e4: MetricHandle[];
  readonly e5: MetricHandle[];
  readonly latency: MetricHandle[];
  readonly integration: MetricHandle[];
}

/** Turns gateway requests into `AWS/ApiGateway` samples. */
export class GatewayMetrics {
  readonly #recorder: MetricRecorder;
  /** The API's name (REST APIs are published by name) and kind, from the API catalogue. */
  readonly #describe: (apiId: string) => { name: string; rest: boolean } | undefined;
  readonly #handles = new Map<string, HandleSet>();

  constructor(recorder: MetricRecorder, describe: (apiId: string) => { name: string; rest: boolean } | undefined) {
    this.#recorder = recorder;
    this.#describe = describe;
  }

  /** A subscriber for the gateway's per-request outcome; requests that matched no API count nowhere. */
  readonly onRequest = (r: GatewayRequestOutcome): void => {
    if (r.apiId === undefined) return;
    const h = this.#handlesFor(r.apiId, r.stage);
    const rec = this.#recorder;
    const e4 = r.status >= 400 && r.status < 500 ? 1 : 0;
    const e5 = r.status >= 500 ? 1 : 0;
    for (let k = 0; k < h.count.length; k++) {
      rec.record(h.count[k] as MetricHandle, 1);
      rec.record(h.e4[k] as MetricHandle, e4);
      rec.record(h.e5[k] as MetricHandle, e5);
      rec.record(h.latency[k] as MetricHandle, r.latencyMs);
      if (r.integrationLatencyMs !== undefined) rec.record(h.integration[k] as MetricHandle, r.integrationLatencyMs);
    }
  };

  #handlesFor(apiId: string, stage: string | undefined): HandleSet {
    const id = `${apiId}\u0000${stage ?? ""}`;
    let h = this.#handles.get(id);
    if (h) return h;
    const api = this.#describe(apiId);
    const self: Dimension = api?.rest ? { name: "ApiName", value: api.name } : { name: "ApiId", value: apiId };
    const sets: Dimension[][] = [[self]];
    if (stage !== undefined) sets.push([self, { name: "Stage", value: stage }]);
    const make = (name: string, unit: string): MetricHandle[] =>
      sets.map((dimensions) => this.#recorder.handle({ namespace: NS, name, dimensions }, unit));
    h = {
      count: make("Count", "Count"),
      e4: make("4XXError", "Count"),
      e5: make("5XXError", "Count"),
      latency: make("Latency", "Milliseconds"),
      integration: make("IntegrationLatency", "Milliseconds"),
    };
    if (this.#handles.size > 10_000) this.#handles.clear();
    this.#handles.set(id, h);
    return h;
  }
}
