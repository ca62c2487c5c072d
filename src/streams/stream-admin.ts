/**
 * Streams themselves: create, delete, describe, list, retention, shard count and tags. Streams are
 * ACTIVE as soon as CreateStream answers (DescribeStream and the `stream-exists` waiter see ACTIVE
 * at once), and scaling is done when UpdateShardCount answers.
 */
import type { ShardRecord, StreamMode, StreamRecord, StreamStore } from "../ports/stream-store.js";
import type { Clock } from "../shared/clock.js";
import { PlatformError } from "../shared/errors.js";
import { constraint, invalidArgument, noStream, notActive, type StreamScope } from "./errors.js";
import { evenRanges } from "./hash-keys.js";
import { planUniformScaling } from "./resharding.js";
import type { CachedStream, StreamCache } from "./stream-cache.js";

/** Kinesis's retention bounds, in hours. */
export const MIN_RETENTION_HOURS = 24;
export const MAX_RETENTION_HOURS = 8760;
/** The account's open-shard limit (Kinesis's default quota). */
export const SHARD_LIMIT = 500;
/** Shards of a new on-demand stream, as Kinesis starts them. */
export const ON_DEMAND_SHARDS = 4;
const NAME = /^[a-zA-Z0-9_.-]{1,128}$/;

export interface StreamAdminOptions {
  readonly store: StreamStore;
  readonly cache: StreamCache;
  readonly clock: Clock;
  readonly scope: StreamScope;
  /** Told after every change (cluster announcements). */
  readonly onChange?: ((name: string) => void) | undefined;
}

/** CreateStream's input. */
export interface CreateStreamInput {
  readonly name: string;
  readonly shardCount?: number | undefined;
  readonly mode?: string | undefined;
  readonly tags?: Readonly<Record<string, string>> | undefined;
}

/** Stream administration; see the file comment. */
export class StreamAdmin {
  readonly scope: StreamScope;
  readonly #o: StreamAdminOptions;

  constructor(o: StreamAdminOptions) {
    this.#o = o;
    this.scope = o.scope;
  }

  /** The stream's ARN. */
  arnOf(name: string): string {
    return `arn:aws:kinesis:${this.scope.region}:${this.scope.accountId}:stream/${name}`;
  }

