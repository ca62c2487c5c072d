/**
 * Where async results go, as Lambda sends them: the dead-letter queue gets the original event with
 * the attributes RequestID, ErrorCode and ErrorMessage; OnSuccess / OnFailure destinations get
 * Lambda's destination record (requestContext, requestPayload, responseContext, responsePayload),
 * as a queue message, a topic's message or, for a function, as its asynchronous event. Each send
 * is made as the function's execution role: a role without sqs:SendMessage, sns:Publish or
 * lambda:InvokeFunction on the target gets nothing delivered (DeadLetterErrors /
 * DestinationDeliveryFailures), as on Lambda.
 */
import type { InvokeOutcome, InvokeResult } from "../domain/invocation.js";
import type { AsyncEventRecord } from "../ports/store.js";
import type { Clock } from "../shared/clock.js";
import type { AsyncResultHandler, EventFailure } from "./async-invoker.js";
import type { AsyncMetricListener, AsyncSettings } from "./async-settings.js";

/** A message for a queue: its body and String/Number message attributes. */
export interface ResultMessage {
  readonly body: string;
  readonly attributes?: Readonly<Record<string, { DataType: "String" | "Number"; StringValue: string }>>;
}

export interface AsyncResultsOptions {
  readonly clock: Clock;
  /** Sends a message to the queue with this ARN; rejects when it cannot (no such queue…). */
  readonly sendToQueue: (queueArn: string, message: ResultMessage) => Promise<void>;
  /** Publishes a message to the topic with this ARN; rejects when it cannot (no such topic…). */
  readonly publishToTopic?: ((topicArn: string, message: ResultMessage) => Promise<void>) | undefined;
  /** Queues an asynchronous invocation of `functionName[:qualifier]` with `payload`. */
  readonly invokeAsync: (
    target: { functionName: string; qualifier?: string | undefined },
    payload: Buffer,
  ) => Promise<void>;
  /** Whether the execution role `role` may perform `action` on `resource` (its identity policies). */
  readonly rolePermits: (role: string | undefined, request: { action: string; resource: string }) => boolean;
  readonly onMetric?: AsyncMetricListener | undefined;
  readonly onError?: ((error: unknown) => void) | undefined;
}

type Failure = Extract<EventFailure, { kind: "failed" }>;

/** The action a send to `arn` needs of the execution role, by the target's service. */
const ACTION_BY_SERVICE: Readonly<Record<string, string>> = {
  sqs: "sqs:SendMessage",
  sns: "sns:Publish",
  lambda: "lambda:InvokeFunction",
  events: "events:PutEvents",
};

/** Refuses a send the function's execution role is not allowed, with Lambda's reason. */
function checkRole(o: AsyncResultsOptions, settings: AsyncSettings, arn: string): void {
  const action = ACTION_BY_SERVICE[arn.split(":")[2] ?? ""] ?? "";
  if (o.rolePermits(settings.role, { action, resource: arn })) return;
  throw new Error(`The function's execution role ${settings.role ?? "(none)"} is not allowed ${action} on ${arn}`);
}

function parsed(payload: Buffer): unknown {
  try {
    return JSON.parse(payload.toString("utf8"));
  } catch {
    return payload.toString("utf8");
  }
}

/** The HTTP status the invocation answered with (200 also for a function error, as on Lambda). */
function statusOf(outcome: InvokeOutcome | undefined): number {
  return outcome === undefined || outcome.kind === "throttled" ? 429 : 200;
}

/** The error message of a failed result (its `errorMessage`, or the reason), cut to 1 KB as Lambda does. */
function errorMessageOf(f: Failure): string {
  const o = f.result?.outcome;
  const body = o && "payload" in o ? (parsed(o.payload) as { errorMessage?: unknown }) : undefined;
  const message = typeof body?.errorMessage === "string" ? body.errorMessage : f.reason;
  return Buffer.from(message, "utf8").subarray(0, 1024).toString("utf8");
}

