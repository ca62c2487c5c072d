import type { EventInvokeConfigRecord } from "../ports/store.js";
import { PlatformError } from "../shared/errors.js";
import { functionArn } from "./arn.js";
import type { FunctionEntry } from "./catalog.js";
import type { ControlContext } from "./context.js";
import { isVersionNumber, mergeQualifier, parseFunctionRef } from "./names.js";
import { paginate } from "./paging.js";
import type { EventInvokeConfigInput, Json, PageInput } from "./types.js";
import { eventInvokeConfigView } from "./views.js";
import { Violations } from "./violations.js";
import { writeLocked } from "./context.js";

const DESTINATION_RE =
  /^$|^arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9-])+:([a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\d{1})?:(\d{12})?:(.*)$/;
const DESTINATION_PATTERN =
  "^$|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\\-])+:([a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\\d{1})?:(\\d{12})?:(.*)";
const noFunction = () => new PlatformError("ERR_RESOURCE_NOT_FOUND", "The function doesn't exist.");

function noConfig(ctx: ControlContext, fn: string, qualifier: string): PlatformError {
  return new PlatformError(
    "ERR_RESOURCE_NOT_FOUND",
    `The function ${functionArn(ctx, fn, qualifier)} doesn't have an EventInvokeConfig`,
  );
}

function hasQualifier(entry: FunctionEntry, q: string): boolean {
  if (q === "$LATEST") return true;
  return isVersionNumber(q) ? entry.versions.has(Number(q)) : entry.aliases.has(q);
}

function checkFields(input: EventInvokeConfigInput): void {
  const v = new Violations();
  v.range(input.MaximumRetryAttempts, "maximumRetryAttempts", 0, 2);
  v.range(input.MaximumEventAgeInSeconds, "maximumEventAgeInSeconds", 60, 21600);
  v.pattern(
    input.DestinationConfig?.OnSuccess?.Destination,
    "destinationConfig.onSuccess.destination",
    DESTINATION_RE,
    DESTINATION_PATTERN,
  );
  v.pattern(
    input.DestinationConfig?.OnFailure?.Destination,
    "destinationConfig.onFailure.destination",
    DESTINATION_RE,
    DESTINATION_PATTERN,
  );
  v.throwIfAny();
  if (
    input.MaximumRetryAttempts === undefined &&
    input.MaximumEventAgeInSeconds === undefined &&
    input.DestinationConfig === undefined
  ) {
    throw new PlatformError(
      "ERR_INVALID_PARAMETER",
      "You must specify at least one of error handling or destination setting.",
    );
  }
}

/**
 * Destinations on AWS may be SQS, SNS, EventBridge, S3 or another existing function; haneul
 * delivers to queues, topics and functions, and refuses the others with AWS's error rather than accept
 * a destination it would never deliver to.
 */
function checkDestinations(ctx: ControlContext, fn: string, onSuccess?: string, onFailure?: string): void {
  let supported = true;
  for (const arn of [onSuccess, onFailure]) {
    if (!arn) continue;
    const parts = arn.split(":");
    const service = parts[2];
    if (service === "lambda") {
      const target = parts[6] ?? "";
      if (target === fn)
        throw new PlatformError("ERR_INVALID_PARAMETER", "You can't specify the function as a destination for itself.");
      if (parts[5] !== "function" || !ctx.catalog.entry(target)) {
        throw new PlatformError("ERR_INVALID_PARAMETER", `The destination ARN ${arn} is invalid.`);
      }
    } else if (service !== "sqs" && service !== "sns") supported = false;
  }
  if (!supported) {
    const s = onSuccess ? `OnSuccess(destination=${onSuccess})` : "null";
    const f = onFailure ? `OnFailure(destination=${onFailure})` : "null";
    throw new PlatformError(
      "ERR_INVALID_PARAMETER",
      `The provided destination config DestinationConfig(onSuccess=${s}, onFailure=${f}) is invalid.`,
    );
  }
}

/** PutFunctionEventInvokeConfig (replace) and UpdateFunctionEventInvokeConfig (merge). */
export async function putEventInvokeConfig(
  ctx: ControlContext,
  call: { rawName: string; query?: string | undefined; input: EventInvokeConfigInput; merge: boolean },
): Promise<Json> {
  const ref = parseFunctionRef(call.rawName, ctx);
  const qualifier = mergeQualifier(ref, call.query);
  const input = call.input;
  checkFields(input);
  return writeLocked(ctx, ref.name, async () => {
    const entry = ctx.catalog.entry(ref.name);
    if (!entry || (qualifier !== undefined && !hasQualifier(entry, qualifier))) throw noFunction();
    const q = qualifier ?? "$LATEST";
    const base = call.merge ? entry.eventInvokeConfigs.get(q) : undefined;
    if (call.merge && !base) throw noConfig(ctx, ref.name, q);
    const dc = input.DestinationConfig;
    const record: EventInvokeConfigRecord = {
      functionName: ref.name,
      qualifier: q,
      maximumRetryAttempts: input.MaximumRetryAttempts ?? base?.maximumRetryAttempts,
      maximumEventAgeInSeconds: input.MaximumEventAgeInSeconds ?? base?.maximumEventAgeInSeconds,
      onSuccess: dc ? dc.OnSuccess?.Destination || undefined : base?.onSuccess,
      onFailure: dc ? dc.OnFailure?.Destination || undefined : base?.onFailure,
      lastModified: ctx.clock.now(),
    };
    checkDestinations(ctx, ref.name, record.onSuccess, record.onFailure);
    await ctx.store.putEventInvokeConfig(record);
    entry.eventInvokeConfigs.set(q, record);
    return eventInvokeConfigView(ctx, record);
  });
}

function lookup(
  ctx: ControlContext,
  rawName: string,
  query?: string,
): { entry: FunctionEntry; q: string; config: EventInvokeConfigRecord } {
  const ref = parseFunctionRef(rawName, ctx);
  const q = mergeQualifier(ref, query) ?? "$LATEST";
  const entry = ctx.catalog.entry(ref.name);
  const config = entry?.eventInvokeConfigs.get(q);
  if (!entry || !config) throw noConfig(ctx, ref.name, q);
  return { entry, q, config };
}

/** GetFunctionEventInvokeConfig. */
export function getEventInvokeConfig(ctx: ControlContext, rawName: string, query?: string): Json {
  return eventInvokeConfigView(ctx, lookup(ctx, rawName, query).config);
}

/** DeleteFunctionEventInvokeConfig. */
export async function deleteEventInvokeConfig(ctx: ControlContext, rawName: string, query?: string): Promise<void> {
  const { entry, q } = lookup(ctx, rawName, query);
  const fn = entry.latest.name;
  await writeLocked(ctx, fn, async () => {
    await ctx.store.deleteEventInvokeConfig(fn, q);
    entry.eventInvokeConfigs.delete(q);
  });
}

/** ListFunctionEventInvokeConfigs: `$LATEST`, then versions, then aliases. */
export function listEventInvokeConfigs(ctx: ControlContext, rawName: string, input: PageInput): Json {
  const ref = parseFunctionRef(rawName, ctx);
  const entry = ctx.catalog.entry(ref.name);
  if (!entry) throw noFunction();
  const key = (c: EventInvokeConfigRecord) =>
    c.qualifier === "$LATEST"
      ? "0"
      : isVersionNumber(c.qualifier)
        ? `1${c.qualifier.padStart(12, "0")}`
        : `2${c.qualifier}`;
  const page = paginate([...entry.eventInvokeConfigs.values()], key, input, 50);
  return {
    FunctionEventInvokeConfigs: page.items.map((c) => eventInvokeConfigView(ctx, c)),
    ...(page.nextMarker && { NextMarker: page.nextMarker }),
  };
}

/** The configuration the version behind `qualifier` runs with (an alias's primary version). */
function configOf(entry: FunctionEntry, q: string) {
  const alias = entry.aliases.get(q);
  const version = isVersionNumber(q) ? q : alias?.functionVersion;
  if (version === undefined || version === "$LATEST") return entry.latest.config;
  return entry.versions.get(Number(version))?.config;
}

/**
 * What the async runner needs of `name[:qualifier]`: its event-invoke config (of exactly that
 * qualifier, as on AWS), dead-letter target and reserved concurrency; undefined when it is gone.
 */
export function asyncSettings(ctx: ControlContext, name: string, qualifier: string | undefined) {
  const entry = ctx.catalog.entry(name);
  const q = qualifier ?? "$LATEST";
  if (!entry || !hasQualifier(entry, q)) return undefined;
  const config = entry.eventInvokeConfigs.get(q);
  return {
    maximumRetryAttempts: config?.maximumRetryAttempts,
    maximumEventAgeInSeconds: config?.maximumEventAgeInSeconds,
    onSuccess: config?.onSuccess,
    onFailure: config?.onFailure,
    deadLetterTargetArn: configOf(entry, q)?.deadLetterTargetArn,
    role: configOf(entry, q)?.role,
    reservedConcurrency: entry.latest.reservedConcurrency,
    recursiveLoop: entry.latest.recursiveLoop,
    functionArn: functionArn(ctx, name, q),
  };
}
