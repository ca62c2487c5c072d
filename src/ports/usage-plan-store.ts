/**
 * The usage plan store port: API Gateway API keys, usage plans, the keys added to plans, and how
 * many requests each key made under each plan per day (the quota counters, shared by every node
 * of a cluster). Key values are unique, so that the gateway finds one key by the header it gets.
 * Every adapter passes usage-plan-store.contract.ts.
 */
import type { ApiKeyRecord, UsagePlanKeyRecord, UsagePlanRecord } from "../domain/usage-plans.js";

/** Requests counted for one key under one plan on one day (`YYYY-MM-DD`, UTC). */
export interface UsageCount {
  readonly planId: string;
  readonly keyId: string;
  readonly day: string;
  readonly count: number;
}

/** The outcome of adding a key to a plan. */
export type PlanKeyResult = "ok" | "conflict" | "missing-plan" | "missing-key";

/** API keys, usage plans, plan keys and usage counts; see the file comment. */
export interface UsagePlanStore {
  /** Inserts a key; false when its id or value is taken. */
  insertApiKey(key: ApiKeyRecord): Promise<boolean>;
  /** Replaces a key; false when it does not exist. */
  updateApiKey(key: ApiKeyRecord): Promise<boolean>;
  /** One key by id. */
  getApiKey(id: string): Promise<ApiKeyRecord | undefined>;
  /** Every key, by creation time then id. */
  listApiKeys(): Promise<ApiKeyRecord[]>;
  /** Deletes a key and takes it out of every plan; false when there was none. */
  deleteApiKey(id: string): Promise<boolean>;

  /** Inserts a plan; false when the id is taken. */
  insertUsagePlan(plan: UsagePlanRecord): Promise<boolean>;
  /** Replaces a plan; false when it does not exist. */
  updateUsagePlan(plan: UsagePlanRecord): Promise<boolean>;
  /** One plan. */
  getUsagePlan(id: string): Promise<UsagePlanRecord | undefined>;
  /** Every plan, by id. */
  listUsagePlans(): Promise<UsagePlanRecord[]>;
  /** Deletes a plan with its keys and usage; false when there was none. */
  deleteUsagePlan(id: string): Promise<boolean>;

  /** Adds a key to a plan (`conflict` when it is there already). */
  addPlanKey(planKey: UsagePlanKeyRecord): Promise<PlanKeyResult>;
  /** The keys of one plan, or of every plan, by plan then key id. */
  listPlanKeys(planId?: string): Promise<UsagePlanKeyRecord[]>;
  /** Takes a key out of a plan; false when it was not in it. */
  deletePlanKey(planKey: UsagePlanKeyRecord): Promise<boolean>;

  /** Adds counts to the stored ones (one statement batch for many keys and days). */
  addUsage(counts: readonly UsageCount[]): Promise<void>;
  /** Sets one key's count for one day (UpdateUsage). */
  setUsage(count: UsageCount): Promise<void>;
  /** The counts of a plan (one key's when given) from `from` to `to` inclusive, by key then day. */
  listUsage(o: { planId: string; keyId?: string | undefined; from: string; to: string }): Promise<UsageCount[]>;
  /** Releases the connection. */
  close(): Promise<void>;
}
