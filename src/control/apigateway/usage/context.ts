import type { ApiKeyRecord, UsagePlanRecord } from "../../../domain/usage-plans.js";
import type { ApiStore } from "../../../ports/api-store.js";
import type { UsagePlanStore } from "../../../ports/usage-plan-store.js";
import type { Clock } from "../../../shared/clock.js";
import type { IdSource } from "../../../shared/ids.js";
import { notFound } from "../context.js";

/** What the API key and usage plan operations work with. */
export interface UsageContext {
  readonly store: UsagePlanStore;
  /** To check that the stages a plan names exist. */
  readonly apis: ApiStore;
  readonly clock: Clock;
  readonly ids: IdSource;
  /** Re-reads keys and plans and hands them to the gateway (and the other nodes) after a change. */
  changed(): Promise<void>;
}

/** The key `id`, or AWS's not-found error. */
export async function requireKey(ctx: UsageContext, id: string): Promise<ApiKeyRecord> {
  const key = await ctx.store.getApiKey(id);
  if (!key) throw notFound("Invalid API Key identifier specified");
  return key;
}

/** The plan `id`, or AWS's not-found error. */
export async function requirePlan(ctx: UsageContext, id: string): Promise<UsagePlanRecord> {
  const plan = await ctx.store.getUsagePlan(id);
  if (!plan) throw notFound("Invalid Usage Plan ID specified");
  return plan;
}

const ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyz0123456789";
const MIXED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** `length` characters drawn from `alphabet` (lower-case ids, or mixed-case key values). */
export function randomText(ctx: UsageContext, length: number, mixed = false): string {
  const alphabet = mixed ? MIXED : ALPHANUMERIC;
  const hex = ctx.ids.hex(length * 2);
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[parseInt(hex.slice(i * 2, i * 2 + 2), 16) % alphabet.length];
  return out;
}
