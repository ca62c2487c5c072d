/**
 * Consumes one stream mapping: a reader per shard, in order. A shard is read after its parents were
 * read to their end (splits and merges keep order per partition key). Each batch (BatchSize, the
 * batching window) drops what FilterCriteria rejects, invokes the function synchronously with the
 * Kinesis event and only then moves the shard's checkpoint, which is stored (a restart or another
 * node resumes from it). A failing batch blocks its shard and is retried until it succeeds, or
 * until MaximumRetryAttempts or MaximumRecordAgeInSeconds let it go; with
 * BisectBatchOnFunctionError a failing batch is halved until the failing record is alone. With
 * ReportBatchItemFailures the checkpoint moves to just before the first reported record. A batch
 * let go is sent as a batch-info record to the OnFailure destination. With ParallelizationFactor
 * N, each shard is read by N lanes (shard-lanes.ts), order kept per partition key. With
 * TumblingWindowInSeconds, batches stop at window bounds and carry the window's state
 * (tumbling-window.ts); the state is stored with the checkpoint. A batch's invocation and its
 * letting go are kinesis-batch.ts.
 */
import type { EventPredicate } from "../domain/event-pattern/index.js";
import type { MappingRecord } from "../ports/mapping-store.js";
import type { ShardCheckpoint, StreamCheckpointStore } from "../ports/stream-checkpoint-store.js";
import type { ShardRecord, StoredStreamRecord, StreamStore } from "../ports/stream-store.js";
import { shardIdOf } from "../streams/index.js";
import { compileFilters } from "./filters.js";
import { discardBatch, invokeMapping, processBatch, type BatchContext } from "./kinesis-batch.js";
import type { LastResponse } from "./kinesis-batch-info.js";
import { streamNameOf, type KinesisSettings } from "./kinesis-source.js";
import { laneBatch, ShardProgress, type Lane } from "./shard-lanes.js";
import { ShardWindow } from "./tumbling-window.js";
import type { MappingWorker, WorkerContext } from "./types.js";

/** How often an idle shard is read again, and the shard list looked at. */
const POLL_MS = 1000;
const HOUR_MS = 3_600_000;

