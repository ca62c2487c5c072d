/**
 * Consumes one stream mapping: a reader per shard, in order. A shard is read after its parents were
 * read to their end (splits and merges keep order per partition key). Each batch (BatchSize, the
 * batching window) drops what FilterCriteria rejects, invokes the function synchronously with the
 * Kinesis event and only then moves the shard's checkpoint, which is stored (a restart or another
 * node resumes from it). A failing batch blocks its shard and is retried until it succeeds, or
 * until MaximumRetryAttempts or MaximumRecordAgeInSeconds let it go; with
 * BisectBatchOnFunctionError a failing batch is halved until the failing record is alone. With
 * ReportBatchItemFailures the checkpoint moves to just before the first reported record.
 */
import type { EventPredicate } from "../domain/event-pattern/index.js";
import type { MappingRecord } from "../ports/mapping-store.js";
import type { ShardCheckpoint, StreamCheckpointStore } from "../ports/stream-checkpoint-store.js";
import type { ShardRecord, StoredStreamRecord, StreamStore } from "../ports/stream-store.js";
import { formatSequenceNumber } from "../streams/index.js";
import { compileFilters } from "./filters.js";
import { filterableKinesisRecord, kinesisRecord } from "./kinesis-records.js";
import { streamNameOf, type KinesisSettings } from "./kinesis-source.js";
import { reportedFailures } from "./sqs-records.js";
import type { MappingWorker, WorkerContext } from "./types.js";

/** How often an idle shard is read again, and the shard list looked at. */
const POLL_MS = 1000;
const HOUR_MS = 3_600_000;

export interface KinesisPollerContext extends WorkerContext {
  readonly store: StreamStore;
  readonly checkpoints: StreamCheckpointStore;
}

/** How a batch went. */
type Outcome = { readonly ok: true } | { readonly ok: false; readonly failedFrom?: number | undefined };

/** A stream mapping's shard readers on this node. */
export class KinesisPoller implements MappingWorker {
  readonly #ctx: KinesisPollerContext;
  readonly #uuid: string;
  #mapping!: MappingRecord;
  #settings!: KinesisSettings;
  #filter: EventPredicate | undefined;
  #stream = "";
  #running = true;
  readonly #readers = new Map<number, Promise<void>>();
  readonly #sleepers = new Set<() => void>();
  readonly #main: Promise<void>;

  constructor(mapping: MappingRecord, ctx: KinesisPollerContext) {
    this.#ctx = ctx;
    this.#uuid = mapping.uuid;
    this.update(mapping);
    this.#main = this.#watch();
  }

  update(m: MappingRecord): void {
    this.#mapping = m;
    this.#settings = m.settings as unknown as KinesisSettings;
    this.#filter = compileFilters(this.#settings.FilterCriteria);
    const [, , , region = "", accountId = ""] = m.eventSourceArn.split(":");
    this.#stream = streamNameOf(m.eventSourceArn, { region, accountId }) ?? "";
  }

