import type { FunctionConfig, FunctionRecord } from "../ports/store.js";
import { PlatformError } from "../shared/errors.js";
import { type FunctionEntry, newEntry } from "./catalog.js";
import { takeZip } from "./code-input.js";
import { applyConfig, checkArchitectures, checkConfig, checkRuntimeAndHandler, defaultConfig } from "./config-input.js";
import {
  type ControlContext,
  checkRevision,
  newRevision,
  requireEntry,
  revisionMismatch,
  writeLocked,
} from "./context.js";
import { checkTotalSize, prepareLayers, resolveLayers } from "./function-layers.js";
import { parseFunctionRef } from "./names.js";
import type { CreateFunctionInput, Json, UpdateFunctionCodeInput, UpdateFunctionConfigurationInput } from "./types.js";
import { MAX_TAGS } from "./tags.js";
import { publishLatest } from "./versions.js";
import { configurationView, latestSource, versionSource } from "./views.js";
import { Violations } from "./violations.js";

function checkCreate(input: CreateFunctionInput): void {
  const v = new Violations();
  v.required(input.FunctionName, "functionName");
  v.required(input.Role, "role");
  v.required(input.Code, "code");
  v.oneOf(input.PackageType, "packageType", ["Zip", "Image"]);
  v.throwIfAny();
  if (input.PackageType === "Image") {
    throw new PlatformError(
      "ERR_INVALID_PARAMETER",
      "haneul runs Zip packages only; PackageType Image is not supported.",
    );
  }
  checkConfig(input, input.Architectures);
  checkRuntimeAndHandler(input.Runtime, input.Handler);
  if (Object.keys(input.Tags ?? {}).length > MAX_TAGS) {
    throw new PlatformError("ERR_INVALID_PARAMETER", "Number of tags exceeds resource tag limit.");
  }
}

/** CreateFunction: stores the code, then `$LATEST`; with Publish also version 1. */
export async function createFunction(ctx: ControlContext, input: CreateFunctionInput): Promise<Json> {
  checkCreate(input);
  const { name } = parseFunctionRef(input.FunctionName as string, ctx, { create: true });
  const zip = await takeZip(input.Code, false, ctx.artifacts);
  return writeLocked(ctx, name, async () => {
    const exists = () => new PlatformError("ERR_RESOURCE_CONFLICT", `Function already exist: ${name}`);
    if (ctx.catalog.entry(name)) throw exists();
    const layers = input.Layers && (await resolveLayers(ctx, input.Layers));
    const pkg = await ctx.codeStore.put(zip);
    const now = ctx.clock.now();
    const revision = newRevision(ctx);
    const config: FunctionConfig = {
      ...applyConfig(defaultConfig(name), input),
      architectures: input.Architectures ?? ["x86_64"],
      codeSha256: pkg.codeSha256,
      codeSize: pkg.size,
      codeUnzippedSize: pkg.unzippedSize,
      ...(layers && { layers }),
    };
    checkTotalSize(config, ctx.codeStore);
    await prepareLayers(config, ctx.codeStore);
    const record: FunctionRecord = {
      name,
      config,
      revisionId: revision,
      configRevision: revision,
      state: "Active",
      tags: { ...(input.Tags ?? {}) },
      lastModified: now,
      createdAt: now,
    };
    if (!(await ctx.store.insertFunction(record))) throw exists();
    const entry = newEntry(record);
    ctx.catalog.put(entry);
    ctx.readiness.prepare(config.runtime);
    if (!input.Publish) return configurationView(ctx, name, latestSource(record));
    // AWS answers a Publish create with version 1's configuration under the unqualified ARN.
    return configurationView(ctx, name, versionSource(await publishLatest(ctx, entry)));
  });
}

/** Stores a new `$LATEST` (compare-and-set on its RevisionId) and updates the catalog. */
async function saveLatest(ctx: ControlContext, entry: FunctionEntry, next: FunctionRecord): Promise<void> {
  if (!(await ctx.store.updateFunction(next, entry.latest.revisionId))) throw revisionMismatch();
  entry.latest = next;
  ctx.catalog.refresh(next.name);
  ctx.readiness.prepare(next.config.runtime);
}

function changed(ctx: ControlContext, fn: FunctionRecord, config: FunctionConfig): FunctionRecord {
  const revision = newRevision(ctx);
  return { ...fn, config, revisionId: revision, configRevision: revision, lastModified: ctx.clock.now() };
}

/** UpdateFunctionCode (Publish, DryRun, RevisionId, Architectures). */
export async function updateFunctionCode(
  ctx: ControlContext,
  rawName: string,
  input: UpdateFunctionCodeInput,
): Promise<Json> {
  const { name } = parseFunctionRef(rawName, ctx);
  const v = new Violations();
  checkArchitectures(input.Architectures, v);
  v.throwIfAny();
  const zip = await takeZip(input, true, ctx.artifacts);
  return writeLocked(ctx, name, async () => {
    const entry = requireEntry(ctx, name);
    checkRevision(input.RevisionId, entry.latest.revisionId);
    const pkg = input.DryRun ? await ctx.codeStore.inspect(zip) : await ctx.codeStore.put(zip);
    const config: FunctionConfig = {
      ...entry.latest.config,
      codeSha256: pkg.codeSha256,
      codeSize: pkg.size,
      codeUnzippedSize: pkg.unzippedSize,
      ...(input.Architectures && { architectures: input.Architectures }),
    };
    checkTotalSize(config, ctx.codeStore);
    if (input.DryRun) return configurationView(ctx, name, { ...latestSource(entry.latest), config });
    await saveLatest(ctx, entry, changed(ctx, entry.latest, config));
    if (!input.Publish) return configurationView(ctx, name, latestSource(entry.latest));
    const version = await publishLatest(ctx, entry);
    return configurationView(ctx, name, versionSource(version), { arnQualifier: String(version.version) });
  });
}

/** UpdateFunctionConfiguration: only the fields given change; Environment.Variables is replaced. */
export async function updateFunctionConfiguration(
  ctx: ControlContext,
  rawName: string,
  input: UpdateFunctionConfigurationInput,
): Promise<Json> {
  const { name } = parseFunctionRef(rawName, ctx);
  checkConfig(input);
  return writeLocked(ctx, name, async () => {
    const entry = requireEntry(ctx, name);
    checkRevision(input.RevisionId, entry.latest.revisionId);
    const layers = input.Layers && (await resolveLayers(ctx, input.Layers));
    const config = { ...applyConfig(entry.latest.config, input), ...(layers && { layers }) };
    checkTotalSize(config, ctx.codeStore);
    await prepareLayers(config, ctx.codeStore);
    checkRuntimeAndHandler(config.runtime, config.handler);
    await saveLatest(ctx, entry, changed(ctx, entry.latest, config));
    return configurationView(ctx, name, latestSource(entry.latest));
  });
}
