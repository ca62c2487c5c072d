import type { ApiModel, ApiRecord, ApiStore, ApiWriteResult } from "../../ports/api-store.js";
import type { Clock } from "../../shared/clock.js";
import { PlatformError } from "../../shared/errors.js";
import type { IdSource } from "../../shared/ids.js";
import type { ArnScope } from "../arn.js";
import type { KeyedLock } from "../keyed-lock.js";

/** What every API Gateway operation works with. */
export interface ApiGatewayContext extends ArnScope {
  readonly store: ApiStore;
  readonly clock: Clock;
  readonly ids: IdSource;
  /** Serializes writes per API within this node (so recompiles publish in write order). */
  readonly lock: KeyedLock;
  /** Whether a CloudWatch Logs group exists (an access log destination must). */
  logGroupExists(name: string): Promise<boolean>;
  /** Recompiles one API after a change and hands every API to the gateway. */
  changed(apiId: string): Promise<void>;
}

/** `NotFoundException` (404). */
export function notFound(message: string, fields: Record<string, unknown> = {}): PlatformError {
  return new PlatformError("ERR_NOT_FOUND", message, fields);
}

/** `BadRequestException` (400). */
export function badRequest(message: string): PlatformError {
  return new PlatformError("ERR_BAD_REQUEST", message);
}

/** `ConflictException` (409). */
export function conflict(message: string): PlatformError {
  return new PlatformError("ERR_CONFLICT", message);
}

/** AWS's answer for an unknown API id, v1 and v2 alike: `Invalid API identifier specified {account}:{id}`. */
export function apiNotFound(ctx: ArnScope, apiId: string): PlatformError {
  return notFound(`Invalid API identifier specified ${ctx.accountId}:${apiId}`, { resourceType: "Api" });
}

/** The API `apiId` of `protocol`, or AWS's not-found error (an API of the other protocol is not found either). */
export async function requireApi(
  ctx: ApiGatewayContext,
  apiId: string,
  protocol: ApiRecord["protocol"],
): Promise<ApiRecord> {
  const api = await ctx.store.getApi(apiId);
  if (!api || api.protocol !== protocol) throw apiNotFound(ctx, apiId);
  return api;
}

/** The whole model of the API `apiId` of `protocol`, or AWS's not-found error. */
export async function requireModel(
  ctx: ApiGatewayContext,
  apiId: string,
  protocol: ApiRecord["protocol"],
): Promise<ApiModel> {
  const model = await ctx.store.loadModel(apiId);
  if (!model || model.api.protocol !== protocol) throw apiNotFound(ctx, apiId);
  return model;
}

/** Runs a write on `apiId` under its lock, then recompiles and publishes it. */
export async function mutate<T>(ctx: ApiGatewayContext, apiId: string, write: () => Promise<T>): Promise<T> {
  return ctx.lock.run(apiId, async () => {
    const result = await write();
    await ctx.changed(apiId);
    return result;
  });
}

/** `mutate` for a write to one existing API of `protocol`: not found unless it exists. */
export function mutateApi<T>(
  ctx: ApiGatewayContext,
  apiId: string,
  protocol: ApiRecord["protocol"],
  write: (api: ApiRecord) => Promise<T>,
): Promise<T> {
  return mutate(ctx, apiId, async () => write(await requireApi(ctx, apiId, protocol)));
}

/** A write refused because the API vanished under it (deleted by another node) is a not-found. */
export function checkWrite(
  ctx: ArnScope,
  apiId: string,
  result: ApiWriteResult,
  onConflict: () => PlatformError,
): void {
  if (result === "missing-parent") throw apiNotFound(ctx, apiId);
  if (result === "conflict") throw onConflict();
}

const ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyz0123456789";

/** An id of `length` lower-case letters and digits, like AWS's (API ids 10, route ids 7, deployment ids 6). */
export function newId(ctx: ApiGatewayContext, length: number): string {
  const hex = ctx.ids.hex(length * 2);
  let id = "";
  for (let i = 0; i < length; i++) id += ALPHANUMERIC[parseInt(hex.slice(i * 2, i * 2 + 2), 16) % 36];
  return id;
}

/** A fresh id not in `taken`. */
export function freshId(ctx: ApiGatewayContext, length: number, taken: Iterable<string>): string {
  const used = new Set(taken);
  for (;;) {
    const id = newId(ctx, length);
    if (!used.has(id)) return id;
  }
}

/** `o` without the members `keys`. */
export function without<T extends object, K extends keyof T>(o: T, ...keys: K[]): Omit<T, K> {
  const out: Record<string, unknown> = { ...(o as Record<string, unknown>) };
  for (const k of keys) delete out[k as string];
  return out as Omit<T, K>;
}

/** `o` without its undefined members (records keep optional fields absent, as stores return them). */
export function optional<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as { [K in keyof T]?: Exclude<T[K], undefined> };
}
