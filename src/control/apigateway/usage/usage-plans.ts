/** Usage plans and their keys: Create/Get/Update/Delete UsagePlan(s), Create/Get/Delete UsagePlanKey(s). */
import type {
  ApiKeyRecord,
  PlanApiStage,
  QuotaPeriod,
  QuotaSettings,
  ThrottleSettings,
  UsagePlanRecord,
} from "../../../domain/usage-plans.js";
import { badRequest, conflict, notFound } from "../context.js";
import { applyPatch, type PatchField } from "../patch.js";
import type { PatchOperation } from "../types.js";
import { pageOf } from "../validate.js";
import { randomText, requireKey, requirePlan, type UsageContext } from "./context.js";

/** CreateUsagePlan's input. */
export interface CreateUsagePlanInput {
  readonly name: string;
  readonly description?: string | undefined;
  readonly apiStages?: readonly PlanApiStage[] | undefined;
  readonly throttle?: ThrottleSettings | undefined;
  readonly quota?: { limit?: number | undefined; period?: string | undefined; offset?: number | undefined } | undefined;
  readonly tags?: Readonly<Record<string, string>> | undefined;
}

const PERIODS: readonly QuotaPeriod[] = ["DAY", "WEEK", "MONTH"];

/** Creates a plan over existing stages. */
export async function createUsagePlan(ctx: UsageContext, input: CreateUsagePlanInput): Promise<UsagePlanRecord> {
  const apiStages = input.apiStages ?? [];
  for (const s of apiStages) await checkStage(ctx, s);
  const quota = input.quota && checkQuota(input.quota);
  if (input.throttle) checkThrottle(input.throttle);
  for (const s of apiStages) for (const t of Object.values(s.throttle ?? {})) checkThrottle(t);
  for (;;) {
    const plan: UsagePlanRecord = {
      id: randomText(ctx, 6),
      name: input.name,
      ...(input.description !== undefined && { description: input.description }),
      apiStages,
      ...(input.throttle && { throttle: input.throttle }),
      ...(quota && { quota }),
      tags: input.tags ?? {},
    };
    if (await ctx.store.insertUsagePlan(plan)) {
      await ctx.changed();
      return plan;
    }
  }
}

/** One plan. */
export function getUsagePlan(ctx: UsageContext, id: string): Promise<UsagePlanRecord> {
  return requirePlan(ctx, id);
}

/** Plans by id (those holding `keyId` when given), one page at a time. */
export async function getUsagePlans(
  ctx: UsageContext,
  q: { keyId?: string | undefined; limit?: number | undefined; position?: string | undefined },
): Promise<{ items: UsagePlanRecord[]; next?: string }> {
  let plans = await ctx.store.listUsagePlans();
  if (q.keyId !== undefined) {
    const holding = new Set((await ctx.store.listPlanKeys()).filter((k) => k.keyId === q.keyId).map((k) => k.planId));
    plans = plans.filter((p) => holding.has(p.id));
  }
  return pageOf(plans, q.position, q.limit ?? 25);
}

const num = (value: string | undefined, what: string): number => {
  const n = Number(value);
  if (value === undefined || value === "" || !Number.isFinite(n) || n < 0)
    throw badRequest(`Invalid ${what}: ${value}`);
  return n;
};

const quotaOf = (p: UsagePlanRecord): QuotaSettings => p.quota ?? { limit: 0, period: "DAY", offset: 0 };

const PLAN_FIELDS: readonly PatchField<UsagePlanRecord>[] = [
  { path: "/name", ops: ["replace"], apply: (p, _op, { value }) => ({ ...p, name: value ?? "" }) },
  { path: "/description", ops: ["replace"], apply: (p, _op, { value }) => ({ ...p, description: value }) },
  { path: "/productCode", ops: ["replace"], apply: (p, _op, { value }) => ({ ...p, productCode: value }) },
  {
    path: "/throttle/rateLimit",
    ops: ["replace"],
    apply: (p, _op, { value }) => ({ ...p, throttle: { ...p.throttle, rateLimit: num(value, "rate limit") } }),
  },
  {
    path: "/throttle/burstLimit",
    ops: ["replace"],
    apply: (p, _op, { value }) => ({ ...p, throttle: { ...p.throttle, burstLimit: num(value, "burst limit") } }),
  },
  { path: "/throttle", ops: ["remove"], apply: (p) => ({ ...p, throttle: undefined }) },
  {
    path: "/quota/limit",
    ops: ["replace"],
    apply: (p, _op, { value }) => ({ ...p, quota: { ...quotaOf(p), limit: Math.floor(num(value, "quota limit")) } }),
  },
  {
    path: "/quota/period",
    ops: ["replace"],
    apply: (p, _op, { value }) => ({ ...p, quota: checkQuota({ ...quotaOf(p), period: value }) }),
  },
  {
    path: "/quota/offset",
    ops: ["replace"],
    apply: (p, _op, { value }) => ({ ...p, quota: checkQuota({ ...quotaOf(p), offset: num(value, "quota offset") }) }),
  },
  { path: "/quota", ops: ["remove"], apply: (p) => ({ ...p, quota: undefined }) },
  {
    path: "/apiStages",
    ops: ["add", "remove"],
    apply: (p, op, { value }) => {
      const [apiId = "", stage = ""] = (value ?? "").split(":");
      const rest = p.apiStages.filter((s) => s.apiId !== apiId || s.stage !== stage);
      if (op === "remove" && rest.length === p.apiStages.length) throw notFound("Invalid API stage specified");
      return { ...p, apiStages: op === "add" ? [...rest, { apiId, stage }] : rest };
    },
  },
];

