/**
 * Function tags (TagResource, UntagResource, ListTags). Tags belong to the function, never to a
 * version or an alias; changing them gives the function a new RevisionId, as on AWS.
 */
import { PlatformError } from "../shared/errors.js";
import { type ControlContext, functionNotFound, newRevision, requireEntry, writeLocked } from "./context.js";
import { parseFunctionRef } from "./names.js";
import type { Json } from "./types.js";
import { Violations, validationError } from "./violations.js";

/** At most this many tags per function. */
export const MAX_TAGS = 50;

const RESOURCE_RE =
  /^arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\d{1}:\d{12}:(function:[a-zA-Z0-9-_]+(:(\$LATEST|[a-zA-Z0-9-_]+))?|layer:[a-zA-Z0-9-_]+)$/;
const RESOURCE_PATTERN =
  "arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\\d{1}:\\d{12}:(function:[a-zA-Z0-9-_]+(:(\\$LATEST|[a-zA-Z0-9-_]+))?|layer:[a-zA-Z0-9-_]+)";

/** The function a tagging call names: a function ARN, never a version's or an alias's. */
function functionOf(ctx: ControlContext, arn: string): string {
  if (!RESOURCE_RE.test(arn))
    validationError(arn, "resource", `Member must satisfy regular expression pattern: ${RESOURCE_PATTERN}`);
  if (arn.split(":")[5] !== "function")
    throw new PlatformError("ERR_INVALID_PARAMETER", "haneul has no layers to tag.");
  const ref = parseFunctionRef(arn, ctx);
  if (ref.qualifier !== undefined) {
    throw new PlatformError(
      "ERR_INVALID_PARAMETER",
      "Tags on function aliases and versions are not supported. Please specify a function ARN.",
    );
  }
  return ref.name;
}

function checkTags(tags: Readonly<Record<string, string>>): void {
  const v = new Violations();
  for (const [key, value] of Object.entries(tags)) {
    v.maxLength(key, "tags.key", 128);
    v.maxLength(value, "tags.value", 256);
    if (key.length === 0) v.add(key, "tags.key", "Member must have length greater than or equal to 1");
  }
  v.throwIfAny();
}

async function update(ctx: ControlContext, name: string, set: Record<string, string>, remove: string[]): Promise<void> {
  await writeLocked(ctx, name, async () => {
    const entry = requireEntry(ctx, name);
    const revisionId = newRevision(ctx);
    const result = await ctx.store.updateTags(name, { set, remove }, MAX_TAGS, revisionId);
    if (result === "not-found") throw functionNotFound(ctx, name);
    if (result === "limit")
      throw new PlatformError("ERR_INVALID_PARAMETER", "Number of tags exceeds resource tag limit.");
    const tags: Record<string, string> = { ...entry.latest.tags, ...set };
    for (const key of remove) delete tags[key];
    entry.latest = { ...entry.latest, tags, revisionId };
  });
}

/** TagResource: adds tags, replacing the values of keys the function has. */
export async function tagResource(
  ctx: ControlContext,
  arn: string,
  tags: Record<string, string> | undefined,
): Promise<void> {
  const name = functionOf(ctx, arn);
  if (tags === undefined) validationError(null, "tags", "Member must not be null");
  if (Object.keys(tags).length === 0) {
    throw new PlatformError("ERR_INVALID_PARAMETER", "An error occurred and the request cannot be processed.");
  }
  checkTags(tags);
  requireEntry(ctx, name);
  await update(ctx, name, tags, []);
}

/** UntagResource: removes the keys given; keys the function does not have are ignored. */
export async function untagResource(ctx: ControlContext, arn: string, keys: string[]): Promise<void> {
  const name = functionOf(ctx, arn);
  if (keys.length === 0) validationError(null, "tagKeys", "Member must not be null");
  requireEntry(ctx, name);
  await update(ctx, name, {}, keys);
}

/** ListTags: `{"Tags":{}}` for a function without tags. */
export function listTags(ctx: ControlContext, arn: string): Json {
  const name = functionOf(ctx, arn);
  return { Tags: { ...requireEntry(ctx, name).latest.tags } };
}
