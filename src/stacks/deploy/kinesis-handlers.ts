import { isPlatformError } from "../../shared/errors.js";
import { generatedName, refuseUnsupported, ResourceFailure, str } from "./handler.js";
import type { Properties, ResourceHandler, ResourceScope } from "./handler.js";

/** AWS::Kinesis::Stream through the stream service: shard count, retention, mode and tags. */

const STREAM_KEYS = ["Name", "ShardCount", "RetentionPeriodHours", "StreamModeDetails", "Tags"];

function servicesOf(scope: ResourceScope) {
  const streams = scope.services.streams;
  if (!streams) throw new ResourceFailure(`this node serves no Kinesis streams (resource ${scope.logicalId})`);
  return streams;
}

function numberOf(props: Properties, key: string): number | undefined {
  const v = props[key];
  if (v === undefined) return undefined;
  const n = typeof v === "string" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isInteger(n)) throw new ResourceFailure(`${key} must be an integer`);
  return n;
}

function modeOf(props: Properties): string | undefined {
  const details = props.StreamModeDetails as Record<string, unknown> | undefined;
  return details && str(details, "StreamMode");
}

function tagsOf(props: Properties): Record<string, string> {
  if (!Array.isArray(props.Tags)) return {};
  return Object.fromEntries((props.Tags as { Key: string; Value: string }[]).map((t) => [t.Key, t.Value]));
}

function result(name: string, scope: ResourceScope) {
  return { physicalId: name, attributes: { Arn: servicesOf(scope).admin.arnOf(name) } };
}

async function applyRetention(name: string, hours: number | undefined, scope: ResourceScope): Promise<void> {
  const admin = servicesOf(scope).admin;
  const current = (await admin.get(name)).stream.retentionHours;
  const wanted = hours ?? 24;
  if (wanted !== current) await admin.setRetention(name, wanted, wanted > current ? "increase" : "decrease");
}

const stream: ResourceHandler = {
  async create(props, scope) {
    refuseUnsupported(props, scope, STREAM_KEYS);
    const name = str(props, "Name") ?? generatedName(scope, 128);
    const mode = modeOf(props);
    const admin = servicesOf(scope).admin;
    // CloudFormation creates a provisioned stream of one shard when neither is given.
    const shardCount = numberOf(props, "ShardCount") ?? (mode === "ON_DEMAND" ? undefined : 1);
    await admin.create({ name, shardCount, mode: mode ?? "PROVISIONED", tags: tagsOf(props) });
    await applyRetention(name, numberOf(props, "RetentionPeriodHours"), scope);
    return result(name, scope);
  },
  async update(props, previous, scope) {
    refuseUnsupported(props, scope, STREAM_KEYS);
    const name = previous.physicalId ?? "";
    const admin = servicesOf(scope).admin;
    const { stream: current, open } = await admin.get(name);
    const mode = modeOf(props) ?? "PROVISIONED";
    if (mode !== current.mode) {
      throw new ResourceFailure(`haneul does not change a stream's StreamMode in place (resource ${scope.logicalId})`);
    }
    const shards = numberOf(props, "ShardCount");
    if (mode === "PROVISIONED" && shards !== undefined && shards !== open.length)
      await admin.updateShardCount(name, shards);
    await applyRetention(name, numberOf(props, "RetentionPeriodHours"), scope);
    const tags = tagsOf(props);
    const gone = Object.keys(current.tags).filter((k) => !(k in tags));
    if (gone.length) await admin.removeTags(name, gone);
    if (Object.keys(tags).length) await admin.addTags(name, tags);
    return result(name, scope);
  },
  async delete(record, scope) {
    if (!record.physicalId) return;
    try {
      await servicesOf(scope).admin.delete(record.physicalId);
    } catch (e) {
      // Already gone: what a delete wants.
      if (!isPlatformError(e) || e.code !== "ERR_KINESIS_RESOURCE_NOT_FOUND") throw e;
    }
  },
};

export const KINESIS_HANDLERS: Readonly<Record<string, ResourceHandler>> = { "AWS::Kinesis::Stream": stream };
