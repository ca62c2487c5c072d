/** The Kinesis operations on streams themselves (not their records). */
import { PlatformError } from "../../shared/errors.js";
import { constraint, invalidArgument, shardIndexOf, type StreamService } from "../../streams/index.js";
import { shardView, streamFields, streamSummary } from "./views.js";
import { optInt, optString, optTimestamp, tagMap, type Body } from "./wire.js";

/** One operation: the stream it acts on (for IAM) and what it does. */
export interface KinesisHandler {
  /** The stream's name, or undefined for account-wide operations. */
  stream(svc: StreamService, body: Body): string | undefined;
  run(svc: StreamService, body: Body): Promise<object>;
}

/** The stream a request names by StreamName or StreamARN. */
export const named = (svc: StreamService, body: Body): string =>
  svc.admin.nameOf(optString(body, "StreamName"), optString(body, "StreamARN"));

/** An integer member within [min, max] (ValidationException otherwise); `fallback` when absent. */
export function bounded(body: Body, field: string, range: { min: number; max: number; fallback?: number }): number {
  const v = optInt(body, field);
  const member = field.charAt(0).toLowerCase() + field.slice(1);
  if (v === undefined) {
    if (range.fallback !== undefined) return range.fallback;
    throw constraint(undefined, member, "Member must not be null");
  }
  if (v < range.min) throw constraint(v, member, `Member must have value greater than or equal to ${range.min}`);
  if (v > range.max) throw constraint(v, member, `Member must have value less than or equal to ${range.max}`);
  return v;
}

/** Pages items after an exclusive start key. */
function after<T>(items: readonly T[], key: (t: T) => string, start: string | undefined, limit: number) {
  const from = start === undefined ? 0 : items.findIndex((t) => key(t) > start);
  const rest = from < 0 ? [] : items.slice(from);
  return { page: rest.slice(0, limit), more: rest.length > limit };
}

const ok = {};

