/**
 * One batch of a stream mapping's shard: filtered (FilterCriteria), handed to the function
 * synchronously with the Kinesis event (and the tumbling window's members), its answer read
 * (errors, throttles, ReportBatchItemFailures, a window's state); or, when it is let go, logged
 * and sent as a batch-info record to the OnFailure destination. The shard's reading and its
 * checkpoints are the poller's (kinesis-poller.ts).
 */
import type { EventPredicate } from "../domain/event-pattern/index.js";
import type { MappingRecord } from "../ports/mapping-store.js";
import type { StoredStreamRecord } from "../ports/stream-store.js";
import { formatSequenceNumber, shardIdOf } from "../streams/index.js";
import { kinesisBatchInfo, type DiscardCondition, type LastResponse } from "./kinesis-batch-info.js";
import { filterableKinesisRecord, kinesisRecord } from "./kinesis-records.js";
import type { KinesisSettings } from "./kinesis-source.js";
import type { KinesisPollerContext } from "./kinesis-poller.js";
import { reportedFailures } from "./sqs-records.js";
import { stateOf, type ShardWindow } from "./tumbling-window.js";

/** How a batch went; `state` is the window state the function answered with (tumbling windows). */
export type Outcome = { readonly state?: string | undefined } & (
  { readonly ok: true } | { readonly ok: false; readonly failedFrom?: number | undefined }
);

/** The invocations of a batch so far and the last answer (for the batch-info record). */
export interface BatchFailures {
  invokes: number;
  response: LastResponse | undefined;
}

/** The mapping and shard a batch belongs to. */
export interface BatchContext {
  readonly ctx: KinesisPollerContext;
  readonly mapping: MappingRecord;
  readonly settings: KinesisSettings;
  readonly filter: EventPredicate | undefined;
  /** The shard's tumbling window (none without TumblingWindowInSeconds). */
  readonly window: ShardWindow | undefined;
  readonly shardIndex: number;
}

/** Invokes the mapping's function synchronously with `payload`. */
export function invokeMapping(ctx: KinesisPollerContext, mapping: MappingRecord, payload: Buffer) {
  const [functionName = "", qualifier] = mapping.functionArn.split(":").slice(6);
  return ctx.invoker.invoke({ functionName, qualifier }, payload);
}

/** A batch let go: logged, and its batch-info record sent to the OnFailure destination if any. */
export async function discardBatch(
  b: BatchContext,
  o: { records: readonly StoredStreamRecord[]; condition: DiscardCondition; failures: BatchFailures },
): Promise<void> {
  const { ctx, mapping } = b;
  const arn = mapping.eventSourceArn;
  const destination = b.settings.DestinationConfig?.OnFailure?.Destination;
  ctx.log(`event source mapping on ${arn}: a batch of ${o.records.length} records was let go (${o.condition})`);
  if (destination === undefined || o.records.length === 0 || !ctx.sendToDestination) return;
  const body = kinesisBatchInfo({
    requestId: ctx.requestId(),
    functionArn: mapping.functionArn,
    condition: o.condition,
    invokeCount: o.failures.invokes,
    response: o.failures.response,
    streamArn: arn,
    shardIndex: b.shardIndex,
    records: o.records,
    at: ctx.clock.now(),
  });
  try {
    await ctx.sendToDestination(destination, body);
  } catch (e) {
    ctx.log(`event source mapping on ${arn}: OnFailure destination ${destination}`, e);
  }
}

/** Filters and invokes one batch (IteratorAge as the event leaves); `failures` keeps the last answer. */
export async function processBatch(
  b: BatchContext,
  records: readonly StoredStreamRecord[],
  failures: BatchFailures,
): Promise<Outcome> {
  const { ctx, mapping, filter, window, shardIndex } = b;
  const kept = filter ? records.filter((r) => filter(filterableKinesisRecord(r, shardIndex))) : records;
  if (kept.length === 0) return { ok: true };
  const [functionName = "", qualifier] = mapping.functionArn.split(":").slice(6);
  const fn = ctx.functions.resolve(mapping.functionArn);
  const source = {
    arn: mapping.eventSourceArn,
    region: ctx.region,
    shardIndex,
    roleArn: fn?.roleArn ?? "",
  };
  const members = window?.members({ shardId: shardIdOf(shardIndex), arn: source.arn, final: false });
  const payload = Buffer.from(JSON.stringify({ Records: kept.map((r) => kinesisRecord(r, source)), ...members }));
  const at = ctx.clock.now();
  ctx.onIteratorAge?.({ functionName, qualifier, ageMs: Math.max(0, at - records.at(-1)!.arrivedAt), at });
  const result = await invokeMapping(ctx, mapping, payload);
  const o = result.outcome;
  failures.invokes++;
  if (o.kind !== "ok") {
    const executedVersion = result.record.executedVersion;
    failures.response = { statusCode: o.kind === "throttled" ? 429 : 200, executedVersion };
    if (o.kind !== "throttled") failures.response = { ...failures.response, functionError: "Unhandled" };
    return { ok: false };
  }
  failures.response = { statusCode: 200, executedVersion: result.record.executedVersion };
  // With a tumbling window, an answer without a state object is a failed batch.
  const state = window ? stateOf(o.payload) : undefined;
  if (window && state === undefined) return { ok: false };
  if (!b.settings.FunctionResponseTypes.includes("ReportBatchItemFailures")) return { ok: true, state };
  const ids = new Map(kept.map((r) => [formatSequenceNumber(shardIndex, r.seq), r.seq]));
  const failed = reportedFailures(o.payload, new Set(ids.keys()));
  if (failed === "all") return { ok: false };
  if (failed.size === 0) return { ok: true, state };
  return { ok: false, failedFrom: Math.min(...[...failed].map((id) => ids.get(id)!)), state };
}
