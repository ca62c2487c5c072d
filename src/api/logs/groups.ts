/** Log groups, streams, retention and tags. */
import { DAY_MS, type LogGroupRecord, type LogStreamRecord } from "../../ports/log-store.js";
import { PlatformError } from "../../shared/errors.js";
import type { LogsContext } from "./context.js";
import { bool, int, invalid, str, strList, tagMap, token, untoken, type Input } from "./wire.js";

export const GROUP_NAME = /^[.\-_/#A-Za-z0-9]+$/;
export const STREAM_NAME = /^[^:*]*$/;
const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
const GROUP_CLASSES = ["STANDARD", "INFREQUENT_ACCESS"];

/** ResourceNotFoundException for a group. */
export function noGroup(): PlatformError {
  return new PlatformError("ERR_LOGS_NOT_FOUND", "The specified log group does not exist.");
}

/** The group named by `logGroupName` (or `logGroupIdentifier`, a name or an ARN); it must exist. */
export async function groupOf(ctx: LogsContext, input: Input): Promise<LogGroupRecord> {
  const name = groupNameOf(input);
  const group = await ctx.store.getGroup(name);
  if (!group) throw noGroup();
  return group;
}

/** The group name of a request: `logGroupName`, or `logGroupIdentifier` (a name or an ARN). */
export function groupNameOf(input: Input): string {
  const name = str(input, "logGroupName", { pattern: GROUP_NAME });
  const id = str(input, "logGroupIdentifier", { max: 2048 });
  if (name !== undefined && id !== undefined)
    throw invalid("LogGroup name and LogGroup ARN are mutually exclusive parameters.");
  const resolved =
    name ??
    (id === undefined ? undefined : (/^arn:[^:]+:logs:[^:]*:[^:]*:log-group:([^:]+)(?::\*)?$/.exec(id)?.[1] ?? id));
  if (resolved === undefined) throw invalid("Either LogGroupName or LogGroupIdentifier must be specified.");
  return resolved;
}

function groupView(ctx: LogsContext, g: LogGroupRecord): object {
  const arn = ctx.groupArn(g.name);
  return {
    logGroupName: g.name,
    creationTime: g.createdAt,
    ...(g.retentionDays !== undefined && { retentionInDays: g.retentionDays }),
    metricFilterCount: 0,
    arn: `${arn}:*`,
    storedBytes: 0,
    logGroupClass: g.logGroupClass,
    logGroupArn: arn,
  };
}

function streamView(ctx: LogsContext, s: LogStreamRecord): object {
  return {
    logStreamName: s.name,
    creationTime: s.createdAt,
    ...(s.firstEventAt !== undefined && { firstEventTimestamp: s.firstEventAt }),
    ...(s.lastEventAt !== undefined && { lastEventTimestamp: s.lastEventAt }),
    ...(s.lastIngestionAt !== undefined && { lastIngestionTime: s.lastIngestionAt }),
    arn: `${ctx.groupArn(s.groupName)}:log-stream:${s.name}`,
    storedBytes: 0,
  };
}

const isString = (v: unknown): v is string => typeof v === "string";

export async function createLogGroup(ctx: LogsContext, input: Input): Promise<object> {
  const name = str(input, "logGroupName", { required: true, pattern: GROUP_NAME }) as string;
  const groupClass = str(input, "logGroupClass") ?? "STANDARD";
  if (!GROUP_CLASSES.includes(groupClass)) throw invalid(`Invalid log group class: ${groupClass}`);
  if (str(input, "kmsKeyId", { max: 256 }) !== undefined) {
    throw new PlatformError(
      "ERR_LOGS_INVALID_PARAMETER",
      "haneul does not encrypt log groups with KMS keys: kmsKeyId is not supported.",
    );
  }
  const tags = tagMap(input, "tags") ?? {};
  const created = await ctx.store.createGroup({ name, createdAt: ctx.clock.now(), tags, logGroupClass: groupClass });
  if (!created) throw new PlatformError("ERR_LOGS_ALREADY_EXISTS", "The specified log group already exists");
  return {};
}

export async function describeLogGroups(ctx: LogsContext, input: Input): Promise<object> {
  const prefix = str(input, "logGroupNamePrefix", { pattern: GROUP_NAME });
  const pattern = str(input, "logGroupNamePattern", { max: 512 });
  if (prefix !== undefined && pattern !== undefined) {
    throw invalid("LogGroupNamePrefix and LogGroupNamePattern are mutually exclusive parameters.");
  }
  const limit = int(input, "limit", { min: 1, max: 50 }) ?? 50;
  const after = untoken(str(input, "nextToken", { max: 4096 }), isString);
  const groups: LogGroupRecord[] = [];
  let cursor = after;
  // A pattern is a substring anywhere in the name: read on until a page is full.
  for (;;) {
    const page = await ctx.store.listGroups({ prefix, after: cursor, limit: limit + 1 });
    for (const g of page)
      if (pattern === undefined || g.name.toLowerCase().includes(pattern.toLowerCase())) groups.push(g);
    cursor = page.at(-1)?.name;
    if (page.length <= limit || groups.length > limit) break;
  }
  const shown = groups.slice(0, limit);
  const more = groups.length > limit;
  return {
    logGroups: shown.map((g) => groupView(ctx, g)),
    ...(more && { nextToken: token(shown.at(-1)?.name) }),
  };
}

export async function deleteLogGroup(ctx: LogsContext, input: Input): Promise<object> {
  const name = str(input, "logGroupName", { required: true, pattern: GROUP_NAME }) as string;
  if (!(await ctx.store.deleteGroup(name))) throw noGroup();
  return {};
}

export async function createLogStream(ctx: LogsContext, input: Input): Promise<object> {
  const group = str(input, "logGroupName", { required: true, pattern: GROUP_NAME }) as string;
  const stream = str(input, "logStreamName", { required: true, pattern: STREAM_NAME }) as string;
  const result = await ctx.store.createStream(group, stream, ctx.clock.now());
  if (result === "no-group") throw noGroup();
  if (result === "exists")
    throw new PlatformError("ERR_LOGS_ALREADY_EXISTS", "The specified log stream already exists");
  return {};
}

export async function deleteLogStream(ctx: LogsContext, input: Input): Promise<object> {
  const group = str(input, "logGroupName", { required: true, pattern: GROUP_NAME }) as string;
  const stream = str(input, "logStreamName", { required: true, pattern: STREAM_NAME }) as string;
  if (!(await ctx.store.getGroup(group))) throw noGroup();
  if (!(await ctx.store.deleteStream(group, stream))) {
    throw new PlatformError("ERR_LOGS_NOT_FOUND", "The specified log stream does not exist.");
  }
  return {};
}

export async function describeLogStreams(ctx: LogsContext, input: Input): Promise<object> {
  const group = await groupOf(ctx, input);
  const prefix = str(input, "logStreamNamePrefix", { pattern: STREAM_NAME });
  const orderBy = str(input, "orderBy") ?? "LogStreamName";
  if (orderBy !== "LogStreamName" && orderBy !== "LastEventTime") {
    throw invalid(
      `1 validation error detected: Value '${orderBy}' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]`,
    );
  }
  if (orderBy === "LastEventTime" && prefix !== undefined)
    throw invalid("Cannot order by LastEventTime with a logStreamNamePrefix.");
  const descending = bool(input, "descending") ?? false;
  const limit = int(input, "limit", { min: 1, max: 50 }) ?? 50;
  const offset = untoken(str(input, "nextToken", { max: 4096 }), (v): v is number => typeof v === "number") ?? 0;
  // Few streams per group in practice: sorted here, paged by offset.
  const all = await ctx.store.listStreams(group.name, { prefix, limit: 100_000 });
  if (orderBy === "LastEventTime") all.sort((a, b) => (a.lastEventAt ?? 0) - (b.lastEventAt ?? 0));
  if (descending) all.reverse();
  const page = all.slice(offset, offset + limit);
  return {
    logStreams: page.map((s) => streamView(ctx, s)),
    ...(offset + limit < all.length && { nextToken: token(offset + limit) }),
  };
}

export async function putRetentionPolicy(ctx: LogsContext, input: Input): Promise<object> {
  const name = str(input, "logGroupName", { required: true, pattern: GROUP_NAME }) as string;
  const days = input["retentionInDays"];
  if (typeof days !== "number" || !RETENTION_DAYS.includes(days)) {
    throw invalid(
      `1 validation error detected: Value '${String(days)}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [${RETENTION_DAYS.join(", ")}]`,
    );
  }
  if (!(await ctx.store.setRetention(name, days))) throw noGroup();
  return {};
}

export async function deleteRetentionPolicy(ctx: LogsContext, input: Input): Promise<object> {
  const name = str(input, "logGroupName", { required: true, pattern: GROUP_NAME }) as string;
  if (!(await ctx.store.setRetention(name, null))) throw noGroup();
  return {};
}

/** The group of a tagging call: `logGroupName` (the old calls) or `resourceArn`. */
async function taggedGroup(ctx: LogsContext, input: Input, byArn: boolean): Promise<LogGroupRecord> {
  if (!byArn) return groupOf(ctx, input);
  const arn = str(input, "resourceArn", { required: true, max: 1011 }) as string;
  const name = /^arn:[^:]+:logs:[^:]*:[^:]*:log-group:([^:]+)(?::\*)?$/.exec(arn)?.[1];
  if (name === undefined) throw invalid(`Invalid resource ARN: ${arn}`);
  const group = await ctx.store.getGroup(name);
  if (!group) throw new PlatformError("ERR_LOGS_NOT_FOUND", `The specified resource does not exist: ${arn}`);
  return group;
}

/** TagLogGroup and TagResource. */
export function tagGroup(byArn: boolean) {
  return async (ctx: LogsContext, input: Input): Promise<object> => {
    const group = await taggedGroup(ctx, input, byArn);
    const tags = tagMap(input, "tags");
    if (!tags || Object.keys(tags).length === 0) throw invalid("tags must contain at least one tag");
    const merged = { ...group.tags, ...tags };
    if (Object.keys(merged).length > 50) {
      throw new PlatformError("ERR_LOGS_INVALID_PARAMETER", "A log group can have at most 50 tags.");
    }
    await ctx.store.setTags(group.name, merged);
    return {};
  };
}

/** UntagLogGroup (`tags`) and UntagResource (`tagKeys`). */
export function untagGroup(byArn: boolean) {
  return async (ctx: LogsContext, input: Input): Promise<object> => {
    const group = await taggedGroup(ctx, input, byArn);
    const keys = strList(input, byArn ? "tagKeys" : "tags") ?? [];
    const left = Object.fromEntries(Object.entries(group.tags).filter(([k]) => !keys.includes(k)));
    await ctx.store.setTags(group.name, left);
    return {};
  };
}

/** ListTagsLogGroup and ListTagsForResource. */
export function listTags(byArn: boolean) {
  return async (ctx: LogsContext, input: Input): Promise<object> => ({
    tags: (await taggedGroup(ctx, input, byArn)).tags,
  });
}

export { DAY_MS };
