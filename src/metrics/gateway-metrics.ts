/**
 * Feeds `AWS/ApiGateway` from the gateway's per-request outcome: Count, 4XXError, 5XXError,
 * Latency and IntegrationLatency. REST APIs are published by [ApiName] and [ApiName, Stage],
 * HTTP APIs by [ApiId] and [ApiId, Stage], as AWS publishes them. While a stage has a canary, its
 * requests are also published per serving deployment in haneul's own `Haneul/ApiGateway`
 * namespace, by [ApiName, Stage, DeploymentId] (AWS documents no dimension for a canary's
 * metrics): what alarms on the canary alone and the stage canary judge read.
 */
import type { Dimension } from "../domain/metrics/metric-key.js";
import { STAGE_SPLIT_NAMESPACE, stageSplitDimensions } from "../domain/metrics/stage-split.js";
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
  /** On a stage with a canary: the deployment that served the request. */
  readonly deploymentId?: string | undefined;
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
  readonly #split = new Map<string, HandleSet>();

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
    record(rec, h, r, e4, e5);
    if (r.deploymentId === undefined || r.stage === undefined) return;
    record(rec, this.#splitHandlesFor(r.apiId, r.stage, r.deploymentId), r, e4, e5);
  };

  #splitHandlesFor(apiId: string, stage: string, deploymentId: string): HandleSet {
    const id = `${apiId}\u0000${stage}\u0000${deploymentId}`;
    let h = this.#split.get(id);
    if (h) return h;
    const api = this.#describe(apiId);
    const dimensions = stageSplitDimensions(api?.name ?? apiId, stage, deploymentId);
    h = handleSet(this.#recorder, STAGE_SPLIT_NAMESPACE, [dimensions]);
    if (this.#split.size > 10_000) this.#split.clear();
    this.#split.set(id, h);
    return h;
  }

  #handlesFor(apiId: string, stage: string | undefined): HandleSet {
    const id = `${apiId}\u0000${stage ?? ""}`;
    let h = this.#handles.get(id);
    if (h) return h;
    const api = this.#describe(apiId);
    const self: Dimension = api?.rest ? { name: "ApiName", value: api.name } : { name: "ApiId", value: apiId };
    const sets: Dimension[][] = [[self]];
    if (stage !== undefined) sets.push([self, { name: "Stage", value: stage }]);
    h = handleSet(this.#recorder, NS, sets);
    if (this.#handles.size > 10_000) this.#handles.clear();
    this.#handles.set(id, h);
    return h;
  }
}

/** The five metrics of a request, each under every dimension set of `sets`. */
function handleSet(recorder: MetricRecorder, namespace: string, sets: readonly Dimension[][]): HandleSet {
  const make = (name: string, unit: string): MetricHandle[] =>
    sets.map((dimensions) => recorder.handle({ namespace, name, dimensions }, unit));
  return {
    count: make("Count", "Count"),
    e4: make("4XXError", "Count"),
    e5: make("5XXError", "Count"),
    latency: make("Latency", "Milliseconds"),
    integration: make("IntegrationLatency", "Milliseconds"),
  };
}

/** One request's samples into every handle of `h`. */
function record(rec: MetricRecorder, h: HandleSet, r: GatewayRequestOutcome, e4: number, e5: number): void {
  for (let k = 0; k < h.count.length; k++) {
    rec.record(h.count[k] as MetricHandle, 1);
    rec.record(h.e4[k] as MetricHandle, e4);
    rec.record(h.e5[k] as MetricHandle, e5);
    rec.record(h.latency[k] as MetricHandle, r.latencyMs);
    if (r.integrationLatencyMs !== undefined) rec.record(h.integration[k] as MetricHandle, r.integrationLatencyMs);
  }
}
