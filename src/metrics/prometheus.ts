/**
 * Prometheus text exposition (format 0.0.4) of this node: per-function invocations, errors,
 * throttles, cold starts, a duration histogram and concurrency, counted in memory from invocation
 * records; and the node's instance pool and async work, read when scraped.
 */
import type { InvocationRecord } from "../domain/invocation.js";

/** Upper bounds (ms) of the duration histogram's buckets. */
const DURATION_BUCKETS_MS = [
  1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000, 300_000, 900_000,
];

interface FunctionCounters {
  invocations: number;
  errors: number;
  throttles: number;
  coldStarts: number;
  running: number;
  durationSum: number;
  readonly durationBuckets: number[];
}

/** The node's gauges, read at each scrape. */
export interface NodeGauges {
  readonly instances: number;
  readonly idleInstances: number;
  readonly inFlight: number;
  readonly asyncInFlight: number;
}

const escapeLabel = (v: string): string => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

/** Counts invocation records per function and renders the exposition. */
export class PrometheusExporter {
  readonly #functions = new Map<string, FunctionCounters>();

  /** A subscriber for invocation records. */
  readonly onRecord = (r: InvocationRecord): void => {
    let c = this.#functions.get(r.functionName);
    if (!c) {
      c = {
        invocations: 0,
        errors: 0,
        throttles: 0,
        coldStarts: 0,
        running: 0,
        durationSum: 0,
        durationBuckets: DURATION_BUCKETS_MS.map(() => 0),
      };
      this.#functions.set(r.functionName, c);
    }
    if (r.outcome === "throttled") {
      c.throttles++;
      return;
    }
    c.invocations++;
    if (r.outcome !== "ok") c.errors++;
    if (r.initDurationMs !== undefined) c.coldStarts++;
    c.running = Math.max(0, (r.concurrentExecutions ?? 1) - 1);
    c.durationSum += r.durationMs;
    for (let k = 0; k < DURATION_BUCKETS_MS.length; k++)
      if (r.durationMs <= (DURATION_BUCKETS_MS[k] as number)) (c.durationBuckets[k] as number)++;
  };

  /** The exposition text. */
  render(gauges: NodeGauges): string {
    const lines: string[] = [];
    const family = (name: string, type: string, help: string, value: (c: FunctionCounters) => number): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [fn, c] of this.#functions) lines.push(`${name}{function="${escapeLabel(fn)}"} ${value(c)}`);
    };
    family(
      "haneul_function_invocations_total",
      "counter",
      "Invocations that ran (function errors included, throttles not).",
      (c) => c.invocations,
    );
    family(
      "haneul_function_errors_total",
      "counter",
      "Invocations that ended in a function error, a timeout or a crash.",
      (c) => c.errors,
    );
    family(
      "haneul_function_throttles_total",
      "counter",
      "Invocations refused for lack of concurrency.",
      (c) => c.throttles,
    );
    family(
      "haneul_function_cold_starts_total",
      "counter",
      "Invocations that started a new instance.",
      (c) => c.coldStarts,
    );
    family(
      "haneul_function_concurrent_executions",
      "gauge",
      "Calls of the function in flight as last seen.",
      (c) => c.running,
    );
    lines.push(
      "# HELP haneul_function_duration_milliseconds Duration of invocations.",
      "# TYPE haneul_function_duration_milliseconds histogram",
    );
    for (const [fn, c] of this.#functions) {
      const label = `function="${escapeLabel(fn)}"`;
      DURATION_BUCKETS_MS.forEach((le, k) =>
        lines.push(`haneul_function_duration_milliseconds_bucket{${label},le="${le}"} ${c.durationBuckets[k]}`),
      );
      lines.push(`haneul_function_duration_milliseconds_bucket{${label},le="+Inf"} ${c.invocations}`);
      lines.push(`haneul_function_duration_milliseconds_sum{${label}} ${c.durationSum}`);
      lines.push(`haneul_function_duration_milliseconds_count{${label}} ${c.invocations}`);
    }
    const gauge = (name: string, help: string, v: number): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name} ${v}`);
    };
    gauge("haneul_instances", "Function instances started on this node, busy or idle.", gauges.instances);
    gauge("haneul_instances_idle", "Idle function instances in the pool.", gauges.idleInstances);
    gauge("haneul_invocations_in_flight", "Invocations running on this node.", gauges.inFlight);
    gauge(
      "haneul_async_events_in_flight",
      "Event (asynchronous) invocations this node is running.",
      gauges.asyncInFlight,
    );
    return lines.join("\n") + "\n";
  }
}
