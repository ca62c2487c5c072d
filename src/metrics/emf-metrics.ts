/**
 * Metrics a function writes in CloudWatch's Embedded Metric Format: each line of an invocation
 * that carries an `_aws` directive becomes samples of the metrics it names, as CloudWatch Logs
 * extracts them from a Lambda function's log group. Lines without `"_aws"` cost one substring test.
 */
import type { InvocationRecord } from "../domain/invocation.js";
import { emfMetrics, type EmfMetric } from "../domain/metrics/emf.js";
import type { MetricHandle, MetricRecorder } from "./recorder.js";

/** Handles kept for the metrics functions name repeatedly (bounded, as LambdaMetrics keeps its own). */
const MAX_HANDLES = 10_000;

/** A subscriber for invocation records that records the EMF metrics of their lines. */
export class EmfMetrics {
  readonly #recorder: MetricRecorder;
  readonly #handles = new Map<string, MetricHandle>();
  /** How many EMF lines were taken (tests, diagnostics). */
  taken = 0;

  constructor(recorder: MetricRecorder) {
    this.#recorder = recorder;
  }

  readonly onRecord = (r: InvocationRecord): void => {
    for (const line of r.initLines) this.#line(line);
    for (const line of r.lines) this.#line(line);
  };

  #line(line: string): void {
    if (!line.includes('"_aws"')) return;
    const metrics = emfMetrics(line);
    if (metrics.length > 0) this.taken++;
    for (const m of metrics) {
      const h = this.#handle(m);
      for (const v of m.values) this.#recorder.record(h, v, m.timestamp);
    }
  }

  #handle(m: EmfMetric): MetricHandle {
    const id = JSON.stringify([m.namespace, m.name, m.unit, m.dimensions]);
    let h = this.#handles.get(id);
    if (!h) {
      if (this.#handles.size >= MAX_HANDLES) this.#handles.clear();
      h = this.#recorder.handle({ namespace: m.namespace, name: m.name, dimensions: m.dimensions }, m.unit);
      this.#handles.set(id, h);
    }
    return h;
  }
}
