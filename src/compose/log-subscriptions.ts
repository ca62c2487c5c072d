/**
 * Where CloudWatch Logs subscription filters deliver: a function (an Event invocation with the
 * `{"awslogs":{"data":…}}` event, through the durable async queue, only when the function's policy
 * lets logs.amazonaws.com invoke it) or a Kinesis stream (PutRecord of the gzipped message). Anything
 * else is refused at PutSubscriptionFilter with AWS's InvalidParameterException. A stream destination
 * needs the filter's `roleArn`, whose policies must allow kinesis:PutRecord on the stream (checked
 * at Put and at every delivery, as the role may change); `distribution: Random` gives each record a
 * random partition key instead of the log stream's name.
 */
import { randomUUID } from "node:crypto";
import type { SubscriptionDestinations } from "../api/logs/context.js";
import type { LambdaControlPlane } from "../control/index.js";
import type { AsyncEventQueue } from "../events/index.js";
import type { MetricHandle, MetricRecorder } from "../metrics/index.js";
import type { LogStore, SubscriptionFilterState } from "../ports/log-store.js";
import type { Clock } from "../shared/clock.js";
import { PlatformError } from "../shared/errors.js";
import type { IdSource } from "../shared/ids.js";
import type { StreamService } from "../streams/index.js";
import {
  SubscriptionDelivery,
  UndeliverableError,
  type SubscriptionBatch,
  type SubscriptionMetric,
} from "../telemetry/index.js";

const NO_LAMBDA =
  "Could not execute the lambda function. Make sure you have given CloudWatch Logs permission to execute your function.";
const NO_STREAM =
  "Could not deliver test message to specified Kinesis stream. Check if the given kinesis stream is in ACTIVE state.";

type Destination =
  | { readonly kind: "lambda"; readonly name: string; readonly qualifier: string | undefined }
  | { readonly kind: "kinesis"; readonly stream: string };

/** What the node's subscription destinations are built from. */
export interface LogSubscriptionsOptions {
  readonly store: LogStore;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly region: string;
  readonly accountId: string;
  readonly control: LambdaControlPlane;
  readonly events: AsyncEventQueue;
  readonly streams: StreamService;
  /** Whether a session of the role may do `action` on `resource` (the node's IAM). */
  readonly rolePermits: (roleArn: string | undefined, request: { action: string; resource: string }) => boolean;
  /** Where AWS/Logs ForwardedLogEvents, ForwardedBytes and DeliveryErrors go. */
  readonly recorder?: MetricRecorder | undefined;
  /** Cluster: only the leader delivers, and events wait this long for concurrent batches to commit. */
  readonly isLeader?: (() => boolean) | undefined;
  readonly settleMs?: number | undefined;
  readonly log: (message: string, error?: unknown) => void;
}

const isNotFound = (e: unknown) => e instanceof PlatformError && /NOT_FOUND/.test(e.code);

const invalid = (message: string) => new PlatformError("ERR_LOGS_INVALID_PARAMETER", message);

