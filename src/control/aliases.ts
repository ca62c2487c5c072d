import type { AliasRecord, AliasWriteResult } from "../ports/store.js";
import { PlatformError } from "../shared/errors.js";
import { functionArn } from "./arn.js";
import type { FunctionEntry } from "./catalog.js";
import {
  type ControlContext,
  checkRevision,
  functionNotFound,
  newRevision,
  requireEntry,
  revisionMismatch,
  writeLocked,
} from "./context.js";
import { checkAliasName, parseFunctionRef } from "./names.js";
import { paginate } from "./paging.js";
import type { CreateAliasInput, Json, ListAliasesInput, RoutingConfigInput, UpdateAliasInput } from "./types.js";
import { aliasView } from "./views.js";
import { Violations } from "./violations.js";

const VERSION_RE = /^(\$LATEST|[0-9]+)$/;

/** Java prints doubles with a fraction: AWS's messages show `{2=2.0}`. */
function javaDouble(n: unknown): string {
  return typeof n === "number" && Number.isInteger(n) ? n.toFixed(1) : String(n);
}

function checkAliasFields(
  input: { FunctionVersion?: string | undefined; Description?: string | undefined },
  create: boolean,
): void {
  const v = new Violations();
  if (create) v.required(input.FunctionVersion, "functionVersion");
  v.maxLength(input.FunctionVersion, "functionVersion", 1024);
  v.pattern(input.FunctionVersion, "functionVersion", VERSION_RE, "(\\$LATEST|[0-9]+)");
  v.maxLength(input.Description, "description", 256);
  v.throwIfAny();
}

/** The version must be `$LATEST` or a published version of the function. */
function requireVersion(ctx: ControlContext, entry: FunctionEntry, version: string): void {
  if (version !== "$LATEST" && !entry.versions.has(Number(version)))
    throw functionNotFound(ctx, entry.latest.name, version);
}

/** Checks RoutingConfig against AWS's rules; returns the extra version or undefined. */
function routing(
  ctx: ControlContext,
  entry: FunctionEntry,
  rc: RoutingConfigInput | undefined,
  primary: string,
): AliasRecord["additionalVersion"] {
  const weights = rc?.AdditionalVersionWeights ?? {};
  const keys = Object.keys(weights);
  if (keys.length === 0) return undefined;
  if (keys.length > 1) {
    throw new PlatformError(
      "ERR_INVALID_PARAMETER",
      "Number of items in AdditionalVersionWeights cannot be greater than 1",
    );
  }
  const key = keys[0] as string;
  const weight = weights[key];
  const shown = `{${key}=${javaDouble(weight)}}`;
  const v = new Violations();
  if (typeof weight !== "number" || !(weight >= 0 && weight <= 1)) {
    v.add(
      shown,
      "routingConfig.additionalVersionWeights",
      "Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0, Member must not be null]",
    );
  }
  v.throwIfAny();
  if (key === primary) {
    throw new PlatformError(
      "ERR_INVALID_PARAMETER",
      `Invalid function version ${primary}. Function version ${primary} is already included in routing configuration.`,
    );
  }
  if (primary === "$LATEST") {
    throw new PlatformError(
      "ERR_INVALID_PARAMETER",
      "$LATEST is not supported for an alias pointing to more than 1 version",
    );
  }
  if (!/^[0-9]+$/.test(key)) {
    v.add(
      shown,
      "routingConfig.additionalVersionWeights",
      "Map keys must satisfy constraint: [Member must have length less than or equal to 1024, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [0-9]+, Member must not be null]",
    );
    v.throwIfAny();
  }
  requireVersion(ctx, entry, key);
  return { version: key, weight: weight as number };
}

function writeError(
  ctx: ControlContext,
  fn: string,
  result: AliasWriteResult,
  aliasArn: string,
): PlatformError | undefined {
  switch (result.kind) {
    case "ok":
      return undefined;
    case "exists":
      return new PlatformError("ERR_RESOURCE_CONFLICT", `Alias already exists: ${aliasArn}`);
    case "conflict":
      return revisionMismatch();
    case "not-found":
      return functionNotFound(ctx, fn);
    case "missing-version":
      return functionNotFound(ctx, fn, result.version);
  }
}