/** The destination record of an event's end. */
export function destinationRecord(o: {
  event: AsyncEventRecord;
  settings: AsyncSettings;
  condition: "Success" | Failure["condition"];
  invokeCount: number;
  result: InvokeResult | undefined;
  at: number;
}): Record<string, unknown> {
  const outcome = o.result?.outcome;
  const failed = outcome !== undefined && outcome.kind !== "ok" && outcome.kind !== "throttled";
  return {
    version: "1.0",
    timestamp: new Date(o.at).toISOString(),
    requestContext: {
      requestId: o.event.requestId,
      functionArn: o.settings.functionArn,
      condition: o.condition,
      approximateInvokeCount: o.invokeCount,
    },
    requestPayload: parsed(o.event.payload),
    responseContext: {
      statusCode: statusOf(outcome),
      executedVersion: o.result?.record.executedVersion ?? "$LATEST",
      ...(failed && { functionError: "Unhandled" }),
    },
    ...(outcome && "payload" in outcome && { responsePayload: parsed(outcome.payload) }),
  };
}

/** The result handler over queues and the async queue itself. */
export function createAsyncResults(o: AsyncResultsOptions): AsyncResultHandler {
  const metric = (name: "DeadLetterErrors" | "DestinationDeliveryFailures", e: AsyncEventRecord) =>
    o.onMetric?.({ name, functionName: e.functionName, qualifier: e.qualifier, value: 1, at: o.clock.now() });

  /** Sends to a queue or publishes to a topic, by the ARN's service. */
  const send = (arn: string, message: ResultMessage): Promise<void> => {
    if (arn.split(":")[2] !== "sns") return o.sendToQueue(arn, message);
    if (!o.publishToTopic) return Promise.reject(new Error(`no topics to publish to ${arn}`));
    return o.publishToTopic(arn, message);
  };

  /** Delivers a record to a destination ARN (a queue, a topic or a function); false when it failed. */
  const deliver = async (
    arn: string,
    record: Record<string, unknown>,
    { event: e, settings }: { event: AsyncEventRecord; settings: AsyncSettings },
  ): Promise<boolean> => {
    try {
      checkRole(o, settings, arn);
      const body = JSON.stringify(record);
      const parts = arn.split(":");
      if (parts[2] === "lambda")
        await o.invokeAsync({ functionName: parts[6]!, qualifier: parts[7] }, Buffer.from(body));
      else await send(arn, { body });
      return true;
    } catch (err) {
      o.onError?.(err);
      metric("DestinationDeliveryFailures", e);
      return false;
    }
  };

  const deadLetter = async (
    arn: string,
    { event: e, settings }: { event: AsyncEventRecord; settings: AsyncSettings },
    f: Failure,
  ): Promise<boolean> => {
    try {
      checkRole(o, settings, arn);
      await send(arn, {
        body: e.payload.toString("utf8"),
        attributes: {
          RequestID: { DataType: "String", StringValue: e.requestId },
          ErrorCode: { DataType: "Number", StringValue: String(statusOf(f.result?.outcome)) },
          ErrorMessage: { DataType: "String", StringValue: errorMessageOf(f) },
        },
      });
      return true;
    } catch (err) {
      o.onError?.(err);
      metric("DeadLetterErrors", e);
      return false;
    }
  };

  return {
    async succeeded({ event, settings, result }) {
      if (!settings.onSuccess) return;
      const record = destinationRecord({
        event,
        settings,
        condition: "Success",
        invokeCount: event.attempts,
        result,
        at: o.clock.now(),
      });
      await deliver(settings.onSuccess, record, { event, settings });
    },
    async failed({ event, settings, failure }) {
      const at = o.clock.now();
      const { condition, invokeCount, result } = failure;
      let delivered = false;
      if (settings.onFailure) {
        const record = destinationRecord({ event, settings, condition, invokeCount, result, at });
        delivered = await deliver(settings.onFailure, record, { event, settings });
      }
      if (settings.deadLetterTargetArn)
        delivered = (await deadLetter(settings.deadLetterTargetArn, { event, settings }, failure)) || delivered;
      return delivered;
    },
  };
}
