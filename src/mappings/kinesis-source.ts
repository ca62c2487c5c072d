/**
 * Kinesis data streams as an event source: the parameters a stream mapping takes (StartingPosition
 * required, BatchSize 100 by default up to 10 000, retries, record age, bisection, partial batch
 * responses, filters, ParallelizationFactor, tumbling windows, an OnFailure destination) and its poller. What haneul
 * does not provide for streams yet is refused, never accepted and ignored.
 */
import type { MappingRecord } from "../ports/mapping-store.js";
import type { StreamCheckpointStore } from "../ports/stream-checkpoint-store.js";
import type { StreamStore } from "../ports/stream-store.js";
import { KinesisPoller } from "./kinesis-poller.js";
import type { EventSourceKind, Json, MappedFunction, MappingWorker, WorkerContext } from "./types.js";
import { invalidParameter, Violations } from "./validation.js";

/** Parameters of other source kinds: refused on a stream mapping. */
const NOT_FOR_STREAMS = [
  "ScalingConfig",
  "Topics",
  "Queues",
  "SourceAccessConfigurations",
  "SelfManagedEventSource",
  "SelfManagedKafkaEventSourceConfig",
  "AmazonManagedKafkaEventSourceConfig",
  "DocumentDBEventSourceConfig",
];
/** Stream parameters haneul does not provide yet: refused rather than accepted and ignored. */
const NOT_PROVIDED = ["ProvisionedPollerConfig", "MetricsConfig", "KMSKeyArn", "Tags"];
const STARTING_POSITIONS = ["TRIM_HORIZON", "LATEST", "AT_TIMESTAMP"];

/** What a stream mapping keeps. */
export interface KinesisSettings {
  readonly BatchSize: number;
  readonly MaximumBatchingWindowInSeconds: number;
  readonly StartingPosition: string;
  /** AT_TIMESTAMP: milliseconds since the epoch. */
  readonly StartingPositionTimestamp?: number | undefined;
  readonly MaximumRetryAttempts: number;
  readonly MaximumRecordAgeInSeconds: number;
  readonly BisectBatchOnFunctionError: boolean;
  readonly ParallelizationFactor: number;
  readonly FunctionResponseTypes: readonly string[];
  /** 0 or absent (mappings stored before windows existed): no tumbling window. */
  readonly TumblingWindowInSeconds?: number | undefined;
  readonly FilterCriteria?: { readonly Filters?: readonly { readonly Pattern: string }[] } | undefined;
  /** Where a batch let go is reported (a queue or topic ARN). */
  readonly DestinationConfig?: { readonly OnFailure?: { readonly Destination: string } } | undefined;
}

/** The stream name a Kinesis ARN of this region and account names, or undefined. */
export function streamNameOf(arn: string, scope: { region: string; accountId: string }): string | undefined {
  const m = /^arn:aws:kinesis:([^:]+):(\d{12}):stream\/([A-Za-z0-9_.-]+)$/.exec(arn);
  return m && m[1] === scope.region && m[2] === scope.accountId ? m[3] : undefined;
}

const emptyToUndefined = (o: Json | undefined): Json | undefined =>
  o === undefined || Object.keys(o).length === 0 || (Array.isArray(o["Filters"]) && o["Filters"].length === 0)
    ? undefined
    : o;

/** The timestamp AWS's JSON carries (epoch seconds, possibly fractional) in milliseconds. */
function timestampMs(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number") return Math.round(value * 1000);
  const parsed = typeof value === "string" ? Date.parse(value) : NaN;
  if (Number.isNaN(parsed)) throw invalidParameter("Invalid StartingPositionTimestamp.");
  return parsed;
}

function checkRanges(input: Json): void {
  const v = new Violations();
  v.range(input["MaximumRetryAttempts"], "maximumRetryAttempts", [-1, 10_000]);
  v.range(input["MaximumRecordAgeInSeconds"], "maximumRecordAgeInSeconds", [-1, 604_800]);
  v.range(input["ParallelizationFactor"], "parallelizationFactor", [1, 10]);
  v.range(input["TumblingWindowInSeconds"], "tumblingWindowInSeconds", [0, 900]);
  v.throwIfAny();
  const age = input["MaximumRecordAgeInSeconds"];
  if (typeof age === "number" && age >= 0 && age < 60) {
    throw invalidParameter("MaximumRecordAgeInSeconds must be -1 or between 60 and 604800.");
  }
}

/** Refuses what a stream mapping does not take (or haneul does not provide yet). */
function refuseOthers(input: Json, update: boolean): void {
  for (const name of NOT_FOR_STREAMS) {
    if (input[name] !== undefined)
      throw invalidParameter(`Unsupported ${name} parameter for given event source mapping type.`);
  }
  for (const name of NOT_PROVIDED) {
    if (input[name] !== undefined) throw invalidParameter(`${name} is not supported by haneul.`);
  }
  if (update && (input["StartingPosition"] !== undefined || input["StartingPositionTimestamp"] !== undefined)) {
    throw invalidParameter("StartingPosition cannot be updated.");
  }
}

/** Tumbling windows keep one state per shard: haneul does not split a shard into lanes under one. */
function refuseWindowedLanes(settings: KinesisSettings): void {
  if ((settings.TumblingWindowInSeconds ?? 0) > 0 && settings.ParallelizationFactor > 1) {
    throw invalidParameter("TumblingWindowInSeconds with a ParallelizationFactor above 1 is not supported by haneul.");
  }
}

