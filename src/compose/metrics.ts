/**
 * Metrics on a node: the metric store (the node's SQLite file, or the cluster's PostgreSQL), the
 * recorder that batches samples into it, the feeds from invocation records and gateway requests,
 * and the CloudWatch API operations. Self-contained so that the composition root adds a few lines.
 */
import { join } from "node:path";
import type { PgDatabase } from "../adapters/postgres/database.js";
import { PgMetricStore } from "../adapters/postgres/pg-metric-store.js";
import { PgAlarmStore } from "../adapters/postgres/pg-alarm-store.js";
import { SqliteAlarmStore } from "../adapters/sqlite/alarm-store.js";
import { SqliteMetricStore } from "../adapters/sqlite/metric-store.js";
import { alarmHandlers } from "../api/cloudwatch/alarm-handlers.js";
import { createCloudWatchOperations } from "../api/cloudwatch/operations.js";
import type { Operation } from "../api/types.js";
import type { InvocationRecord } from "../domain/invocation.js";
import type { AccessLogRecord } from "../gateway/index.js";
import type { ServerResponse } from "node:http";
import {
  AlarmService,
  EmfMetrics,
  GatewayMetrics,
  ResilienceMetrics,
  type ResilienceOutcome,
  LambdaMetrics,
  MetricReader,
  MetricRecorder,
  PrometheusExporter,
  type NodeGauges,
} from "../metrics/index.js";
import type { AlarmStore } from "../ports/alarm-store.js";
import type { MetricStore } from "../ports/metric-store.js";
import type { Clock } from "../shared/clock.js";

/** A node's metrics. */
export interface NodeMetrics {
  readonly recorder: MetricRecorder;
  readonly reader: MetricReader;
  /** Alarms: `stateOf(name)` and `onStateChange` for other features. */
  readonly alarms: AlarmService;
  /** Starts evaluating alarms: where actions run, and whether this node leads. */
  startAlarms(o: {
    invokeFunction: (functionArn: string, payload: Buffer) => Promise<void>;
    publishToTopic?: (topicArn: string, message: { subject: string; body: string }, alarmArn: string) => Promise<void>;
    isLeader: () => boolean;
  }): Promise<void>;
  /** Subscriber for invocation records. */
  readonly onRecord: (record: InvocationRecord) => void;
  /** Subscriber for the async invoker's data points (AsyncEvents*, DeadLetterErrors, …). */
  readonly onAsyncMetric: LambdaMetrics["onAsyncMetric"];
  /** Subscriber for the gateway's per-request outcome. */
  readonly onAccessLog: (record: AccessLogRecord) => void;
  /** Subscriber for the gateway's resilience events (`haneul/Resilience`). */
  readonly onResilienceEvent: (event: ResilienceOutcome) => void;
  /** Serves `/metrics` (Prometheus text) from the gauges' reading; false for other paths. */
  prometheus(gauges: () => NodeGauges): (path: string, res: ServerResponse) => boolean;
  /** The CloudWatch API. */
  readonly operations: readonly Operation[];
  /** Names the APIs (REST APIs are published by name): set once the API service runs. */
  describeApisWith(lookup: (apiId: string) => { name: string; rest: boolean } | undefined): void;
  /** Flushes what is held and closes the store. */
  stop(): Promise<void>;
}

/** Opens the metric store and starts the recorder's periodic flush. */
export function createMetrics(o: {
  readonly dataDir: string;
  readonly database: PgDatabase | undefined;
  readonly clock: Clock;
  readonly nodeId: string;
  readonly region: string;
  readonly accountId: string;
  readonly log: (message: string, error?: unknown) => void;
}): NodeMetrics {
  const store: MetricStore = o.database
    ? new PgMetricStore(o.database)
    : // Writes stay on this connection: a flush committed at once keeps alarm evaluations on a
      // jumping or scaled clock from reading before the flush of the samples they judge (the write
      // thread, `writeThread`, saved the gateway's thread about 1 ms a second).
      SqliteMetricStore.open({ path: join(o.dataDir, "haneul.db") });
  const recorder = new MetricRecorder({
    store,
    clock: o.clock,
    writer: o.nodeId,
    onError: (e) => o.log("metrics could not be written", e),
  });
  recorder.start();
  const reader = new MetricReader({ store, clock: o.clock, beforeRead: () => recorder.flush() });
  const alarmStore: AlarmStore = o.database
    ? new PgAlarmStore(o.database)
    : SqliteAlarmStore.open({ path: join(o.dataDir, "haneul.db") });
  // Bound when the node's invoker and leadership are known (startAlarms).
  let invokeFunction = (_arn: string, _payload: Buffer): Promise<void> =>
    Promise.reject(new Error("alarms not started"));
  let isLeader = (): boolean => false;
  let publishToTopic = (_arn: string, _m: { subject: string; body: string }, _alarmArn: string): Promise<void> =>
    Promise.reject(new Error("alarms not started"));
  const alarms = new AlarmService({
    store: alarmStore,
    reader,
    clock: o.clock,
    region: o.region,
    accountId: o.accountId,
    isLeader: () => isLeader(),
    invokeFunction: (arn, payload) => invokeFunction(arn, payload),
    publishToTopic: (arn, m, alarmArn) => publishToTopic(arn, m, alarmArn),
    log: o.log,
  });
  const lambda = new LambdaMetrics(recorder);
  const emf = new EmfMetrics(recorder);
  const exporter = new PrometheusExporter();
  let describe: (apiId: string) => { name: string; rest: boolean } | undefined = () => undefined;
  const gateway = new GatewayMetrics(recorder, (id) => describe(id));
  const resilience = new ResilienceMetrics(recorder);
  return {
    recorder,
    reader,
    onRecord: fanOut(lambda.onRecord, emf.onRecord, exporter.onRecord),
    prometheus: (gauges) => (path, res) => {
      if (path !== "/metrics") return false;
      const text = exporter.render(gauges());
      res.writeHead(200, {
        "Content-Type": "text/plain; version=0.0.4; charset=utf-8",
        "Content-Length": Buffer.byteLength(text),
        "Cache-Control": "no-store",
      });
      res.end(text);
      return true;
    },
    onAccessLog: (r) => gateway.onRequest(r),
    onResilienceEvent: resilience.onEvent,
    onAsyncMetric: lambda.onAsyncMetric,
    alarms,
    async startAlarms(s) {
      invokeFunction = s.invokeFunction;
      if (s.publishToTopic) publishToTopic = s.publishToTopic;
      isLeader = s.isLeader;
      await alarms.start();
    },
    operations: createCloudWatchOperations(
      { reader, recorder, clock: o.clock },
      alarmHandlers({ alarms, store: alarmStore, clock: o.clock, region: o.region, accountId: o.accountId }),
    ),
    describeApisWith(lookup) {
      describe = lookup;
    },
    async stop() {
      await alarms.stop();
      await recorder.stop();
      await alarmStore.close();
      await store.close();
    },
  };
}

/** One listener that calls each given listener in turn. */
export function fanOut<T>(...listeners: readonly (((value: T) => void) | undefined)[]): (value: T) => void {
  const present = listeners.filter((l): l is (value: T) => void => l !== undefined);
  return (value) => {
    for (const l of present) l(value);
  };
}
