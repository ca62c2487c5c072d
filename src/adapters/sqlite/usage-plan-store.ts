import type { Database } from "better-sqlite3";
import type { ApiKeyRecord, UsagePlanKeyRecord, UsagePlanRecord } from "../../domain/usage-plans.js";
import type { PlanKeyResult, UsageCount, UsagePlanStore } from "../../ports/usage-plan-store.js";
import { closeDatabase, openDatabase, settle, type SqliteDatabaseOptions } from "./database.js";
import { stmt } from "./statements.js";

interface UsageRow {
  plan_id: string;
  key_id: string;
  day: string;
  count: number;
}

const bodies = <T>(rows: unknown[]): T[] => (rows as { body: string }[]).map((r) => JSON.parse(r.body) as T);
const toCount = (r: UsageRow): UsageCount => ({ planId: r.plan_id, keyId: r.key_id, day: r.day, count: r.count });

/** The UsagePlanStore on one SQLite file (WAL) or in memory; it may share the Lambda store's file. */
export class SqliteUsagePlanStore implements UsagePlanStore {
  readonly #db: Database;

  private constructor(db: Database) {
    this.#db = db;
  }

  /** Opens (and migrates) the database. */
  static open(options: SqliteDatabaseOptions): SqliteUsagePlanStore {
    return new SqliteUsagePlanStore(openDatabase(options));
  }

