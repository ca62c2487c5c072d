import type { VersionRecord } from "../ports/store.js";
import { PlatformError } from "../shared/errors.js";
import type { FunctionEntry } from "./catalog.js";
import {
  type ControlContext,
  checkRevision,
  functionNotFound,
  lastVersion,
  newRevision,
  requireEntry,
  revisionMismatch,
  writeLocked,
} from "./context.js";
import { parseFunctionRef } from "./names.js";
import { paginate, versionKey } from "./paging.js";
import type { Json, PageInput, PublishVersionInput } from "./types.js";
import { configurationView, latestSource, versionSource, type ConfigSource } from "./views.js";
import { Violations } from "./violations.js";

/**
 * Publishes `$LATEST` (caller holds the function's lock). When nothing changed since the last
 * version, that version is returned instead, as AWS does.
 */
export async function publishLatest(
  ctx: ControlContext,
  entry: FunctionEntry,
  description?: string,
): Promise<VersionRecord> {
  const latest = entry.latest;
  const last = lastVersion(entry);
  const previous = last === undefined ? undefined : entry.versions.get(last);
  if (previous && previous.configRevision === latest.configRevision) return previous;
  const now = ctx.clock.now();
  const newLatestRevisionId = newRevision(ctx);
  const result = await ctx.store.publishVersion({
    functionName: latest.name,
    expectedRevisionId: latest.revisionId,
    newLatestRevisionId,
    version: {
      config: { ...latest.config, description: description ?? latest.config.description },
      revisionId: newRevision(ctx),
      configRevision: latest.configRevision,
      lastModified: now,
      createdAt: now,
    },
  });
  if (result.kind === "not-found") throw functionNotFound(ctx, latest.name);
  if (result.kind === "conflict") throw revisionMismatch();
  entry.versions.set(result.version.version, result.version);
  entry.latest = { ...latest, revisionId: newLatestRevisionId };
  ctx.catalog.refresh(latest.name);
  return result.version;
}

/** PublishVersion. */
export async function publishVersion(ctx: ControlContext, rawName: string, input: PublishVersionInput): Promise<Json> {
  const { name } = parseFunctionRef(rawName, ctx);
  const v = new Violations();
  v.maxLength(input.Description, "description", 256);
  v.throwIfAny();
  return writeLocked(ctx, name, async () => {
    const entry = requireEntry(ctx, name);
    checkRevision(input.RevisionId, entry.latest.revisionId);
    const current = entry.latest.config.codeSha256;
    if (input.CodeSha256 !== undefined && input.CodeSha256 !== current) {
      throw new PlatformError(
        "ERR_INVALID_PARAMETER",
        `CodeSHA256 (${input.CodeSha256}) is different from current CodeSHA256 in $LATEST (${current}). Please try again with the CodeSHA256 in $LATEST.`,
      );
    }
    const version = await publishLatest(ctx, entry, input.Description);
    return configurationView(ctx, name, versionSource(version), { arnQualifier: String(version.version) });
  });
}

/** ListVersionsByFunction: `$LATEST` first, then versions ascending, qualified ARNs. */
export function listVersionsByFunction(ctx: ControlContext, rawName: string, input: PageInput): Json {
  const { name } = parseFunctionRef(rawName, ctx);
  const entry = requireEntry(ctx, name);
  const all: ConfigSource[] = [latestSource(entry.latest), ...[...entry.versions.values()].map(versionSource)];
  const page = paginate(all, (s) => versionKey(s.version), input);
  return {
    Versions: page.items.map((s) => configurationView(ctx, name, s, { arnQualifier: s.version, list: true })),
    ...(page.nextMarker && { NextMarker: page.nextMarker }),
  };
}