  /** The stream named by StreamName or StreamARN (exactly one of them). */
  nameOf(name: string | undefined, arn: string | undefined): string {
    if (arn !== undefined) {
      const m = /^arn:aws[\w-]*:kinesis:([^:]*):(\d{12}):stream\/([a-zA-Z0-9_.-]{1,128})$/.exec(arn);
      if (!m)
        throw constraint(
          arn,
          "streamARN",
          "Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+",
        );
      if (name !== undefined && name !== m[3])
        throw invalidArgument("StreamARN and StreamName do not name the same stream.");
      if (m[2] !== this.scope.accountId || m[1] !== this.scope.region) throw noStream(this.scope, m[3]!);
      return m[3]!;
    }
    if (name === undefined) throw invalidArgument("Either StreamName or StreamARN should be provided.");
    if (!NAME.test(name)) {
      throw constraint(name, "streamName", "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
    }
    return name;
  }

  /** The stream and its shards; ResourceNotFoundException when there is none. */
  async get(name: string): Promise<CachedStream> {
    const found = await this.#o.cache.get(name);
    if (!found) throw noStream(this.scope, name);
    return found;
  }

  /** CreateStream. */
  async create(input: CreateStreamInput): Promise<void> {
    const name = this.nameOf(input.name, undefined);
    // Without ShardCount nor StreamModeDetails, Kinesis makes an on-demand stream.
    const mode = modeOf(input.mode) ?? (input.shardCount === undefined ? "ON_DEMAND" : "PROVISIONED");
    const count = shardCountOf(mode, input.shardCount);
    await this.#withinShardLimit(count);
    const now = this.#o.clock.now();
    const stream: StreamRecord = {
      name,
      arn: this.arnOf(name),
      status: "ACTIVE",
      mode,
      retentionHours: MIN_RETENTION_HOURS,
      encryption: "NONE",
      createdAt: now,
      tags: { ...input.tags },
    };
    const shards: ShardRecord[] = evenRanges(count).map((r, index) => ({
      index,
      startingHashKey: r.start,
      endingHashKey: r.end,
      createdAt: now,
      lastSeq: 0,
    }));
    if (!(await this.#o.store.createStream(stream, shards))) {
      throw new PlatformError(
        "ERR_KINESIS_RESOURCE_IN_USE",
        `Stream ${name} under account ${this.scope.accountId} already exists.`,
      );
    }
    this.#changed(name);
  }

  /** DeleteStream. */
  async delete(name: string): Promise<void> {
    if (!(await this.#o.store.deleteStream(name))) throw noStream(this.scope, name);
    this.#changed(name);
  }

  /** Every stream, in name order. */
  list(): Promise<StreamRecord[]> {
    return this.#o.store.listStreams();
  }

  /** Increase/DecreaseStreamRetentionPeriod. */
  async setRetention(name: string, hours: number, direction: "increase" | "decrease"): Promise<void> {
    const { stream } = await this.#active(name);
    if (hours < MIN_RETENTION_HOURS) {
      throw invalidArgument(
        `Minimum allowed retention period is ${MIN_RETENTION_HOURS} hours. Requested retention period (${hours} hours) is too short.`,
      );
    }
    if (hours > MAX_RETENTION_HOURS) {
      throw invalidArgument(
        `Maximum allowed retention period is ${MAX_RETENTION_HOURS} hours. Requested retention period (${hours} hours) is too long.`,
      );
    }
    if (direction === "increase" && hours < stream.retentionHours) {
      throw invalidArgument(
        `Requested retention period (${hours} hours) for stream ${name} can not be shorter than existing retention period (${stream.retentionHours} hours). Use DecreaseRetentionPeriod API.`,
      );
    }
    if (direction === "decrease" && hours > stream.retentionHours) {
      throw invalidArgument(
        `Requested retention period (${hours} hours) for stream ${name} can not be longer than existing retention period (${stream.retentionHours} hours). Use IncreaseRetentionPeriod API.`,
      );
    }
    await this.#save({ ...stream, retentionHours: hours });
  }

  /** UpdateShardCount (UNIFORM_SCALING); resolves to the open shard count before. */
  async updateShardCount(name: string, target: number): Promise<number> {
    const { stream, shards, open } = await this.#active(name);
    if (stream.mode === "ON_DEMAND") {
      throw new PlatformError(
        "ERR_KINESIS_VALIDATION",
        `UpdateShardCount is not supported for stream ${name} under account ${this.scope.accountId} in ON_DEMAND mode.`,
      );
    }
    const current = open.length;
    if (target > current * 2 || target < Math.ceil(current / 2)) {
      throw invalidArgument(
        `UpdateShardCount failed for stream ${name} under account ${this.scope.accountId}: the target shard count ${target} must be between half (${Math.ceil(current / 2)}) and double (${current * 2}) the current open shard count ${current}.`,
      );
    }
    if (target !== current) {
      await this.#withinShardLimit(target - current);
      await this.#o.store.reshard(name, planUniformScaling(shards, target, this.#o.clock.now()));
      this.#changed(name);
    }
    return current;
  }

  /** AddTagsToStream (at most 50 tags on a stream). */
  async addTags(name: string, tags: Readonly<Record<string, string>>): Promise<void> {
    const { stream } = await this.get(name);
    const merged = { ...stream.tags, ...tags };
    if (Object.keys(merged).length > 50) {
      throw new PlatformError(
        "ERR_KINESIS_LIMIT_EXCEEDED",
        `Failed to add tags to stream ${name} under account ${this.scope.accountId} because a given stream cannot have more than 50 tags.`,
      );
    }
    await this.#save({ ...stream, tags: merged });
  }

  /** RemoveTagsFromStream. */
  async removeTags(name: string, keys: readonly string[]): Promise<void> {
    const { stream } = await this.get(name);
    const tags = { ...stream.tags };
    for (const k of keys) delete tags[k];
    await this.#save({ ...stream, tags });
  }

  /** Forgets what this node cached of a stream (another node changed it). */
  reload(name?: string): void {
    this.#o.cache.drop(name);
  }

  async #active(name: string): Promise<CachedStream> {
    const found = await this.get(name);
    if (found.stream.status !== "ACTIVE") throw notActive(this.scope, name, found.stream.status);
    return found;
  }

  async #save(stream: StreamRecord): Promise<void> {
    if (!(await this.#o.store.updateStream(stream))) throw noStream(this.scope, stream.name);
    this.#changed(stream.name);
  }

  async #withinShardLimit(adding: number): Promise<void> {
    if (adding <= 0) return;
    let open = 0;
    for (const s of await this.#o.store.listStreams()) open += (await this.get(s.name)).open.length;
    if (open + adding > SHARD_LIMIT) {
      throw new PlatformError(
        "ERR_KINESIS_LIMIT_EXCEEDED",
        `This request would exceed the shard limit for the account ${this.scope.accountId} in ${this.scope.region}. Current shard count for the account: ${open}. Limit: ${SHARD_LIMIT}. Number of additional shards that would have resulted from this request: ${adding}.`,
      );
    }
  }

  #changed(name: string): void {
    this.#o.cache.drop(name);
    this.#o.onChange?.(name);
  }
}

function modeOf(mode: string | undefined): StreamMode | undefined {
  if (mode === undefined || mode === "PROVISIONED" || mode === "ON_DEMAND") return mode;
  throw constraint(
    mode,
    "streamModeDetails.streamMode",
    "Member must satisfy enum value set: [PROVISIONED, ON_DEMAND]",
  );
}

/** PROVISIONED streams need a ShardCount (1–500 here); ON_DEMAND streams start with 4 and take none. */
function shardCountOf(mode: StreamMode, count: number | undefined): number {
  if (count !== undefined && (!Number.isInteger(count) || count < 1)) {
    throw constraint(count, "shardCount", "Member must have value greater than or equal to 1");
  }
  if (mode === "ON_DEMAND") {
    if (count !== undefined) throw invalidArgument("ShardCount cannot be specified for a stream in ON_DEMAND mode.");
    return ON_DEMAND_SHARDS;
  }
  if (count === undefined) throw invalidArgument("ShardCount is required for a stream in PROVISIONED mode.");
  return count;
}
