/**
 * SQS as an event source: the parameters a queue mapping takes (BatchSize 10 by default, above
 * 10 only with a batching window; no window on FIFO queues; the queue's visibility timeout at
 * least the function's timeout), and its poller.
 */
import type { QueueService } from "../queues/index.js";
import type { MappingRecord } from "../ports/mapping-store.js";
import { SqsPoller } from "./sqs-poller.js";
import type { EventSourceKind, Json, MappedFunction, MappingWorker, WorkerContext } from "./types.js";
import { invalidParameter } from "./validation.js";

/** Parameters of other source kinds: refused on a queue mapping, never ignored. */
const NOT_FOR_QUEUES = [
  "StartingPosition",
  "StartingPositionTimestamp",
  "ParallelizationFactor",
  "BisectBatchOnFunctionError",
  "MaximumRetryAttempts",
  "MaximumRecordAgeInSeconds",
  "DestinationConfig",
  "TumblingWindowInSeconds",
  "Topics",
  "Queues",
  "SourceAccessConfigurations",
  "SelfManagedEventSource",
  "SelfManagedKafkaEventSourceConfig",
  "AmazonManagedKafkaEventSourceConfig",
  "DocumentDBEventSourceConfig",
  // Not provided by haneul: refused rather than accepted and ignored.
  "ProvisionedPollerConfig",
  "MetricsConfig",
  "KMSKeyArn",
  "Tags",
];

/** What a queue mapping keeps. */
export interface SqsSettings {
  readonly BatchSize: number;
  readonly MaximumBatchingWindowInSeconds: number;
  readonly FunctionResponseTypes: readonly string[];
  readonly FilterCriteria?: { readonly Filters?: readonly { readonly Pattern: string }[] } | undefined;
  readonly ScalingConfig?: { readonly MaximumConcurrency?: number } | undefined;
}

/** The queue name an SQS ARN of this region and account names, or undefined. */
export function queueNameOf(arn: string, scope: { region: string; accountId: string }): string | undefined {
  const p = arn.split(":");
  if (p.length !== 6 || p[2] !== "sqs" || p[3] !== scope.region || p[4] !== scope.accountId) return undefined;
  return p[5];
}

const emptyToUndefined = (o: Json | undefined): Json | undefined =>
  o === undefined || Object.keys(o).length === 0 || (Array.isArray(o["Filters"]) && o["Filters"].length === 0)
    ? undefined
    : o;

/** The SQS source kind over this node's queues. */
export class SqsSourceKind implements EventSourceKind {
  readonly service = "sqs";
  readonly #queues: QueueService;

  constructor(queues: QueueService) {
    this.#queues = queues;
  }

  async settings(
    arn: string,
    input: Json,
    o: { previous?: Readonly<Record<string, unknown>> | undefined; fn: MappedFunction },
  ): Promise<Record<string, unknown>> {
    for (const name of NOT_FOR_QUEUES) {
      if (input[name] !== undefined)
        throw invalidParameter(`Unsupported ${name} parameter for given event source mapping type.`);
    }
    const queue = await this.#queue(arn);
    const prev = (o.previous ?? {}) as Partial<SqsSettings>;
    const pick = <T>(name: keyof SqsSettings, fallback: T): T =>
      (input[name] !== undefined ? input[name] : (prev[name] ?? fallback)) as T;
    const settings: SqsSettings = {
      BatchSize: pick("BatchSize", 10),
      MaximumBatchingWindowInSeconds: pick("MaximumBatchingWindowInSeconds", 0),
      FunctionResponseTypes: pick("FunctionResponseTypes", []),
      FilterCriteria: emptyToUndefined(pick("FilterCriteria", undefined)),
      ScalingConfig: emptyToUndefined(pick("ScalingConfig", undefined)),
    };
    if (settings.BatchSize > 10 && settings.MaximumBatchingWindowInSeconds === 0) {
      throw invalidParameter(
        "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10",
      );
    }
    if (queue.fifo && settings.MaximumBatchingWindowInSeconds > 0) {
      throw invalidParameter("Batching window is not supported for FIFO queues");
    }
    const visibility = Number(queue.attributes["VisibilityTimeout"] ?? 30);
    if (visibility < o.fn.timeoutSec) {
      throw invalidParameter(
        `Queue visibility timeout: ${visibility} seconds is less than Function timeout: ${o.fn.timeoutSec} seconds`,
      );
    }
    return { ...settings };
  }

  async #queue(arn: string) {
    const name = queueNameOf(arn, this.#queues.admin.scope);
    const queue = name === undefined ? undefined : await this.#queues.admin.byName(name);
    if (!queue) {
      throw invalidParameter(
        "Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does not exist for this wsdl version.",
      );
    }
    return queue;
  }

  view(settings: Readonly<Record<string, unknown>>): Json {
    const s = settings as unknown as SqsSettings;
    return {
      BatchSize: s.BatchSize,
      MaximumBatchingWindowInSeconds: s.MaximumBatchingWindowInSeconds,
      FunctionResponseTypes: s.FunctionResponseTypes,
      ...(s.FilterCriteria !== undefined && { FilterCriteria: s.FilterCriteria }),
      ...(s.ScalingConfig !== undefined && { ScalingConfig: s.ScalingConfig }),
    };
  }

  start(mapping: MappingRecord, ctx: WorkerContext): MappingWorker {
    return new SqsPoller(mapping, { ...ctx, queues: this.#queues });
  }
}
