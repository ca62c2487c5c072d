/**
 * What a node does when it stops a recursive loop: the function's log says so (a platform line in
 * `/aws/lambda/<name>`) and, for queue sources, RecursiveInvocationsDropped is counted (the async
 * runner counts its own through its metric listener).
 */
import { RECURSION_STOPPED } from "../domain/recursion.js";
import type { AsyncMetricListener } from "../events/index.js";
import type { LogEventInput } from "../ports/log-store.js";
import type { Clock } from "../shared/clock.js";

export interface RecursionNoticesOptions {
  readonly clock: Clock;
  /** Queues a line of the platform's own into a log group. */
  readonly lines: (event: LogEventInput) => void;
  readonly onMetric: AsyncMetricListener;
}

/** The notices of stopped loops. */
export interface RecursionNotices {
  /** `events` invocations of `functionName` were not made; `metric`: count them here (queue sources). */
  stopped(o: { functionName: string; events: number; metric?: boolean }): void;
}

/** Builds the notices over the node's log writer and metric listener. */
export function recursionNotices(o: RecursionNoticesOptions): RecursionNotices {
  return {
    stopped({ functionName, events, metric }) {
      const at = o.clock.now();
      if (metric) o.onMetric({ name: "RecursiveInvocationsDropped", functionName, value: events, at });
      const day = new Date(at).toISOString().slice(0, 10).replaceAll("-", "/");
      o.lines({
        groupName: `/aws/lambda/${functionName}`,
        streamName: `${day}/[$LATEST]recursive-loop-detection`,
        timestamp: at,
        message: `RecursiveInvocationException: ${RECURSION_STOPPED} (${events} event${events === 1 ? "" : "s"} not invoked)`,
      });
    },
  };
}
