import type { ApiKeyRecord, UsagePlanKeyRecord, UsagePlanRecord } from "../../domain/usage-plans.js";
import type { PlanKeyResult, UsageCount, UsagePlanStore } from "../../ports/usage-plan-store.js";
import type { PgDatabase } from "./database.js";

interface UsageRow {
  plan_id: string;
  key_id: string;
  day: string;
  count: string;
}

const bodies = <T>(rows: { body: string }[]): T[] => rows.map((r) => JSON.parse(r.body) as T);
const toCount = (r: UsageRow): UsageCount => ({
  planId: r.plan_id,
  keyId: r.key_id,
  day: r.day,
  count: Number(r.count),
});

/**
 * The UsagePlanStore on PostgreSQL, shared by the nodes of a cluster: every node adds its batched
 * request counts to the same rows, so that a quota holds across the cluster.
 */
export class PgUsagePlanStore implements UsagePlanStore {
  readonly #db: PgDatabase;
  #closed = false;

  /** A store over `db` (already open and migrated); it releases its use of `db` on close. */
  constructor(db: PgDatabase) {
    this.#db = db;
    db.retain();
  }

  async insertApiKey(key: ApiKeyRecord): Promise<boolean> {
    const sql =
      "INSERT INTO apigw_api_keys (id, value, created_at, body) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING";
    return (await this.#db.run(sql, [key.id, key.value, key.createdAt, JSON.stringify(key)])) === 1;
  }

  async updateApiKey(key: ApiKeyRecord): Promise<boolean> {
    return (
      (await this.#db.run("UPDATE apigw_api_keys SET body = $1 WHERE id = $2", [JSON.stringify(key), key.id])) === 1
    );
  }

  async getApiKey(id: string): Promise<ApiKeyRecord | undefined> {
    return bodies<ApiKeyRecord>(await this.#db.rows("SELECT body FROM apigw_api_keys WHERE id = $1", [id]))[0];
  }

  async listApiKeys(): Promise<ApiKeyRecord[]> {
    return bodies<ApiKeyRecord>(await this.#db.rows("SELECT body FROM apigw_api_keys ORDER BY created_at, id"));
  }

  deleteApiKey(id: string): Promise<boolean> {
    return this.#db.transaction(async (q) => {
      await this.#db.run("DELETE FROM apigw_usage_plan_keys WHERE key_id = $1", [id], q);
      await this.#db.run("DELETE FROM apigw_usage WHERE key_id = $1", [id], q);
      return (await this.#db.run("DELETE FROM apigw_api_keys WHERE id = $1", [id], q)) === 1;
    });
  }

  async insertUsagePlan(plan: UsagePlanRecord): Promise<boolean> {
    const sql = "INSERT INTO apigw_usage_plans (id, body) VALUES ($1, $2) ON CONFLICT DO NOTHING";
    return (await this.#db.run(sql, [plan.id, JSON.stringify(plan)])) === 1;
  }

  async updateUsagePlan(plan: UsagePlanRecord): Promise<boolean> {
    const sql = "UPDATE apigw_usage_plans SET body = $1 WHERE id = $2";
    return (await this.#db.run(sql, [JSON.stringify(plan), plan.id])) === 1;
  }

  async getUsagePlan(id: string): Promise<UsagePlanRecord | undefined> {
    return bodies<UsagePlanRecord>(await this.#db.rows("SELECT body FROM apigw_usage_plans WHERE id = $1", [id]))[0];
  }

  async listUsagePlans(): Promise<UsagePlanRecord[]> {
    return bodies<UsagePlanRecord>(await this.#db.rows("SELECT body FROM apigw_usage_plans ORDER BY id"));
  }

  deleteUsagePlan(id: string): Promise<boolean> {
    return this.#db.transaction(async (q) => {
      await this.#db.run("DELETE FROM apigw_usage_plan_keys WHERE plan_id = $1", [id], q);
      await this.#db.run("DELETE FROM apigw_usage WHERE plan_id = $1", [id], q);
      return (await this.#db.run("DELETE FROM apigw_usage_plans WHERE id = $1", [id], q)) === 1;
    });
  }

  addPlanKey(k: UsagePlanKeyRecord): Promise<PlanKeyResult> {
    return this.#db.transaction(async (q): Promise<PlanKeyResult> => {
      // Locked, so that a plan or key deleted meanwhile on another node cannot leave a dangling row.
      const plan = await this.#db.rows("SELECT 1 FROM apigw_usage_plans WHERE id = $1 FOR SHARE", [k.planId], q);
      if (plan.length === 0) return "missing-plan";
      const key = await this.#db.rows("SELECT 1 FROM apigw_api_keys WHERE id = $1 FOR SHARE", [k.keyId], q);
      if (key.length === 0) return "missing-key";
      const sql = "INSERT INTO apigw_usage_plan_keys (plan_id, key_id) VALUES ($1, $2) ON CONFLICT DO NOTHING";
      return (await this.#db.run(sql, [k.planId, k.keyId], q)) === 1 ? "ok" : "conflict";
    });
  }

  async listPlanKeys(planId?: string): Promise<UsagePlanKeyRecord[]> {
    const rows =
      planId === undefined
        ? await this.#db.rows<{ plan_id: string; key_id: string }>(
            "SELECT plan_id, key_id FROM apigw_usage_plan_keys ORDER BY plan_id, key_id",
          )
        : await this.#db.rows<{ plan_id: string; key_id: string }>(
            "SELECT plan_id, key_id FROM apigw_usage_plan_keys WHERE plan_id = $1 ORDER BY key_id",
            [planId],
          );
    return rows.map((r) => ({ planId: r.plan_id, keyId: r.key_id }));
  }

  async deletePlanKey(k: UsagePlanKeyRecord): Promise<boolean> {
    const sql = "DELETE FROM apigw_usage_plan_keys WHERE plan_id = $1 AND key_id = $2";
    return (await this.#db.run(sql, [k.planId, k.keyId])) === 1;
  }

  async addUsage(counts: readonly UsageCount[]): Promise<void> {
    if (counts.length === 0) return;
    // One statement for the whole batch: a flush is one round trip whatever its size.
    const sql =
      "INSERT INTO apigw_usage (plan_id, key_id, day, count)" +
      " SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])" +
      " ON CONFLICT (plan_id, key_id, day) DO UPDATE SET count = apigw_usage.count + excluded.count";
    const merged = mergeCounts(counts);
    await this.#db.run(sql, [
      merged.map((c) => c.planId),
      merged.map((c) => c.keyId),
      merged.map((c) => c.day),
      merged.map((c) => c.count),
    ]);
  }

  async setUsage(c: UsageCount): Promise<void> {
    const sql =
      "INSERT INTO apigw_usage (plan_id, key_id, day, count) VALUES ($1, $2, $3, $4)" +
      " ON CONFLICT (plan_id, key_id, day) DO UPDATE SET count = excluded.count";
    await this.#db.run(sql, [c.planId, c.keyId, c.day, c.count]);
  }

  async listUsage(o: { planId: string; keyId?: string | undefined; from: string; to: string }): Promise<UsageCount[]> {
    const base = "SELECT plan_id, key_id, day, count FROM apigw_usage WHERE plan_id = $1 AND day >= $2 AND day <= $3";
    const rows =
      o.keyId === undefined
        ? await this.#db.rows<UsageRow>(`${base} ORDER BY key_id, day`, [o.planId, o.from, o.to])
        : await this.#db.rows<UsageRow>(`${base} AND key_id = $4 ORDER BY day`, [o.planId, o.from, o.to, o.keyId]);
    return rows.map(toCount);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#db.release();
  }
}

// An upsert cannot touch one row twice in a statement: counts of one key and day are summed first.
function mergeCounts(counts: readonly UsageCount[]): UsageCount[] {
  const byRow = new Map<string, UsageCount>();
  for (const c of counts) {
    const k = `${c.planId}\n${c.keyId}\n${c.day}`;
    const had = byRow.get(k);
    byRow.set(k, had ? { ...had, count: had.count + c.count } : c);
  }
  return [...byRow.values()];
}