  async stop(): Promise<void> {
    this.#running = false;
    for (const wake of this.#sleepers) wake();
    await this.#main;
    await Promise.all([...this.#readers.values()]);
  }

  /** Starts a reader for every shard that may be read, again whenever the shards change. */
  async #watch(): Promise<void> {
    let first = true;
    while (this.#running) {
      try {
        const shards = await this.#ctx.store.listShards(this.#stream);
        const done = new Map((await this.#ctx.checkpoints.list(this.#uuid)).map((c) => [c.shardIndex, c]));
        if (first && done.size === 0) await this.#begin(shards, done);
        first = false;
        for (const shard of shards) this.#maybeRead(shard, done);
      } catch (e) {
        this.#ctx.log(`event source mapping on ${this.#mapping.eventSourceArn}`, e);
      }
      await this.#sleep(POLL_MS);
    }
  }

  /** A new mapping's first checkpoints: LATEST starts after what each shard holds now. */
  async #begin(shards: readonly ShardRecord[], done: Map<number, ShardCheckpoint>): Promise<void> {
    if (this.#settings.StartingPosition !== "LATEST") return;
    for (const s of shards) {
      const c = { shardIndex: s.index, seq: s.lastSeq, done: s.endingSeq !== undefined };
      await this.#ctx.checkpoints.advance(this.#uuid, c);
      done.set(s.index, c);
    }
  }

  #maybeRead(shard: ShardRecord, done: ReadonlyMap<number, ShardCheckpoint>): void {
    if (this.#readers.has(shard.index) || done.get(shard.index)?.done) return;
    const parents = [shard.parentIndex, shard.adjacentParentIndex].filter((p) => p !== undefined);
    if (parents.some((p) => !done.get(p)?.done)) return;
    const reader = this.#read(shard.index, done.get(shard.index)?.seq ?? 0).finally(() =>
      this.#readers.delete(shard.index),
    );
    this.#readers.set(shard.index, reader);
  }

  /** Reads one shard from `after` until it is closed and read to its end (or the worker stops). */
  async #read(shardIndex: number, after: number): Promise<void> {
    let checkpoint = after;
    let limit = this.#settings.BatchSize;
    let attempts = 0;
    while (this.#running) {
      try {
        const page = await this.#page(shardIndex, checkpoint, limit);
        if (page.records.length === 0) {
          if (page.endingSeq !== undefined && checkpoint >= page.endingSeq) {
            await this.#ctx.checkpoints.advance(this.#uuid, { shardIndex, seq: checkpoint, done: true });
            return;
          }
          await this.#sleep(POLL_MS);
          continue;
        }
        const outcome = this.#tooOld(page.records)
          ? { ok: true as const }
          : await this.#process(shardIndex, page.records);
        let next = page.records.at(-1)!.seq;
        if (!outcome.ok) {
          // Halving a failed batch is its answer: only a batch that cannot be halved uses up retries.
          const bisect = this.#settings.BisectBatchOnFunctionError && page.records.length > 1;
          if (outcome.failedFrom === undefined && bisect) limit = Math.ceil(page.records.length / 2);
          else attempts++;
          if (!this.#exhausted(attempts)) {
            next = outcome.failedFrom !== undefined ? outcome.failedFrom - 1 : checkpoint;
            if (next <= checkpoint) {
              await this.#sleep(Math.min(100 * 2 ** Math.min(attempts, 6), 5000));
              continue;
            }
          } else {
            const arn = this.#mapping.eventSourceArn;
            this.#ctx.log(`event source mapping on ${arn}: a batch failed ${attempts} times and was let go`);
          }
        }
        if (next > checkpoint) {
          await this.#ctx.checkpoints.advance(this.#uuid, { shardIndex, seq: next, done: false });
          checkpoint = next;
          attempts = 0;
          limit = this.#settings.BatchSize;
        }
      } catch (e) {
        this.#ctx.log(`event source mapping on ${this.#mapping.eventSourceArn}`, e);
        await this.#sleep(POLL_MS);
      }
    }
  }

  /** Up to `limit` records after `checkpoint`, waiting up to the batching window for a full batch. */
  async #page(shardIndex: number, checkpoint: number, limit: number) {
    const { clock, store } = this.#ctx;
    const windowMs = this.#settings.MaximumBatchingWindowInSeconds * 1000;
    const read = async () => {
      const stream = await store.getStream(this.#stream);
      const retention = clock.now() - (stream?.retentionHours ?? 24) * HOUR_MS;
      const since = Math.max(retention, this.#settings.StartingPositionTimestamp ?? 0);
      return store.readShard(this.#stream, shardIndex, { after: checkpoint, limit, since });
    };
    let page = await read();
    const deadline = clock.now() + windowMs;
    while (this.#running && page.records.length > 0 && page.records.length < limit && clock.now() < deadline) {
      await this.#sleep(Math.min(100, deadline - clock.now()));
      page = await read();
    }
    return page;
  }

  #exhausted(attempts: number): boolean {
    const max = this.#settings.MaximumRetryAttempts;
    return max >= 0 && attempts > max;
  }

  /** Whether the batch's oldest record is older than MaximumRecordAgeInSeconds (then it is let go). */
  #tooOld(records: readonly StoredStreamRecord[]): boolean {
    const max = this.#settings.MaximumRecordAgeInSeconds;
    return max >= 0 && this.#ctx.clock.now() - records[0]!.arrivedAt > max * 1000;
  }

  /** Filters and invokes one batch. */
  async #process(shardIndex: number, records: readonly StoredStreamRecord[]): Promise<Outcome> {
    const filter = this.#filter;
    const kept = filter ? records.filter((r) => filter(filterableKinesisRecord(r, shardIndex))) : records;
    if (kept.length === 0) return { ok: true };
    const [functionName = "", qualifier] = this.#mapping.functionArn.split(":").slice(6);
    const fn = this.#ctx.functions.resolve(this.#mapping.functionArn);
    const source = {
      arn: this.#mapping.eventSourceArn,
      region: this.#ctx.region,
      shardIndex,
      roleArn: fn?.roleArn ?? "",
    };
    const payload = Buffer.from(JSON.stringify({ Records: kept.map((r) => kinesisRecord(r, source)) }));
    const result = await this.#ctx.invoker.invoke({ functionName, qualifier }, payload);
    const o = result.outcome;
    if (o.kind !== "ok") return { ok: false };
    if (!this.#settings.FunctionResponseTypes.includes("ReportBatchItemFailures")) return { ok: true };
    const ids = new Map(kept.map((r) => [formatSequenceNumber(shardIndex, r.seq), r.seq]));
    const failed = reportedFailures(o.payload, new Set(ids.keys()));
    if (failed === "all") return { ok: false };
    if (failed.size === 0) return { ok: true };
    return { ok: false, failedFrom: Math.min(...[...failed].map((id) => ids.get(id)!)) };
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (!this.#running) return resolve();
      const done = () => {
        cancel();
        this.#sleepers.delete(done);
        resolve();
      };
      const cancel = this.#ctx.clock.setTimer(done, ms);
      this.#sleepers.add(done);
    });
  }
}
