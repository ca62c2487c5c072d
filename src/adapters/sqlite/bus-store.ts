import type { Database } from "better-sqlite3";
import type {
  BusStore,
  EventBusRecord,
  EventRuleRecord,
  RetryClaim,
  StoredRule,
  TargetRetryRecord,
} from "../../ports/bus-store.js";
import { closeDatabase, openDatabase, settle, type SqliteDatabaseOptions } from "./database.js";
import * as sql from "./sql/event-buses.js";

/** UPDATE … RETURNING gives rows in no set order: oldest due first. */
const byDue = (a: TargetRetryRecord, b: TargetRetryRecord): number =>
  a.dueAt - b.dueAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

const toStored = (r: sql.RuleRow): StoredRule => ({
  rule: JSON.parse(r.body) as EventRuleRecord,
  lastFiredAt: r.last_fired_at ?? undefined,
});

/** The BusStore on one SQLite file (WAL) or in memory; it may share the Lambda store's file. */
export class SqliteBusStore implements BusStore {
  readonly #db: Database;

  private constructor(db: Database) {
    this.#db = db;
  }

  /** Opens (and migrates) the database. */
  static open(options: SqliteDatabaseOptions): SqliteBusStore {
    return new SqliteBusStore(openDatabase(options));
  }

  insertBus(bus: EventBusRecord): Promise<boolean> {
    return settle(() => sql.insertBus(this.#db, bus.name, JSON.stringify(bus)));
  }

  updateBus(bus: EventBusRecord): Promise<void> {
    return settle(() => sql.updateBus(this.#db, bus.name, JSON.stringify(bus)));
  }

  listBuses(): Promise<EventBusRecord[]> {
    return settle(() => sql.selectBuses(this.#db).map((b) => JSON.parse(b) as EventBusRecord));
  }

  deleteBus(name: string): Promise<boolean> {
    return settle(() =>
      this.#db.transaction(() => {
        sql.deleteRulesOf(this.#db, name);
        return sql.deleteBus(this.#db, name);
      })(),
    );
  }

  saveRule(rule: EventRuleRecord): Promise<void> {
    return settle(() => sql.upsertRule(this.#db, rule.busName, rule.name, JSON.stringify(rule)));
  }

  getRule(busName: string, name: string): Promise<StoredRule | undefined> {
    return settle(() => {
      const row = sql.selectRule(this.#db, busName, name);
      return row && toStored(row);
    });
  }

  listRules(): Promise<StoredRule[]> {
    return settle(() => sql.selectRules(this.#db).map(toStored));
  }

  deleteRule(busName: string, name: string): Promise<boolean> {
    return settle(() => sql.deleteRule(this.#db, busName, name));
  }

  claimFiring(busName: string, name: string, previous: number | undefined, firedAt: number): Promise<boolean> {
    return settle(() => sql.claimFiring(this.#db, busName, name, previous ?? null, firedAt));
  }

  insertRetry(retry: TargetRetryRecord): Promise<void> {
    return settle(() => sql.insertRetry(this.#db, retry.id, JSON.stringify(retry), retry.dueAt));
  }

  claimRetries(claim: RetryClaim): Promise<TargetRetryRecord[]> {
    return settle(() =>
      sql
        .claimRetries(this.#db, claim)
        .map((r) => JSON.parse(r.body) as TargetRetryRecord)
        .sort(byDue),
    );
  }

  updateRetry(retry: TargetRetryRecord, owner: string): Promise<boolean> {
    return settle(() =>
      sql.updateRetry(this.#db, { id: retry.id, body: JSON.stringify(retry), dueAt: retry.dueAt, owner }),
    );
  }

  deleteRetry(id: string, owner: string): Promise<boolean> {
    return settle(() => sql.deleteRetry(this.#db, id, owner));
  }

  nextRetryDueAt(): Promise<number | undefined> {
    return settle(() => sql.nextRetryDueAt(this.#db));
  }

  close(): Promise<void> {
    return settle(() => closeDatabase(this.#db));
  }
}
