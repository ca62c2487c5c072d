/**
 * Where a stream event source mapping stands in each shard: the counter of the last record it
 * processed (or skipped), and whether the shard (closed by a split or merge) was read to its end.
 * With a tumbling window, the shard's open window and the state the function returned in it travel
 * with the checkpoint: an advance at or beyond the stored counter replaces them (none clears them).
 * A checkpoint never goes back: a lower counter is ignored. Every adapter passes
 * stream-checkpoint-store.contract.ts.
 */

/** One shard's checkpoint of one mapping. */
export interface ShardCheckpoint {
  readonly shardIndex: number;
  /** Records up to this counter are done (0: none yet). */
  readonly seq: number;
  /** The closed shard was read to its end (its children may be read). */
  readonly done: boolean;
  /** The shard's open tumbling window, if any. */
  readonly window?: OpenWindow | undefined;
}

/** A tumbling window being aggregated: where it starts and the state returned last in it. */
export interface OpenWindow {
  /** Milliseconds since the epoch. */
  readonly start: number;
  /** The state as JSON text. */
  readonly state: string;
}

/** Checkpoints of stream mappings; see the file comment. */
export interface StreamCheckpointStore {
  /** The checkpoints of mapping `uuid`, by shard index. */
  list(uuid: string): Promise<ShardCheckpoint[]>;
  /** Moves a shard's checkpoint forward (never back; `done` once set stays set). */
  advance(uuid: string, checkpoint: ShardCheckpoint): Promise<void>;
  /** Forgets the checkpoints of mapping `uuid`. */
  forget(uuid: string): Promise<void>;
  close(): Promise<void>;
}