/**
 * DestinationConfig of a stream mapping: an OnFailure queue or topic (empty clears it); Lambda
 * sends stream mappings nothing on success.
 */
function destinationOf(value: unknown, scope: Scope): KinesisSettings["DestinationConfig"] {
  if (value === undefined || value === null) return undefined;
  const config = value as { OnSuccess?: { Destination?: unknown }; OnFailure?: { Destination?: unknown } };
  if (config.OnSuccess?.Destination) {
    throw invalidParameter("Unsupported DestinationConfig parameter for given event source mapping type.");
  }
  const arn = config.OnFailure?.Destination;
  if (arn === undefined || arn === null || arn === "") return {};
  const m = typeof arn === "string" ? /^arn:aws:(sqs|sns):([^:]+):(\d{12}):[A-Za-z0-9_.-]+$/.exec(arn) : null;
  if (!m || m[2] !== scope.region || m[3] !== scope.accountId) {
    const given = typeof arn === "string" ? arn : JSON.stringify(arn);
    throw invalidParameter(
      `The provided destination config DestinationConfig(onSuccess=null, onFailure=OnFailure(destination=${given})) is invalid.`,
    );
  }
  return { OnFailure: { Destination: arn as string } };
}

/** The Kinesis source kind over this node's streams. */
export class KinesisSourceKind implements EventSourceKind {
  readonly service = "kinesis";
  readonly #o: { readonly store: StreamStore; readonly checkpoints: StreamCheckpointStore; readonly scope: Scope };

  constructor(o: { store: StreamStore; checkpoints: StreamCheckpointStore; scope: Scope }) {
    this.#o = o;
  }

  async settings(
    arn: string,
    input: Json,
    o: { previous?: Readonly<Record<string, unknown>> | undefined; fn: MappedFunction },
  ): Promise<Record<string, unknown>> {
    checkRanges(input);
    refuseOthers(input, o.previous !== undefined);
    const name = streamNameOf(arn, this.#o.scope);
    if (name === undefined || !(await this.#o.store.getStream(name))) {
      throw invalidParameter(`Stream not found: ${arn}`);
    }
    const prev = (o.previous ?? {}) as Partial<KinesisSettings>;
    const pick = <T>(key: keyof KinesisSettings, fallback: T): T =>
      (input[key] !== undefined ? input[key] : (prev[key] ?? fallback)) as T;
    const start = pick<string | undefined>("StartingPosition", undefined);
    if (start === undefined) throw invalidParameter("StartingPosition is required for Kinesis event sources.");
    if (!STARTING_POSITIONS.includes(start)) throw invalidParameter(`Unsupported starting position: ${start}`);
    const at = o.previous ? prev.StartingPositionTimestamp : timestampMs(input["StartingPositionTimestamp"]);
    if ((start === "AT_TIMESTAMP") !== (at !== undefined)) {
      throw invalidParameter("StartingPositionTimestamp must be given with, and only with, AT_TIMESTAMP.");
    }
    const settings: KinesisSettings = {
      BatchSize: pick("BatchSize", 100),
      MaximumBatchingWindowInSeconds: pick("MaximumBatchingWindowInSeconds", 0),
      StartingPosition: start,
      ...(at !== undefined && { StartingPositionTimestamp: at }),
      MaximumRetryAttempts: pick("MaximumRetryAttempts", -1),
      MaximumRecordAgeInSeconds: pick("MaximumRecordAgeInSeconds", -1),
      BisectBatchOnFunctionError: pick("BisectBatchOnFunctionError", false),
      ParallelizationFactor: pick("ParallelizationFactor", 1),
      FunctionResponseTypes: pick("FunctionResponseTypes", []),
      TumblingWindowInSeconds: pick("TumblingWindowInSeconds", 0),
      FilterCriteria: emptyToUndefined(pick("FilterCriteria", undefined)),
      DestinationConfig:
        input["DestinationConfig"] !== undefined
          ? destinationOf(input["DestinationConfig"], this.#o.scope)
          : prev.DestinationConfig,
    };
    refuseWindowedLanes(settings);
    return { ...settings };
  }

  view(settings: Readonly<Record<string, unknown>>): Json {
    const s = settings as unknown as KinesisSettings;
    return {
      BatchSize: s.BatchSize,
      MaximumBatchingWindowInSeconds: s.MaximumBatchingWindowInSeconds,
      ParallelizationFactor: s.ParallelizationFactor,
      StartingPosition: s.StartingPosition,
      ...(s.StartingPositionTimestamp !== undefined && {
        StartingPositionTimestamp: s.StartingPositionTimestamp / 1000,
      }),
      MaximumRecordAgeInSeconds: s.MaximumRecordAgeInSeconds,
      BisectBatchOnFunctionError: s.BisectBatchOnFunctionError,
      MaximumRetryAttempts: s.MaximumRetryAttempts,
      TumblingWindowInSeconds: s.TumblingWindowInSeconds ?? 0,
      FunctionResponseTypes: s.FunctionResponseTypes,
      DestinationConfig: { OnFailure: s.DestinationConfig?.OnFailure ?? {} },
      ...(s.FilterCriteria !== undefined && { FilterCriteria: s.FilterCriteria }),
    };
  }

  start(mapping: MappingRecord, ctx: WorkerContext): MappingWorker {
    return new KinesisPoller(mapping, { ...ctx, store: this.#o.store, checkpoints: this.#o.checkpoints });
  }

  forget(uuid: string): Promise<void> {
    return this.#o.checkpoints.forget(uuid);
  }
}

interface Scope {
  readonly region: string;
  readonly accountId: string;
}