/** The node's destinations (for the Logs API) and its deliverer (started here). */
export function createLogSubscriptions(o: LogSubscriptionsOptions): {
  readonly destinations: SubscriptionDestinations;
  readonly delivery: SubscriptionDelivery;
} {
  const groupSource = (group: string) => `arn:aws:logs:${o.region}:${o.accountId}:log-group:${group}:*`;

  const parse = (arn: string): Destination | undefined => {
    const lambda = /^arn:aws:lambda:([^:]+):(\d{12}):function:([^:]+)(?::([^:]+))?$/.exec(arn);
    if (lambda && lambda[1] === o.region && lambda[2] === o.accountId)
      return { kind: "lambda", name: lambda[3] as string, qualifier: lambda[4] };
    const kinesis = /^arn:aws:kinesis:([^:]+):(\d{12}):stream\/(.+)$/.exec(arn);
    if (kinesis && kinesis[1] === o.region && kinesis[2] === o.accountId)
      return { kind: "kinesis", stream: kinesis[3] as string };
    return undefined;
  };

  const lambdaPermits = async (d: { name: string; qualifier: string | undefined }, group: string) => {
    for (const service of ["logs.amazonaws.com", `logs.${o.region}.amazonaws.com`])
      if (await o.control.servicePermits(service, d.name, d.qualifier, groupSource(group))) return true;
    return false;
  };

  const destinations: SubscriptionDestinations = {
    async check(arn, group, roleArn) {
      const d = parse(arn);
      if (!d)
        throw invalid(
          `Invalid destination ARN: ${arn}. Only Lambda functions and Kinesis streams of this account are supported.`,
        );
      if (d.kind === "kinesis") {
        await o.streams.admin.get(d.stream).catch(() => {
          throw invalid(NO_STREAM);
        });
        if (!o.rolePermits(roleArn, { action: "kinesis:PutRecord", resource: arn })) throw invalid(NO_STREAM);
        return;
      }
      let logGroup: string;
      try {
        o.control.resolveInvocation(d.qualifier ? `${d.name}:${d.qualifier}` : d.name);
        const config = o.control.getFunctionConfiguration(d.name) as { LoggingConfig?: { LogGroup?: string } };
        logGroup = config.LoggingConfig?.LogGroup ?? `/aws/lambda/${d.name}`;
      } catch {
        throw invalid(NO_LAMBDA);
      }
      if (!(await lambdaPermits(d, group))) throw invalid(NO_LAMBDA);
      // Each delivery would log and be delivered again, forever.
      if (logGroup === group)
        throw invalid(
          `The function ${d.name} writes its logs to ${group}: subscribing it to that group would invoke it endlessly.`,
        );
    },
  };

  const send = async (batch: SubscriptionBatch): Promise<void> => {
    const d = parse(batch.filter.destinationArn);
    if (!d) throw new UndeliverableError(`unsupported destination ${batch.filter.destinationArn}`);
    if (d.kind === "kinesis") {
      const { roleArn, distribution, destinationArn } = batch.filter;
      if (!o.rolePermits(roleArn, { action: "kinesis:PutRecord", resource: destinationArn }))
        throw new UndeliverableError(`AccessDenied: ${roleArn ?? "no role"} may not kinesis:PutRecord`);
      const partitionKey = distribution === "Random" ? randomUUID() : batch.logStream;
      const [result] = await o.streams.records
        .put(d.stream, [{ partitionKey, data: batch.data }])
        .catch((e: unknown) => {
          throw isNotFound(e) ? new UndeliverableError(String(e)) : e;
        });
      if (result && "errorCode" in result) throw new Error(`${result.errorCode}: ${result.errorMessage}`);
      return;
    }
    if (!(await lambdaPermits(d, batch.filter.groupName)))
      throw new UndeliverableError("AccessDenied: the function's policy does not allow logs.amazonaws.com");
    const payload = Buffer.from(JSON.stringify({ awslogs: { data: batch.data.toString("base64") } }));
    await o.events
      .enqueue({ functionName: d.name, qualifier: d.qualifier, payload, requestId: o.ids.requestId() })
      .catch((e: unknown) => {
        throw isNotFound(e) ? new UndeliverableError(String(e)) : e;
      });
  };

  const delivery = new SubscriptionDelivery({
    ...{ store: o.store, clock: o.clock, accountId: o.accountId, send },
    ...{ isLeader: o.isLeader, settleMs: o.settleMs, onError: o.log },
    onMetric: o.recorder && subscriptionMetrics(o.recorder, (arn) => parse(arn)?.kind),
  });
  delivery.start();
  return { destinations, delivery };
}

/** AWS/Logs subscription metrics by [LogGroupName, DestinationType, FilterName], as CloudWatch Logs reports them. */
function subscriptionMetrics(
  recorder: MetricRecorder,
  kindOf: (arn: string) => Destination["kind"] | undefined,
): (filter: SubscriptionFilterState, m: SubscriptionMetric) => void {
  const handles = new Map<string, MetricHandle>();
  return (filter, m) => {
    const key = `${m.name}\u0000${filter.groupName}\u0000${filter.name}`;
    let h = handles.get(key);
    if (!h) {
      if (handles.size > 10_000) handles.clear();
      const destinationType = kindOf(filter.destinationArn) === "kinesis" ? "Kinesis" : "Lambda";
      const dimensions = [
        { name: "LogGroupName", value: filter.groupName },
        { name: "DestinationType", value: destinationType },
        { name: "FilterName", value: filter.name },
      ];
      h = recorder.handle(
        { namespace: "AWS/Logs", name: m.name, dimensions },
        m.name === "ForwardedBytes" ? "Bytes" : "Count",
      );
      handles.set(key, h);
    }
    recorder.record(h, m.value);
  };
}