  insertApiKey(key: ApiKeyRecord): Promise<boolean> {
    const sql = "INSERT INTO apigw_api_keys (id, value, created_at, body) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING";
    return settle(() => stmt(this.#db, sql).run(key.id, key.value, key.createdAt, JSON.stringify(key)).changes === 1);
  }

  updateApiKey(key: ApiKeyRecord): Promise<boolean> {
    const sql = "UPDATE apigw_api_keys SET body = ? WHERE id = ?";
    return settle(() => stmt(this.#db, sql).run(JSON.stringify(key), key.id).changes === 1);
  }

  getApiKey(id: string): Promise<ApiKeyRecord | undefined> {
    return settle(
      () => bodies<ApiKeyRecord>(stmt(this.#db, "SELECT body FROM apigw_api_keys WHERE id = ?").all(id))[0],
    );
  }

  listApiKeys(): Promise<ApiKeyRecord[]> {
    const sql = "SELECT body FROM apigw_api_keys ORDER BY created_at, id";
    return settle(() => bodies<ApiKeyRecord>(stmt(this.#db, sql).all()));
  }

  deleteApiKey(id: string): Promise<boolean> {
    return settle(() =>
      this.#db.transaction(() => {
        stmt(this.#db, "DELETE FROM apigw_usage_plan_keys WHERE key_id = ?").run(id);
        stmt(this.#db, "DELETE FROM apigw_usage WHERE key_id = ?").run(id);
        return stmt(this.#db, "DELETE FROM apigw_api_keys WHERE id = ?").run(id).changes === 1;
      })(),
    );
  }

  insertUsagePlan(plan: UsagePlanRecord): Promise<boolean> {
    const sql = "INSERT INTO apigw_usage_plans (id, body) VALUES (?, ?) ON CONFLICT DO NOTHING";
    return settle(() => stmt(this.#db, sql).run(plan.id, JSON.stringify(plan)).changes === 1);
  }

  updateUsagePlan(plan: UsagePlanRecord): Promise<boolean> {
    const sql = "UPDATE apigw_usage_plans SET body = ? WHERE id = ?";
    return settle(() => stmt(this.#db, sql).run(JSON.stringify(plan), plan.id).changes === 1);
  }

  getUsagePlan(id: string): Promise<UsagePlanRecord | undefined> {
    const sql = "SELECT body FROM apigw_usage_plans WHERE id = ?";
    return settle(() => bodies<UsagePlanRecord>(stmt(this.#db, sql).all(id))[0]);
  }

  listUsagePlans(): Promise<UsagePlanRecord[]> {
    return settle(() =>
      bodies<UsagePlanRecord>(stmt(this.#db, "SELECT body FROM apigw_usage_plans ORDER BY id").all()),
    );
  }

  deleteUsagePlan(id: string): Promise<boolean> {
    return settle(() =>
      this.#db.transaction(() => {
        stmt(this.#db, "DELETE FROM apigw_usage_plan_keys WHERE plan_id = ?").run(id);
        stmt(this.#db, "DELETE FROM apigw_usage WHERE plan_id = ?").run(id);
        return stmt(this.#db, "DELETE FROM apigw_usage_plans WHERE id = ?").run(id).changes === 1;
      })(),
    );
  }

  addPlanKey(k: UsagePlanKeyRecord): Promise<PlanKeyResult> {
    return settle(() =>
      this.#db.transaction((): PlanKeyResult => {
        if (!stmt(this.#db, "SELECT 1 FROM apigw_usage_plans WHERE id = ?").get(k.planId)) return "missing-plan";
        if (!stmt(this.#db, "SELECT 1 FROM apigw_api_keys WHERE id = ?").get(k.keyId)) return "missing-key";
        const sql = "INSERT INTO apigw_usage_plan_keys (plan_id, key_id) VALUES (?, ?) ON CONFLICT DO NOTHING";
        return stmt(this.#db, sql).run(k.planId, k.keyId).changes === 1 ? "ok" : "conflict";
      })(),
    );
  }

  listPlanKeys(planId?: string): Promise<UsagePlanKeyRecord[]> {
    return settle(() => {
      const rows = (
        planId === undefined
          ? stmt(this.#db, "SELECT plan_id, key_id FROM apigw_usage_plan_keys ORDER BY plan_id, key_id").all()
          : stmt(this.#db, "SELECT plan_id, key_id FROM apigw_usage_plan_keys WHERE plan_id = ? ORDER BY key_id").all(
              planId,
            )
      ) as { plan_id: string; key_id: string }[];
      return rows.map((r) => ({ planId: r.plan_id, keyId: r.key_id }));
    });
  }

  deletePlanKey(k: UsagePlanKeyRecord): Promise<boolean> {
    const sql = "DELETE FROM apigw_usage_plan_keys WHERE plan_id = ? AND key_id = ?";
    return settle(() => stmt(this.#db, sql).run(k.planId, k.keyId).changes === 1);
  }

  addUsage(counts: readonly UsageCount[]): Promise<void> {
    const sql =
      "INSERT INTO apigw_usage (plan_id, key_id, day, count) VALUES (?, ?, ?, ?)" +
      " ON CONFLICT (plan_id, key_id, day) DO UPDATE SET count = apigw_usage.count + excluded.count";
    return settle(() =>
      this.#db.transaction(() => {
        for (const c of counts) stmt(this.#db, sql).run(c.planId, c.keyId, c.day, c.count);
      })(),
    );
  }

  setUsage(c: UsageCount): Promise<void> {
    const sql =
      "INSERT INTO apigw_usage (plan_id, key_id, day, count) VALUES (?, ?, ?, ?)" +
      " ON CONFLICT (plan_id, key_id, day) DO UPDATE SET count = excluded.count";
    return settle(() => {
      stmt(this.#db, sql).run(c.planId, c.keyId, c.day, c.count);
    });
  }

  listUsage(o: { planId: string; keyId?: string | undefined; from: string; to: string }): Promise<UsageCount[]> {
    const base = "SELECT plan_id, key_id, day, count FROM apigw_usage WHERE plan_id = ? AND day >= ? AND day <= ?";
    return settle(() => {
      const rows = (
        o.keyId === undefined
          ? stmt(this.#db, `${base} ORDER BY key_id, day`).all(o.planId, o.from, o.to)
          : stmt(this.#db, `${base} AND key_id = ? ORDER BY day`).all(o.planId, o.from, o.to, o.keyId)
      ) as UsageRow[];
      return rows.map(toCount);
    });
  }

  close(): Promise<void> {
    return settle(() => closeDatabase(this.#db));
  }
}
