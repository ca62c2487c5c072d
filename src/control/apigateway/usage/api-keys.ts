/** API keys: CreateApiKey, GetApiKey(s), UpdateApiKey (PATCH), DeleteApiKey. */
import type { ApiKeyRecord } from "../../../domain/usage-plans.js";
import { badRequest, conflict, notFound } from "../context.js";
import { applyPatch, type PatchField } from "../patch.js";
import type { PatchOperation } from "../types.js";
import { pageOf } from "../validate.js";
import { randomText, requireKey, type UsageContext } from "./context.js";

/** CreateApiKey's input. */
export interface CreateApiKeyInput {
  readonly name?: string | undefined;
  readonly description?: string | undefined;
  readonly enabled?: boolean | undefined;
  readonly generateDistinctId?: boolean | undefined;
  readonly value?: string | undefined;
  readonly stageKeys?: readonly { restApiId?: string | undefined; stageName?: string | undefined }[] | undefined;
  readonly customerId?: string | undefined;
  readonly tags?: Readonly<Record<string, string>> | undefined;
}

/** GetApiKeys' filters and page. */
export interface ApiKeysQuery {
  readonly nameQuery?: string | undefined;
  readonly customerId?: string | undefined;
  readonly limit?: number | undefined;
  readonly position?: string | undefined;
}

const MIN_VALUE = 20;
const GENERATED_VALUE = 40;

/** Creates a key; its value is generated (40 characters) unless given (at least 20). */
export async function createApiKey(ctx: UsageContext, input: CreateApiKeyInput): Promise<ApiKeyRecord> {
  if (input.value !== undefined && input.value.length < MIN_VALUE) {
    throw badRequest(`API Key value should be at least ${MIN_VALUE} characters`);
  }
  const stageKeys: string[] = [];
  for (const s of input.stageKeys ?? [])
    stageKeys.push(await stageKey(ctx, `${s.restApiId ?? ""}/${s.stageName ?? ""}`));
  const now = ctx.clock.now();
  for (;;) {
    const id = randomText(ctx, 10);
    const key: ApiKeyRecord = {
      id,
      value: input.value ?? randomText(ctx, GENERATED_VALUE, true),
      name: input.name ?? id,
      ...(input.description !== undefined && { description: input.description }),
      enabled: input.enabled ?? false,
      ...(input.customerId !== undefined && { customerId: input.customerId }),
      stageKeys,
      tags: input.tags ?? {},
      createdAt: now,
      lastUpdatedAt: now,
    };
    if (await ctx.store.insertApiKey(key)) {
      await ctx.changed();
      return key;
    }
    if (input.value !== undefined && (await ctx.store.listApiKeys()).some((k) => k.value === input.value)) {
      throw conflict("API Key already exists");
    }
  }
}

/** One key. */
export function getApiKey(ctx: UsageContext, id: string): Promise<ApiKeyRecord> {
  return requireKey(ctx, id);
}

/** Keys by creation, filtered by name prefix and customer id, one page at a time. */
export async function getApiKeys(
  ctx: UsageContext,
  q: ApiKeysQuery,
): Promise<{ items: ApiKeyRecord[]; next?: string }> {
  const all = (await ctx.store.listApiKeys()).filter(
    (k) =>
      (q.nameQuery === undefined || k.name.startsWith(q.nameQuery)) &&
      (q.customerId === undefined || k.customerId === q.customerId),
  );
  return pageOf(all, q.position, q.limit ?? 25);
}

const KEY_FIELDS: readonly PatchField<ApiKeyRecord>[] = [
  { path: "/name", ops: ["replace"], apply: (k, _op, { value }) => ({ ...k, name: value ?? "" }) },
  { path: "/description", ops: ["replace"], apply: (k, _op, { value }) => withOptional(k, "description", value) },
  { path: "/customerId", ops: ["replace"], apply: (k, _op, { value }) => withOptional(k, "customerId", value) },
  { path: "/enabled", ops: ["replace"], apply: (k, _op, { value }) => ({ ...k, enabled: parseBool(value) }) },
  {
    path: "/stages",
    ops: ["add", "remove"],
    apply: (k, op, { value }) => {
      const rest = k.stageKeys.filter((s) => s !== value);
      return { ...k, stageKeys: op === "add" && value ? [...rest, value] : rest };
    },
  },
];

/** Applies PATCH operations to a key. */
export async function updateApiKey(
  ctx: UsageContext,
  id: string,
  ops: readonly PatchOperation[],
): Promise<ApiKeyRecord> {
  const key = await requireKey(ctx, id);
  for (const op of ops) if (op.path === "/stages" && op.op === "add") await stageKey(ctx, op.value ?? "");
  const next = { ...applyPatch(key, ops, KEY_FIELDS), lastUpdatedAt: ctx.clock.now() };
  if (!(await ctx.store.updateApiKey(next))) throw notFound("Invalid API Key identifier specified");
  await ctx.changed();
  return next;
}

/** Deletes a key (and takes it out of its plans). */
export async function deleteApiKey(ctx: UsageContext, id: string): Promise<void> {
  if (!(await ctx.store.deleteApiKey(id))) throw notFound("Invalid API Key identifier specified");
  await ctx.changed();
}

/** `restApiId/stageName` of an existing stage, or AWS's errors. */
async function stageKey(ctx: UsageContext, value: string): Promise<string> {
  const [apiId = "", stage = ""] = value.split("/");
  const api = await ctx.apis.getApi(apiId);
  if (!api || api.protocol !== "REST") throw badRequest(`Invalid REST API identifier specified`);
  if (!(await ctx.apis.getStage(apiId, stage))) throw badRequest(`Invalid stage identifier specified`);
  return `${apiId}/${stage}`;
}

function parseBool(value: string | undefined): boolean {
  if (value === "true") return true;
  if (value === "false") return false;
  throw badRequest(`Invalid value for enabled: ${value ?? ""}`);
}

function withOptional<K extends "description" | "customerId">(
  k: ApiKeyRecord,
  field: K,
  value: string | undefined,
): ApiKeyRecord {
  const out: Record<string, unknown> = { ...k };
  if (value === undefined || value === "") delete out[field];
  else out[field] = value;
  return out as unknown as ApiKeyRecord;
}
