import { PlatformError } from "../shared/errors.js";
import type { FunctionEntry } from "./catalog.js";
import { type ControlContext, functionNotFound, requireEntry, writeLocked } from "./context.js";
import { isVersionNumber, mergeQualifier, parseFunctionRef } from "./names.js";
import { paginate, versionKey } from "./paging.js";
import type { Json, ListFunctionsInput } from "./types.js";
import { type ConfigSource, configurationView, latestSource, versionSource } from "./views.js";
import { validationError } from "./violations.js";

/** What a qualified function name designates. */
export interface Resolved {
  readonly entry: FunctionEntry;
  readonly qualifier?: string | undefined;
  /** The configuration it runs: `$LATEST`, the version, or the alias's primary version. */
  readonly source: ConfigSource;
}

/** The version of `entry` a qualifier names, or undefined. Versions are canonical numbers (`1`, not `01`). */
export function sourceOf(entry: FunctionEntry, qualifier: string | undefined): ConfigSource | undefined {
  if (qualifier === undefined || qualifier === "$LATEST") return latestSource(entry.latest);
  if (isVersionNumber(qualifier)) {
    const v = String(Number(qualifier)) === qualifier ? entry.versions.get(Number(qualifier)) : undefined;
    return v && versionSource(v);
  }
  const alias = entry.aliases.get(qualifier);
  return alias && sourceOf(entry, alias.functionVersion);
}

/** Resolves `name[:qualifier]` plus `?Qualifier=` to an existing function version, or AWS's 404. */
export function resolve(ctx: ControlContext, rawName: string, query?: string): Resolved {
  const ref = parseFunctionRef(rawName, ctx);
  const qualifier = mergeQualifier(ref, query);
  const entry = ctx.catalog.entry(ref.name);
  const source = entry && sourceOf(entry, qualifier);
  if (!entry || !source) throw functionNotFound(ctx, ref.name, qualifier);
  return { entry, qualifier, source };
}

/** GetFunctionConfiguration: unqualified ARN for `$LATEST` asked without qualifier. */
export function getFunctionConfiguration(ctx: ControlContext, rawName: string, query?: string): Json {
  const r = resolve(ctx, rawName, query);
  return configurationView(ctx, r.entry.latest.name, r.source, { arnQualifier: r.qualifier });
}

/** GetFunction: configuration, code location, tags and reserved concurrency. */
export function getFunction(ctx: ControlContext, rawName: string, query?: string): Json {
  const r = resolve(ctx, rawName, query);
  const fn = r.entry.latest;
  const hex = Buffer.from(r.source.config.codeSha256, "base64").toString("hex");
  return {
    Configuration: configurationView(ctx, fn.name, r.source, { arnQualifier: r.qualifier }),
    Code: { RepositoryType: "S3", Location: ctx.codeStore.location(hex) },
    ...(Object.keys(fn.tags).length > 0 && { Tags: { ...fn.tags } }),
    ...(fn.reservedConcurrency !== undefined && {
      Concurrency: { ReservedConcurrentExecutions: fn.reservedConcurrency },
    }),
  };
}

/** ListFunctions: `$LATEST` of each function, or with FunctionVersion=ALL every version (qualified ARNs). */
export function listFunctions(ctx: ControlContext, input: ListFunctionsInput): Json {
  if (input.FunctionVersion !== undefined && input.FunctionVersion !== "ALL") {
    validationError(input.FunctionVersion, "functionVersion", "Member must satisfy enum value set: [ALL]");
  }
  const all = input.FunctionVersion === "ALL";
  const items: { name: string; source: ConfigSource }[] = [];
  for (const entry of ctx.catalog.entries()) {
    const name = entry.latest.name;
    items.push({ name, source: latestSource(entry.latest) });
    if (all) for (const v of entry.versions.values()) items.push({ name, source: versionSource(v) });
  }
  const page = paginate(items, (i) => (all ? `${i.name}\u0000${versionKey(i.source.version)}` : i.name), input);
  return {
    Functions: page.items.map((i) =>
      configurationView(ctx, i.name, i.source, { arnQualifier: all ? i.source.version : undefined, list: true }),
    ),
    ...(page.nextMarker && { NextMarker: page.nextMarker }),
  };
}

/** DeleteFunction: the whole function, or one version (never `$LATEST`, never one an alias uses). */
export async function deleteFunction(ctx: ControlContext, rawName: string, query?: string): Promise<void> {
  const ref = parseFunctionRef(rawName, ctx);
  const qualifier = mergeQualifier(ref, query);
  if (qualifier === "$LATEST") {
    throw new PlatformError(
      "ERR_INVALID_PARAMETER",
      "$LATEST version cannot be deleted without deleting the function.",
    );
  }
  await writeLocked(ctx, ref.name, async () => {
    const entry = requireEntry(ctx, ref.name);
    if (qualifier === undefined) {
      await ctx.store.deleteFunction(ref.name);
      ctx.catalog.remove(ref.name);
      return;
    }
    if (!isVersionNumber(qualifier)) {
      throw new PlatformError("ERR_INVALID_PARAMETER", "Deletion of aliases is not currently supported.");
    }
    const result = await ctx.store.deleteVersion(ref.name, Number(qualifier));
    if (result.kind === "referenced") {
      throw new PlatformError(
        "ERR_RESOURCE_CONFLICT",
        `Unable to delete version because the following aliases reference it: [${result.aliases.join(", ")}]`,
      );
    }
    // A version that does not exist is deleted already: AWS answers 204.
    entry.versions.delete(Number(qualifier));
    entry.eventInvokeConfigs.delete(qualifier);
    ctx.catalog.refresh(ref.name);
  });
}
