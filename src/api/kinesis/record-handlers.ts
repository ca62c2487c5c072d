/** The Kinesis operations on records: PutRecord(s), GetShardIterator, GetRecords. */
import type { IteratorType, PutEntry, StreamService } from "../../streams/index.js";
import { constraint, invalidArgument } from "../../streams/index.js";
import { bounded, named, type KinesisHandler } from "./stream-handlers.js";
import { blob, optString, optTimestamp, type Body } from "./wire.js";

const MAX_RECORD_BYTES = 1024 * 1024;
const MAX_BATCH_BYTES = 5 * 1024 * 1024;
const ITERATOR_TYPES: readonly IteratorType[] = [
  "AT_SEQUENCE_NUMBER",
  "AFTER_SEQUENCE_NUMBER",
  "TRIM_HORIZON",
  "LATEST",
  "AT_TIMESTAMP",
];

/** One record's members, checked as the model constrains them (`prefix` names it in messages). */
function entryOf(e: Body, prefix: string): PutEntry {
  const partitionKey = optString(e, "PartitionKey");
  if (partitionKey === undefined) throw constraint(undefined, `${prefix}partitionKey`, "Member must not be null");
  if (partitionKey.length < 1 || partitionKey.length > 256) {
    throw constraint(partitionKey, `${prefix}partitionKey`, "Member must have length between 1 and 256");
  }
  if (e["Data"] === undefined || e["Data"] === null)
    throw constraint(undefined, `${prefix}data`, "Member must not be null");
  const data = blob(e["Data"], "Data");
  if (data.length > MAX_RECORD_BYTES) {
    throw constraint(
      "java.nio.HeapByteBuffer",
      `${prefix}data`,
      `Member must have length less than or equal to ${MAX_RECORD_BYTES}`,
    );
  }
  const explicitHashKey = optString(e, "ExplicitHashKey");
  if (explicitHashKey !== undefined && !/^(0|[1-9]\d{0,38})$/.test(explicitHashKey)) {
    throw constraint(
      explicitHashKey,
      `${prefix}explicitHashKey`,
      "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})",
    );
  }
  return { partitionKey, explicitHashKey, data };
}

/** The stream an iterator names, for IAM (any stream when it is not one). */
function iteratorStream(_svc: StreamService, body: Body): string | undefined {
  const it = optString(body, "ShardIterator");
  if (it === undefined) return undefined;
  const text = Buffer.from(it, "base64").toString("utf8").split("|");
  return text.length === 7 ? text[1] : undefined;
}

export const RECORD_HANDLERS: Readonly<Record<string, KinesisHandler>> = {
  PutRecord: {
    stream: named,
    async run(svc, body) {
      const name = named(svc, body);
      if (body["SequenceNumberForOrdering"] !== undefined) {
        // Records of one shard are already stored in the order they arrive; the member is checked, not needed.
        optString(body, "SequenceNumberForOrdering");
      }
      const [result] = await svc.records.put(name, [entryOf(body, "")]);
      if (!result || "errorCode" in result) throw invalidArgument("The record could not be stored; retry the request.");
      return { ShardId: result.shardId, SequenceNumber: result.sequenceNumber, EncryptionType: "NONE" };
    },
  },
  PutRecords: {
    stream: named,
    async run(svc, body) {
      const name = named(svc, body);
      const list = body["Records"];
      if (!Array.isArray(list)) throw constraint(undefined, "records", "Member must not be null");
      if (list.length < 1 || list.length > 500) {
        throw constraint(`[${list.length} records]`, "records", "Member must have length between 1 and 500");
      }
      const entries = list.map((e, i) => entryOf((e ?? {}) as Body, `records.${i + 1}.member.`));
      const bytes = entries.reduce((n, e) => n + e.data.length + Buffer.byteLength(e.partitionKey), 0);
      if (bytes > MAX_BATCH_BYTES) {
        throw invalidArgument(`Records size exceeds 5 MB limit. Records size: ${bytes} bytes.`);
      }
      const results = await svc.records.put(name, entries);
      let failed = 0;
      const Records = results.map((r) => {
        if ("errorCode" in r) {
          failed++;
          return { ErrorCode: r.errorCode, ErrorMessage: r.errorMessage };
        }
        return { SequenceNumber: r.sequenceNumber, ShardId: r.shardId };
      });
      return { FailedRecordCount: failed, Records, EncryptionType: "NONE" };
    },
  },
  GetShardIterator: {
    stream: named,
    async run(svc, body) {
      const name = named(svc, body);
      const shardId = optString(body, "ShardId");
      if (shardId === undefined) throw constraint(undefined, "shardId", "Member must not be null");
      const type = optString(body, "ShardIteratorType") as IteratorType | undefined;
      if (type === undefined || !ITERATOR_TYPES.includes(type)) {
        throw constraint(
          type,
          "shardIteratorType",
          `Member must satisfy enum value set: [${ITERATOR_TYPES.join(", ")}]`,
        );
      }
      const sequenceNumber = optString(body, "StartingSequenceNumber");
      const timestamp = optTimestamp(body, "Timestamp");
      const iterator = await svc.records.iterator(name, shardId, { type, sequenceNumber, timestamp });
      return { ShardIterator: iterator };
    },
  },
  GetRecords: {
    stream: iteratorStream,
    async run(svc, body) {
      const iterator = optString(body, "ShardIterator");
      if (iterator === undefined) throw constraint(undefined, "shardIterator", "Member must not be null");
      const limit = bounded(body, "Limit", { min: 1, max: 10000, fallback: 10000 });
      const r = await svc.records.read(iterator, limit);
      return {
        Records: r.records.map((x) => ({
          SequenceNumber: x.sequenceNumber,
          ApproximateArrivalTimestamp: new Date(x.arrivedAt),
          Data: x.data,
          PartitionKey: x.partitionKey,
        })),
        ...(r.nextShardIterator !== undefined && { NextShardIterator: r.nextShardIterator }),
        MillisBehindLatest: r.millisBehindLatest,
        ...(r.childShards && {
          ChildShards: r.childShards.map((c) => ({
            ShardId: c.shardId,
            ParentShards: c.parentShards,
            HashKeyRange: { StartingHashKey: c.start, EndingHashKey: c.end },
          })),
        }),
      };
    },
  },
};
