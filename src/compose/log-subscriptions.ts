/**
 * Where CloudWatch Logs subscription filters deliver: a function (an Event invocation with the
 * `{"awslogs":{"data":…}}` event, through the durable async queue, only when the function's policy
 * lets logs.amazonaws.com invoke it) or a Kinesis stream (PutRecord of the gzipped message). Anything
 * else is refused at PutSubscriptionFilter with AWS's InvalidParameterException.
 */
import type { SubscriptionDestinations } from "../api/logs/context.js";
import type { LambdaControlPlane } from "../control/index.js";
import type { AsyncEventQueue } from "../events/index.js";
import type { LogStore } from "../ports/log-store.js";
import type { Clock } from "../shared/clock.js";
import { PlatformError } from "../shared/errors.js";
import type { IdSource } from "../shared/ids.js";
import type { StreamService } from "../streams/index.js";
import { SubscriptionDelivery, type SubscriptionBatch } from "../telemetry/index.js";

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
  /** Cluster: only the leader delivers, and events wait this long for concurrent batches to commit. */
  readonly isLeader?: (() => boolean) | undefined;
  readonly settleMs?: number | undefined;
  readonly log: (message: string, error?: unknown) => void;
}

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
    async check(arn, group) {
      const d = parse(arn);
      if (!d)
        throw invalid(
          `Invalid destination ARN: ${arn}. Only Lambda functions and Kinesis streams of this account are supported.`,
        );
      if (d.kind === "kinesis") {
        await o.streams.admin.get(d.stream).catch(() => {
          throw invalid(NO_STREAM);
        });
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
    if (!d) throw new Error(`unsupported destination ${batch.filter.destinationArn}`);
    if (d.kind === "kinesis") {
      const [result] = await o.streams.records.put(d.stream, [{ partitionKey: batch.logStream, data: batch.data }]);
      if (result && "errorCode" in result) throw new Error(`${result.errorCode}: ${result.errorMessage}`);
      return;
    }
    if (!(await lambdaPermits(d, batch.filter.groupName)))
      throw new Error("the function's policy does not allow logs.amazonaws.com");
    const payload = Buffer.from(JSON.stringify({ awslogs: { data: batch.data.toString("base64") } }));
    await o.events.enqueue({ functionName: d.name, qualifier: d.qualifier, payload, requestId: o.ids.requestId() });
  };

  const delivery = new SubscriptionDelivery({
    ...{ store: o.store, clock: o.clock, accountId: o.accountId, send },
    ...{ isLeader: o.isLeader, settleMs: o.settleMs, onError: o.log },
  });
  delivery.start();
  return { destinations, delivery };
}