/** Applies PATCH operations to a plan. */
export async function updateUsagePlan(
  ctx: UsageContext,
  id: string,
  ops: readonly PatchOperation[],
): Promise<UsagePlanRecord> {
  const plan = await requirePlan(ctx, id);
  const next = applyPatch(plan, ops, PLAN_FIELDS);
  for (const s of next.apiStages) if (!plan.apiStages.includes(s)) await checkStage(ctx, s);
  if (!(await ctx.store.updateUsagePlan(next))) throw notFound("Invalid Usage Plan ID specified");
  await ctx.changed();
  return next;
}

/** Deletes a plan (AWS refuses while it still covers stages). */
export async function deleteUsagePlan(ctx: UsageContext, id: string): Promise<void> {
  const plan = await requirePlan(ctx, id);
  if (plan.apiStages.length > 0) {
    throw badRequest("Cannot delete Usage Plan " + id + " because there are API Stages associated with it");
  }
  await ctx.store.deleteUsagePlan(id);
  await ctx.changed();
}

/** Adds a key to a plan; a key may be in one plan per stage only. */
export async function createUsagePlanKey(
  ctx: UsageContext,
  planId: string,
  input: { keyId: string; keyType: string },
): Promise<ApiKeyRecord> {
  if (input.keyType !== "API_KEY") throw badRequest("Invalid key type specified. Must be one of [API_KEY]");
  const plan = await requirePlan(ctx, planId);
  const key = await requireKey(ctx, input.keyId);
  const plans = new Map((await ctx.store.listUsagePlans()).map((p) => [p.id, p]));
  for (const pk of await ctx.store.listPlanKeys()) {
    const other = plans.get(pk.planId);
    if (pk.keyId !== key.id || !other || other.id === plan.id) continue;
    const shared = other.apiStages.find((s) => plan.apiStages.some((t) => t.apiId === s.apiId && t.stage === s.stage));
    if (shared) {
      throw conflict(
        `Usage Plan ${plan.id} cannot be added because API Key ${key.id} cannot reference multiple Usage Plans with the same API Stage: ${shared.apiId}:${shared.stage}`,
      );
    }
  }
  const result = await ctx.store.addPlanKey({ planId, keyId: key.id });
  if (result === "conflict") throw conflict("Usage Plan Key already exists");
  if (result === "missing-plan") throw notFound("Invalid Usage Plan ID specified");
  if (result === "missing-key") throw notFound("Invalid API Key identifier specified");
  await ctx.changed();
  return key;
}

/** The keys of a plan (name prefix filter), one page at a time. */
export async function getUsagePlanKeys(
  ctx: UsageContext,
  planId: string,
  q: { nameQuery?: string | undefined; limit?: number | undefined; position?: string | undefined },
): Promise<{ items: ApiKeyRecord[]; next?: string }> {
  await requirePlan(ctx, planId);
  const ids = new Set((await ctx.store.listPlanKeys(planId)).map((k) => k.keyId));
  const keys = (await ctx.store.listApiKeys()).filter(
    (k) => ids.has(k.id) && (q.nameQuery === undefined || k.name.startsWith(q.nameQuery)),
  );
  return pageOf(keys, q.position, q.limit ?? 25);
}

/** One key of a plan. */
export async function getUsagePlanKey(ctx: UsageContext, planId: string, keyId: string): Promise<ApiKeyRecord> {
  await requirePlan(ctx, planId);
  const inPlan = (await ctx.store.listPlanKeys(planId)).some((k) => k.keyId === keyId);
  if (!inPlan) throw notFound("Invalid Usage Plan Key identifier specified");
  return requireKey(ctx, keyId);
}

/** Takes a key out of a plan. */
export async function deleteUsagePlanKey(ctx: UsageContext, planId: string, keyId: string): Promise<void> {
  await requirePlan(ctx, planId);
  if (!(await ctx.store.deletePlanKey({ planId, keyId }))) {
    throw notFound("Invalid Usage Plan Key identifier specified");
  }
  await ctx.changed();
}

async function checkStage(ctx: UsageContext, s: PlanApiStage): Promise<void> {
  const api = await ctx.apis.getApi(s.apiId);
  if (!api || api.protocol !== "REST") throw notFound(`Invalid API identifier specified ${s.apiId}`);
  if (!(await ctx.apis.getStage(s.apiId, s.stage))) {
    throw notFound(`Invalid stage identifier specified ${s.apiId}:${s.stage}`);
  }
  for (const key of Object.keys(s.throttle ?? {})) {
    if (!/^\/.*\/[A-Z*]+$/.test(key)) throw badRequest(`Invalid method throttle key specified: ${key}`);
  }
}

function checkThrottle(t: ThrottleSettings): void {
  if (t.rateLimit !== undefined && !(t.rateLimit >= 0)) throw badRequest("Invalid rate limit specified");
  if (t.burstLimit !== undefined && !(Number.isInteger(t.burstLimit) && t.burstLimit >= 0)) {
    throw badRequest("Invalid burst limit specified");
  }
}

function checkQuota(q: { limit?: number | undefined; period?: string | undefined; offset?: number | undefined }) {
  const period = q.period as QuotaPeriod;
  if (!PERIODS.includes(period)) throw badRequest(`Invalid quota period specified. Must be one of [DAY, WEEK, MONTH]`);
  const limit = q.limit ?? 0;
  if (!Number.isInteger(limit) || limit < 0) throw badRequest("Invalid quota limit specified");
  const offset = q.offset ?? 0;
  const maxOffset = period === "DAY" ? 0 : period === "WEEK" ? 6 : 27;
  if (!Number.isInteger(offset) || offset < 0 || offset > maxOffset) {
    throw badRequest(`Quota offset must be between 0 and ${maxOffset} for period ${period}`);
  }
  return { limit, period, offset } satisfies QuotaSettings;
}