/** CreateAlias. */
export async function createAlias(ctx: ControlContext, rawName: string, input: CreateAliasInput): Promise<Json> {
  const { name: fn } = parseFunctionRef(rawName, ctx);
  const name = checkAliasName(input.Name);
  checkAliasFields(input, true);
  const version = input.FunctionVersion as string;
  return writeLocked(ctx, fn, async () => {
    const entry = ctx.catalog.entry(fn);
    if (!entry) throw functionNotFound(ctx, fn, version);
    requireVersion(ctx, entry, version);
    const arn = functionArn(ctx, fn, name);
    if (entry.aliases.has(name)) throw new PlatformError("ERR_RESOURCE_CONFLICT", `Alias already exists: ${arn}`);
    const record: AliasRecord = {
      functionName: fn,
      name,
      functionVersion: version,
      description: input.Description ?? "",
      additionalVersion: routing(ctx, entry, input.RoutingConfig, version),
      revisionId: newRevision(ctx),
    };
    const error = writeError(ctx, fn, await ctx.store.insertAlias(record), arn);
    if (error) throw error;
    entry.aliases.set(name, record);
    ctx.catalog.refresh(fn);
    return aliasView(ctx, record);
  });
}

/** GetAlias. */
export function getAlias(ctx: ControlContext, rawName: string, aliasName: string): Json {
  const { name: fn } = parseFunctionRef(rawName, ctx);
  const name = checkAliasName(aliasName);
  const alias = requireEntry(ctx, fn).aliases.get(name);
  if (!alias) throw new PlatformError("ERR_RESOURCE_NOT_FOUND", `Cannot find alias arn: ${functionArn(ctx, fn, name)}`);
  return aliasView(ctx, alias);
}

/** UpdateAlias: given fields change; RoutingConfig without weights removes the extra version. */
export async function updateAlias(
  ctx: ControlContext,
  rawName: string,
  aliasName: string,
  input: UpdateAliasInput,
): Promise<Json> {
  const { name: fn } = parseFunctionRef(rawName, ctx);
  const name = checkAliasName(aliasName);
  checkAliasFields(input, false);
  return writeLocked(ctx, fn, async () => {
    const entry = requireEntry(ctx, fn);
    const arn = functionArn(ctx, fn, name);
    const alias = entry.aliases.get(name);
    if (!alias) throw new PlatformError("ERR_RESOURCE_NOT_FOUND", `Alias not found: ${arn}`);
    checkRevision(input.RevisionId, alias.revisionId);
    const version = input.FunctionVersion ?? alias.functionVersion;
    requireVersion(ctx, entry, version);
    const extra = alias.additionalVersion;
    const rc = input.RoutingConfig ?? (extra && { AdditionalVersionWeights: { [extra.version]: extra.weight } });
    const record: AliasRecord = {
      ...alias,
      functionVersion: version,
      description: input.Description ?? alias.description,
      additionalVersion: routing(ctx, entry, rc, version),
      revisionId: newRevision(ctx),
    };
    const error = writeError(ctx, fn, await ctx.store.updateAlias(record, alias.revisionId), arn);
    if (error) throw error;
    entry.aliases.set(name, record);
    ctx.catalog.refresh(fn);
    return aliasView(ctx, record);
  });
}

/** DeleteAlias: deleting an alias that does not exist succeeds, as on AWS. */
export async function deleteAlias(ctx: ControlContext, rawName: string, aliasName: string): Promise<void> {
  const { name: fn } = parseFunctionRef(rawName, ctx);
  const name = checkAliasName(aliasName);
  await writeLocked(ctx, fn, async () => {
    const entry = requireEntry(ctx, fn);
    await ctx.store.deleteAlias(fn, name);
    entry.aliases.delete(name);
    entry.eventInvokeConfigs.delete(name);
    ctx.catalog.refresh(fn);
  });
}

/** ListAliases, optionally only those whose primary version is FunctionVersion. */
export function listAliases(ctx: ControlContext, rawName: string, input: ListAliasesInput): Json {
  const { name: fn } = parseFunctionRef(rawName, ctx);
  checkAliasFields({ FunctionVersion: input.FunctionVersion }, false);
  const entry = requireEntry(ctx, fn);
  const all = [...entry.aliases.values()].filter(
    (a) => input.FunctionVersion === undefined || a.functionVersion === input.FunctionVersion,
  );
  const page = paginate(all, (a) => a.name, input);
  return { Aliases: page.items.map((a) => aliasView(ctx, a)), ...(page.nextMarker && { NextMarker: page.nextMarker }) };
}