export const STREAM_HANDLERS: Readonly<Record<string, KinesisHandler>> = {
  CreateStream: {
    stream: (_svc, body) => optString(body, "StreamName"),
    async run(svc, body) {
      const details = body["StreamModeDetails"] as Body | undefined;
      const name = optString(body, "StreamName");
      if (name === undefined) throw constraint(undefined, "streamName", "Member must not be null");
      await svc.admin.create({
        name,
        shardCount: optInt(body, "ShardCount"),
        mode: details && optString(details, "StreamMode"),
        tags: tagMap(body["Tags"]),
      });
      return ok;
    },
  },
  DeleteStream: {
    stream: named,
    async run(svc, body) {
      if (body["EnforceConsumerDeletion"] !== undefined && typeof body["EnforceConsumerDeletion"] !== "boolean") {
        throw invalidArgument("EnforceConsumerDeletion must be a boolean.");
      }
      await svc.admin.delete(named(svc, body));
      return ok;
    },
  },
  DescribeStream: {
    stream: named,
    async run(svc, body) {
      const { stream, shards } = await svc.admin.get(named(svc, body));
      const limit = bounded(body, "Limit", { min: 1, max: 10000, fallback: 100 });
      const start = optString(body, "ExclusiveStartShardId");
      const startIndex = start === undefined ? -1 : (shardIndexOf(start) ?? -1);
      const rest = shards.filter((s) => s.index > startIndex);
      return {
        StreamDescription: {
          ...streamFields(stream),
          Shards: rest.slice(0, limit).map(shardView),
          HasMoreShards: rest.length > limit,
        },
      };
    },
  },
  DescribeStreamSummary: {
    stream: named,
    async run(svc, body) {
      const { stream, open } = await svc.admin.get(named(svc, body));
      return { StreamDescriptionSummary: { ...streamFields(stream), OpenShardCount: open.length, ConsumerCount: 0 } };
    },
  },
  ListStreams: {
    stream: () => undefined,
    async run(svc, body) {
      const limit = bounded(body, "Limit", { min: 1, max: 10000, fallback: 100 });
      const token = optString(body, "NextToken");
      const start = token !== undefined ? decodeToken(token) : optString(body, "ExclusiveStartStreamName");
      const { page, more } = after(await svc.admin.list(), (s) => s.name, start, limit);
      return {
        StreamNames: page.map((s) => s.name),
        HasMoreStreams: more,
        ...(more && { NextToken: encodeToken(page.at(-1)!.name) }),
        StreamSummaries: page.map(streamSummary),
      };
    },
  },
  ListShards: {
    stream: (svc, body) => (body["NextToken"] === undefined ? named(svc, body) : undefined),
    async run(svc, body) {
      const token = optString(body, "NextToken");
      if (token !== undefined && (body["StreamName"] !== undefined || body["StreamARN"] !== undefined)) {
        throw invalidArgument("NextToken and StreamName cannot be provided together.");
      }
      const [name, tokenStart] = token !== undefined ? splitToken(decodeToken(token)) : [named(svc, body), undefined];
      const limit = bounded(body, "MaxResults", { min: 1, max: 10000, fallback: 1000 });
      const { shards } = await svc.admin.get(name);
      const filter = body["ShardFilter"] as Body | undefined;
      const start = tokenStart ?? optString(body, "ExclusiveStartShardId") ?? (filter && optString(filter, "ShardId"));
      const startIndex = start === undefined ? -1 : (shardIndexOf(start) ?? -1);
      const kept = shards.filter((s) => s.index > startIndex && inFilter(s, filter));
      const page = kept.slice(0, limit);
      return {
        Shards: page.map(shardView),
        ...(kept.length > limit && { NextToken: encodeToken(`${name}/${page.at(-1)!.index}`) }),
      };
    },
  },
  IncreaseStreamRetentionPeriod: retention("increase"),
  DecreaseStreamRetentionPeriod: retention("decrease"),
  UpdateShardCount: {
    stream: named,
    async run(svc, body) {
      const name = named(svc, body);
      const target = bounded(body, "TargetShardCount", { min: 1, max: 100000 });
      const scaling = optString(body, "ScalingType");
      if (scaling !== "UNIFORM_SCALING") {
        throw constraint(scaling, "scalingType", "Member must satisfy enum value set: [UNIFORM_SCALING]");
      }
      const current = await svc.admin.updateShardCount(name, target);
      const arn = svc.admin.arnOf(name);
      return { StreamName: name, CurrentShardCount: current, TargetShardCount: target, StreamARN: arn };
    },
  },
  AddTagsToStream: {
    stream: named,
    async run(svc, body) {
      const tags = tagMap(body["Tags"]);
      const n = Object.keys(tags).length;
      if (n < 1 || n > 10) throw constraint(`{${n} tags}`, "tags", "Member must have length between 1 and 10");
      await svc.admin.addTags(named(svc, body), tags);
      return ok;
    },
  },
  RemoveTagsFromStream: {
    stream: named,
    async run(svc, body) {
      const keys = body["TagKeys"];
      if (!Array.isArray(keys) || keys.some((k) => typeof k !== "string")) {
        throw constraint(undefined, "tagKeys", "Member must not be null");
      }
      await svc.admin.removeTags(named(svc, body), keys as string[]);
      return ok;
    },
  },
  ListTagsForStream: {
    stream: named,
    async run(svc, body) {
      const { stream } = await svc.admin.get(named(svc, body));
      const limit = bounded(body, "Limit", { min: 1, max: 50, fallback: 50 });
      const tags = Object.entries(stream.tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      const { page, more } = after(tags, ([k]) => k, optString(body, "ExclusiveStartTagKey"), limit);
      return { Tags: page.map(([Key, Value]) => ({ Key, Value })), HasMoreTags: more };
    },
  },
};

function retention(direction: "increase" | "decrease"): KinesisHandler {
  return {
    stream: named,
    async run(svc, body) {
      const hours = bounded(body, "RetentionPeriodHours", { min: 1, max: 2147483647 });
      await svc.admin.setRetention(named(svc, body), hours, direction);
      return ok;
    },
  };
}

function inFilter(s: { index: number; createdAt: number; closedAt?: number | undefined }, filter?: Body): boolean {
  if (!filter) return true;
  const type = optString(filter, "Type");
  const at = optTimestamp(filter, "Timestamp");
  switch (type) {
    case "AFTER_SHARD_ID":
    case "AT_TRIM_HORIZON":
    case "FROM_TRIM_HORIZON":
      return true;
    case "AT_LATEST":
      return s.closedAt === undefined;
    case "AT_TIMESTAMP":
    case "FROM_TIMESTAMP":
      if (at === undefined) throw invalidArgument(`Timestamp is required for ShardFilter type ${type}.`);
      return (s.closedAt === undefined || s.closedAt > at) && (type === "FROM_TIMESTAMP" || s.createdAt <= at);
    case undefined:
    default:
      throw constraint(
        type,
        "shardFilter.type",
        "Member must satisfy enum value set: [AFTER_SHARD_ID, AT_TRIM_HORIZON, FROM_TRIM_HORIZON, AT_LATEST, AT_TIMESTAMP, FROM_TIMESTAMP]",
      );
  }
}

function encodeToken(text: string): string {
  return Buffer.from(`kinesis:${text}`, "utf8").toString("base64");
}

function decodeToken(token: string): string {
  const text = Buffer.from(token, "base64").toString("utf8");
  if (!text.startsWith("kinesis:")) throw invalidArgument(`Invalid NextToken.`);
  return text.slice("kinesis:".length);
}

function splitToken(text: string): [string, string] {
  const i = text.lastIndexOf("/");
  if (i < 1) throw new PlatformError("ERR_KINESIS_INVALID_ARGUMENT", "Invalid NextToken.");
  return [text.slice(0, i), text.slice(i + 1)];
}
