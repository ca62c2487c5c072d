/**
 * API Gateway API keys and usage plans (REST APIs): who may call a stage's methods that require a
 * key, how fast (token-bucket throttling) and how much (a quota per day, week or month). The
 * control plane stores these; the gateway receives them whole (a `UsageSnapshot`) after each change
 * and never reads the store per request.
 */

/** A token bucket: `rateLimit` requests per second refill it, `burstLimit` is its size. */
export interface ThrottleSettings {
  readonly rateLimit?: number | undefined;
  readonly burstLimit?: number | undefined;
}

export type QuotaPeriod = "DAY" | "WEEK" | "MONTH";

/** At most `limit` requests per period (per key); `offset` days into the period it starts. */
export interface QuotaSettings {
  readonly limit: number;
  readonly period: QuotaPeriod;
  readonly offset: number;
}

/** A stage a plan covers, with per-method throttles keyed `/resource/path/METHOD` (`/*\/*` for all). */
export interface PlanApiStage {
  readonly apiId: string;
  readonly stage: string;
  readonly throttle?: Readonly<Record<string, ThrottleSettings>> | undefined;
}

export interface UsagePlanRecord {
  /** 6 lower-case letters and digits, like AWS's. */
  readonly id: string;
  readonly name: string;
  readonly description?: string | undefined;
  readonly apiStages: readonly PlanApiStage[];
  readonly throttle?: ThrottleSettings | undefined;
  readonly quota?: QuotaSettings | undefined;
  readonly productCode?: string | undefined;
  readonly tags: Readonly<Record<string, string>>;
}

export interface ApiKeyRecord {
  /** 10 lower-case letters and digits. */
  readonly id: string;
  /** The secret sent in `x-api-key`; at least 20 characters; unique. */
  readonly value: string;
  readonly name: string;
  readonly description?: string | undefined;
  readonly enabled: boolean;
  readonly customerId?: string | undefined;
  /** `restApiId/stageName` (the legacy association, kept and reported). */
  readonly stageKeys: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  readonly lastUpdatedAt: number;
}

/** An API key added to a usage plan. */
export interface UsagePlanKeyRecord {
  readonly planId: string;
  readonly keyId: string;
}

/** Everything the gateway needs to enforce keys and plans. */
export interface UsageSnapshot {
  readonly keys: readonly ApiKeyRecord[];
  readonly plans: readonly UsagePlanRecord[];
  readonly planKeys: readonly UsagePlanKeyRecord[];
}

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` (UTC) of an instant. */
export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The first and last day (UTC, inclusive) of the quota period `at` falls in. Weeks start on
 * Sunday + offset; months on day 1 + offset (AWS's offsets), days at midnight UTC.
 */
export function quotaWindow(quota: QuotaSettings, at: number): { readonly from: string; readonly to: string } {
  const d = new Date(at);
  if (quota.period === "DAY") return { from: dayOf(at), to: dayOf(at) };
  if (quota.period === "WEEK") {
    const back = (d.getUTCDay() - quota.offset + 7) % 7;
    const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - back * DAY_MS;
    return { from: dayOf(start), to: dayOf(start + 6 * DAY_MS) };
  }
  let y = d.getUTCFullYear();
  let m = d.getUTCMonth();
  if (d.getUTCDate() - 1 < quota.offset) m -= 1;
  if (m < 0) {
    m = 11;
    y -= 1;
  }
  const start = Date.UTC(y, m, 1 + quota.offset);
  const end = Date.UTC(y, m + 1, 1 + quota.offset) - DAY_MS;
  return { from: dayOf(start), to: dayOf(end) };
}
