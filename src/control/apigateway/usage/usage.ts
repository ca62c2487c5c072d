/** GetUsage (each key's requests per day, with the quota left) and UpdateUsage (`/remaining`). */
import { dayOf, quotaWindow } from "../../../domain/usage-plans.js";
import { badRequest, notFound } from "../context.js";
import type { PatchOperation } from "../types.js";
import { pageOf } from "../validate.js";
import { requirePlan, type UsageContext } from "./context.js";

/** GetUsage's answer: per key, one `[used, remaining]` pair per day from start to end. */
export interface UsageReport {
  readonly usagePlanId: string;
  readonly startDate: string;
  readonly endDate: string;
  readonly items: Record<string, [number, number][]>;
  readonly next?: string | undefined;
}

const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Usage of a plan's keys (or one key) per day; `remaining` is the key's quota left after that day. */
export async function getUsage(
  ctx: UsageContext,
  planId: string,
  q: {
    startDate: string | undefined;
    endDate: string | undefined;
    keyId?: string | undefined;
    limit?: number | undefined;
    position?: string | undefined;
  },
): Promise<UsageReport> {
  if (!q.startDate || !DATE.test(q.startDate)) throw badRequest("Invalid start date specified");
  if (!q.endDate || !DATE.test(q.endDate)) throw badRequest("Invalid end date specified");
  if (q.endDate < q.startDate) throw badRequest("The end date must not be before the start date");
  const plan = await requirePlan(ctx, planId);
  const keys = (await ctx.store.listPlanKeys(planId)).map((k) => k.keyId);
  if (q.keyId !== undefined && !keys.includes(q.keyId)) throw notFound("Invalid Key identifier specified");
  const page = pageOf(q.keyId !== undefined ? [q.keyId] : keys, q.position, q.limit ?? 25);
  const start = Date.parse(`${q.startDate}T00:00:00Z`);
  const end = Date.parse(`${q.endDate}T00:00:00Z`);
  // Counted from the start of the first day's quota period, so that `remaining` is right on day one.
  const from = plan.quota ? quotaWindow(plan.quota, start).from : q.startDate;
  const items: Record<string, [number, number][]> = {};
  for (const keyId of page.items) {
    const counts = new Map(
      (await ctx.store.listUsage({ planId, keyId, from, to: q.endDate })).map((c) => [c.day, c.count]),
    );
    const days: [number, number][] = [];
    for (let t = start; t <= end; t += DAY_MS) {
      const used = counts.get(dayOf(t)) ?? 0;
      days.push([used, plan.quota ? Math.max(0, plan.quota.limit - usedInWindow(plan.quota, t, counts)) : 0]);
    }
    items[keyId] = days;
  }
  return { usagePlanId: planId, startDate: q.startDate, endDate: q.endDate, items, next: page.next };
}

/** UpdateUsage: `replace /remaining` sets how much of the current period's quota the key has left. */
export async function updateUsage(
  ctx: UsageContext,
  planId: string,
  keyId: string,
  ops: readonly PatchOperation[],
): Promise<UsageReport> {
  const plan = await requirePlan(ctx, planId);
  if (!(await ctx.store.listPlanKeys(planId)).some((k) => k.keyId === keyId)) {
    throw notFound("Invalid Usage Plan Key identifier specified");
  }
  if (!plan.quota) throw badRequest("Usage Plan " + planId + " has no quota");
  const now = ctx.clock.now();
  const today = dayOf(now);
  for (const op of ops) {
    if (op.op !== "replace" || op.path !== "/remaining") {
      throw badRequest(
        `Invalid patch path  '${op.path ?? ""}' specified for op '${op.op}'. Must be one of: [/remaining]`,
      );
    }
    const remaining = Number(op.value);
    if (!Number.isInteger(remaining) || remaining < 0) throw badRequest(`Invalid remaining: ${op.value ?? ""}`);
    const window = quotaWindow(plan.quota, now);
    const counts = await ctx.store.listUsage({ planId, keyId, from: window.from, to: window.to });
    const before = counts.filter((c) => c.day !== today).reduce((sum, c) => sum + c.count, 0);
    await ctx.store.setUsage({ planId, keyId, day: today, count: Math.max(0, plan.quota.limit - remaining - before) });
  }
  await ctx.changed();
  return getUsage(ctx, planId, { startDate: today, endDate: today, keyId });
}

function usedInWindow(
  quota: Parameters<typeof quotaWindow>[0],
  at: number,
  counts: ReadonlyMap<string, number>,
): number {
  const w = quotaWindow(quota, at);
  const upTo = dayOf(at);
  let sum = 0;
  for (const [day, n] of counts) if (day >= w.from && day <= upTo) sum += n;
  return sum;
}