export interface KinesisPollerContext extends WorkerContext {
  readonly store: StreamStore;
  readonly checkpoints: StreamCheckpointStore;
}

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
  /** The tumbling windows of the shards being read (none without TumblingWindowInSeconds). */
  readonly #windows = new Map<number, ShardWindow>();
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
    const reader = this.#read(shard.index, done.get(shard.index)).finally(() => {
      this.#readers.delete(shard.index);
      this.#windows.delete(shard.index);
    });
    this.#readers.set(shard.index, reader);
  }

  /** Reads one shard from its checkpoint until it is closed and read to its end (or the worker stops). */
  async #read(shardIndex: number, checkpoint: ShardCheckpoint | undefined): Promise<void> {
    const after = checkpoint?.seq ?? 0;
    const seconds = this.#settings.TumblingWindowInSeconds ?? 0;
    if (seconds > 0) this.#windows.set(shardIndex, new ShardWindow(seconds, checkpoint?.window));
    const count = this.#settings.ParallelizationFactor;
    const progress = new ShardProgress(after, count);
    const lanes = Array.from({ length: count }, (_, index) => this.#readLane(shardIndex, { index, count }, progress));
    const ended = await Promise.all(lanes);
    if (!ended.every(Boolean)) return;
    const end = Math.max(after, ...ended.map((_, lane) => progress.position(lane)));
    await this.#ctx.checkpoints.advance(this.#uuid, { shardIndex, seq: end, done: true });
  }

  /**
   * Reads one lane of a shard in order until the closed shard's end (true), or until the worker
   * stops or its ParallelizationFactor changes (false: the shard is read again from its checkpoint).
   */
  async #readLane(shardIndex: number, lane: Lane, progress: ShardProgress): Promise<boolean> {
    let checkpoint = progress.position(lane.index);
    let limit = this.#settings.BatchSize;
    const failures = { attempts: 0, invokes: 0, response: undefined as LastResponse | undefined };
    while (this.#running && this.#settings.ParallelizationFactor === lane.count) {
      try {
        const page = await this.#page(shardIndex, { after: checkpoint, limit, lane });
        const window = this.#windows.get(shardIndex);
        if (window && (await this.#maybeCloseWindow(shardIndex, { window, page, checkpoint }))) continue;
        if (page.records.length === 0) {
          if (page.endingSeq !== undefined && page.scannedTo >= page.endingSeq) return true;
          if (page.scannedTo > checkpoint) {
            checkpoint = await this.#move(shardIndex, progress, { lane: lane.index, to: page.scannedTo });
            continue;
          }
          await this.#sleep(POLL_MS);
          continue;
        }
        const old = this.#tooOld(page.records);
        const outcome = old
          ? { ok: true as const }
          : await processBatch(this.#batchContext(shardIndex), page.records, failures);
        let next = page.scannedTo;
        if (old)
          await discardBatch(this.#batchContext(shardIndex), {
            records: page.records,
            condition: "RecordAgeExceeded",
            failures,
          });
        if (!outcome.ok) {
          // Halving a failed batch is its answer: only a batch that cannot be halved uses up retries.
          const bisect = this.#settings.BisectBatchOnFunctionError && page.records.length > 1;
          if (outcome.failedFrom === undefined && bisect) limit = Math.ceil(page.records.length / 2);
          else failures.attempts++;
          if (!this.#exhausted(failures.attempts)) {
            next = outcome.failedFrom !== undefined ? outcome.failedFrom - 1 : checkpoint;
            if (next <= checkpoint) {
              await this.#sleep(Math.min(100 * 2 ** Math.min(failures.attempts, 6), 5000));
              continue;
            }
          } else {
            const from = outcome.failedFrom ?? 0;
            const records = page.records.filter((r) => r.seq >= from);
            await discardBatch(this.#batchContext(shardIndex), {
              records,
              condition: "RetryAttemptsExhausted",
              failures,
            });
          }
        }
        if (next > checkpoint) {
          if (outcome.state !== undefined) window?.commit(outcome.state);
          checkpoint = await this.#move(shardIndex, progress, { lane: lane.index, to: next });
          Object.assign(failures, { attempts: 0, invokes: 0, response: undefined });
          limit = this.#settings.BatchSize;
        }
      } catch (e) {
        this.#ctx.log(`event source mapping on ${this.#mapping.eventSourceArn}`, e);
        await this.#sleep(POLL_MS);
      }
    }
    return false;
  }

  /** Moves a lane; stores the shard's checkpoint when the lowest lane moved. */
  async #move(shardIndex: number, progress: ShardProgress, o: { lane: number; to: number }): Promise<number> {
    const shardCheckpoint = progress.move(o.lane, o.to);
    if (shardCheckpoint !== undefined) {
      const window = this.#windows.get(shardIndex)?.open;
      await this.#ctx.checkpoints.advance(this.#uuid, { shardIndex, seq: shardCheckpoint, done: false, window });
    }
    return o.to;
  }

  /**
   * Tumbling windows: a window that is over gets its final invocation (true: the page is not
   * processed), as does a window whose state is over 1 MB (terminated early); otherwise the page is
   * cut at the open window's end (false).
   */
  async #maybeCloseWindow(
    shardIndex: number,
    o: {
      window: ShardWindow;
      page: { records: StoredStreamRecord[]; scannedTo: number; endingSeq?: number | undefined };
      checkpoint: number;
    },
  ): Promise<boolean> {
    const { window, page } = o;
    if (window.full) return this.#finalInvoke(shardIndex, { window, checkpoint: o.checkpoint, early: true });
    const batch = window.batch(page.records);
    const ended = page.endingSeq !== undefined && page.scannedTo >= page.endingSeq;
    const over =
      page.records.length === 0
        ? window.open !== undefined && (ended || window.over(this.#ctx.clock.now()))
        : batch.length === 0;
    if (over) return this.#finalInvoke(shardIndex, { window, checkpoint: o.checkpoint, early: false });
    if (batch.length < page.records.length) {
      page.records.length = batch.length;
      page.scannedTo = batch.at(-1)!.seq;
    }
    return false;
  }

  /** A window's final invocation (no records); retried until it succeeds, then the window is closed and stored. */
  async #finalInvoke(
    shardIndex: number,
    o: { window: ShardWindow; checkpoint: number; early: boolean },
  ): Promise<true> {
    const arn = this.#mapping.eventSourceArn;
    const members = o.window.members({ shardId: shardIdOf(shardIndex), arn, final: true, early: o.early });
    const result = await invokeMapping(
      this.#ctx,
      this.#mapping,
      Buffer.from(JSON.stringify({ Records: [], ...members })),
    );
    if (result.outcome.kind !== "ok") {
      this.#ctx.log(`event source mapping on ${arn}: the final invocation of a tumbling window failed; retrying`);
      await this.#sleep(POLL_MS);
      return true;
    }
    o.window.close(o.early);
    const window = o.window.open;
    await this.#ctx.checkpoints.advance(this.#uuid, { shardIndex, seq: o.checkpoint, done: false, window });
    return true;
  }

  /** The lane's next batch after `after`, waiting up to the batching window for a full one. */
  async #page(shardIndex: number, o: { after: number; limit: number; lane: Lane }) {
    const { clock, store } = this.#ctx;
    const windowMs = this.#settings.MaximumBatchingWindowInSeconds * 1000;
    const read = async () => {
      const stream = await store.getStream(this.#stream);
      const retention = clock.now() - (stream?.retentionHours ?? 24) * HOUR_MS;
      const since = Math.max(retention, this.#settings.StartingPositionTimestamp ?? 0);
      const raw = await store.readShard(this.#stream, shardIndex, {
        after: o.after,
        limit: o.limit * o.lane.count,
        since,
      });
      return { ...laneBatch(raw.records, o), endingSeq: raw.endingSeq };
    };
    let page = await read();
    const deadline = clock.now() + windowMs;
    while (this.#running && page.records.length > 0 && page.records.length < o.limit && clock.now() < deadline) {
      await this.#sleep(Math.min(100, deadline - clock.now()));
      page = await read();
    }
    return page;
  }

  /** What the batch functions need of this worker for one shard. */
  #batchContext(shardIndex: number): BatchContext {
    return {
      ctx: this.#ctx,
      mapping: this.#mapping,
      settings: this.#settings,
      filter: this.#filter,
      window: this.#windows.get(shardIndex),
      shardIndex,
    };
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
