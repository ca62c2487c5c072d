import type {
  BusStore,
  EventBusRecord,
  EventRuleRecord,
  RetryClaim,
  StoredRule,
  TargetRetryRecord,
} from "../../ports/bus-store.js";
import type { PgDatabase } from "./database.js";
import * as sql from "./sql/event-buses.js";

/** UPDATE … RETURNING gives rows in no set order: oldest due first. */
const byDue = (a: TargetRetryRecord, b: TargetRetryRecord): number =>
  a.dueAt - b.dueAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

const toStored = (r: sql.RuleRow): StoredRule => ({
  rule: JSON.parse(r.body) as EventRuleRecord,
  lastFiredAt: r.last_fired_at === null ? undefined : Number(r.last_fired_at),
});

/**
 * The BusStore on PostgreSQL, shared by the nodes of a cluster: a rule made through one node
 * matches events on every node, and a scheduled tick is claimed by one compare-and-set.
 */
export class PgBusStore implements BusStore {
  readonly #db: PgDatabase;
  #closed = false;

  /** A store over `db` (already open and migrated); it releases its use of `db` on close. */
  constructor(db: PgDatabase) {
    this.#db = db;
    db.retain();
  }

  insertBus(bus: EventBusRecord): Promise<boolean> {
    return sql.insertBus(this.#db, bus.name, JSON.stringify(bus));
  }

  updateBus(bus: EventBusRecord): Promise<void> {
    return sql.updateBus(this.#db, bus.name, JSON.stringify(bus));
  }

  async listBuses(): Promise<EventBusRecord[]> {
    return (await sql.selectBuses(this.#db)).map((b) => JSON.parse(b) as EventBusRecord);
  }

  deleteBus(name: string): Promise<boolean> {
    return this.#db.transaction(async (q) => {
      await sql.deleteRulesOf(this.#db, name, q);
      return sql.deleteBus(this.#db, name, q);
    });
  }

  saveRule(rule: EventRuleRecord): Promise<void> {
    return sql.upsertRule(this.#db, rule.busName, rule.name, JSON.stringify(rule));
  }

  async getRule(busName: string, name: string): Promise<StoredRule | undefined> {
    const row = await sql.selectRule(this.#db, busName, name);
    return row && toStored(row);
  }

  async listRules(): Promise<StoredRule[]> {
    return (await sql.selectRules(this.#db)).map(toStored);
  }

  deleteRule(busName: string, name: string): Promise<boolean> {
    return sql.deleteRule(this.#db, busName, name);
  }

  claimFiring(busName: string, name: string, previous: number | undefined, firedAt: number): Promise<boolean> {
    return sql.claimFiring(this.#db, { bus: busName, name }, previous ?? null, firedAt);
  }

  insertRetry(retry: TargetRetryRecord): Promise<void> {
    return sql.insertRetry(this.#db, retry.id, JSON.stringify(retry), retry.dueAt);
  }

  async claimRetries(claim: RetryClaim): Promise<TargetRetryRecord[]> {
    return (await sql.claimRetries(this.#db, claim)).map((b) => JSON.parse(b) as TargetRetryRecord).sort(byDue);
  }

  updateRetry(retry: TargetRetryRecord, owner: string): Promise<boolean> {
    return sql.updateRetry(this.#db, { id: retry.id, body: JSON.stringify(retry), dueAt: retry.dueAt, owner });
  }

  deleteRetry(id: string, owner: string): Promise<boolean> {
    return sql.deleteRetry(this.#db, id, owner);
  }

  nextRetryDueAt(): Promise<number | undefined> {
    return sql.nextRetryDueAt(this.#db);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#db.release();
  }
}
