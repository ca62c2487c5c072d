import type { Database } from "better-sqlite3";
import type {
  ChangeSetRecord,
  StackEventRecord,
  StackExportRecord,
  StackRecord,
  StackResourceRecord,
  StackStore,
} from "../../ports/stack-store.js";
import { closeDatabase, openDatabase, settle, type SqliteDatabaseOptions } from "./database.js";
import { stmt } from "./statements.js";

type Body = { body: string };
const parse = <T>(rows: Body[]): T[] => rows.map((r) => JSON.parse(r.body) as T);

/** The StackStore on one SQLite file (WAL) or in memory; it may share the Lambda store's file. */
export class SqliteStackStore implements StackStore {
  readonly #db: Database;

  private constructor(db: Database) {
    this.#db = db;
  }

  /** Opens (and migrates) the database. */
  static open(options: SqliteDatabaseOptions): SqliteStackStore {
    return new SqliteStackStore(openDatabase(options));
  }

  putStack(stack: StackRecord): Promise<void> {
    return settle(() => {
      stmt(
        this.#db,
        `INSERT INTO cfn_stacks (stack_id, stack_name, deleted, body) VALUES (?, ?, ?, ?)
         ON CONFLICT (stack_id) DO UPDATE SET deleted = excluded.deleted, body = excluded.body`,
      ).run(stack.stackId, stack.stackName, stack.status === "DELETE_COMPLETE" ? 1 : 0, JSON.stringify(stack));
    });
  }

  getStack(nameOrId: string): Promise<StackRecord | undefined> {
    return settle(() => {
      const row = stmt(
        this.#db,
        "SELECT body FROM cfn_stacks WHERE stack_id = ? OR (stack_name = ? AND deleted = 0) ORDER BY seq DESC LIMIT 1",
      ).get(nameOrId, nameOrId) as Body | undefined;
      return row ? (JSON.parse(row.body) as StackRecord) : undefined;
    });
  }

  listStacks(): Promise<StackRecord[]> {
    return settle(() => parse<StackRecord>(stmt(this.#db, "SELECT body FROM cfn_stacks ORDER BY seq").all() as Body[]));
  }

  putResource(stackId: string, resource: StackResourceRecord): Promise<void> {
    return settle(() => {
      stmt(
        this.#db,
        `INSERT INTO cfn_resources (stack_id, logical_id, body) VALUES (?, ?, ?)
         ON CONFLICT (stack_id, logical_id) DO UPDATE SET body = excluded.body`,
      ).run(stackId, resource.logicalId, JSON.stringify(resource));
    });
  }

  deleteResource(stackId: string, logicalId: string): Promise<boolean> {
    return settle(
      () =>
        stmt(this.#db, "DELETE FROM cfn_resources WHERE stack_id = ? AND logical_id = ?").run(stackId, logicalId)
          .changes === 1,
    );
  }

  listResources(stackId: string): Promise<StackResourceRecord[]> {
    return settle(() =>
      parse<StackResourceRecord>(
        stmt(this.#db, "SELECT body FROM cfn_resources WHERE stack_id = ? ORDER BY logical_id").all(stackId) as Body[],
      ),
    );
  }

  appendEvent(event: StackEventRecord): Promise<void> {
    return settle(() => {
      stmt(this.#db, "INSERT INTO cfn_events (stack_id, body) VALUES (?, ?)").run(event.stackId, JSON.stringify(event));
    });
  }

  listEvents(stackId: string): Promise<StackEventRecord[]> {
    return settle(() =>
      parse<StackEventRecord>(
        stmt(this.#db, "SELECT body FROM cfn_events WHERE stack_id = ? ORDER BY seq DESC").all(stackId) as Body[],
      ),
    );
  }

  putChangeSet(cs: ChangeSetRecord): Promise<boolean> {
    return settle(() => {
      const taken = stmt(
        this.#db,
        "SELECT 1 FROM cfn_change_sets WHERE stack_id = ? AND change_set_name = ? AND change_set_id <> ?",
      ).get(cs.stackId, cs.changeSetName, cs.changeSetId);
      if (taken) return false;
      stmt(
        this.#db,
        `INSERT INTO cfn_change_sets (change_set_id, stack_id, change_set_name, body) VALUES (?, ?, ?, ?)
         ON CONFLICT (change_set_id) DO UPDATE SET body = excluded.body`,
      ).run(cs.changeSetId, cs.stackId, cs.changeSetName, JSON.stringify(cs));
      return true;
    });
  }

  getChangeSet(changeSetId: string): Promise<ChangeSetRecord | undefined> {
    return settle(() => {
      const row = stmt(this.#db, "SELECT body FROM cfn_change_sets WHERE change_set_id = ?").get(changeSetId) as
        Body | undefined;
      return row ? (JSON.parse(row.body) as ChangeSetRecord) : undefined;
    });
  }

  listChangeSets(stackId: string): Promise<ChangeSetRecord[]> {
    return settle(() =>
      parse<ChangeSetRecord>(
        stmt(this.#db, "SELECT body FROM cfn_change_sets WHERE stack_id = ? ORDER BY seq").all(stackId) as Body[],
      ),
    );
  }

  deleteChangeSet(changeSetId: string): Promise<boolean> {
    return settle(
      () => stmt(this.#db, "DELETE FROM cfn_change_sets WHERE change_set_id = ?").run(changeSetId).changes === 1,
    );
  }

  replaceExports(stackId: string, exports: readonly StackExportRecord[]): Promise<string | undefined> {
    return settle(() =>
      this.#db.transaction(() => {
        for (const e of exports) {
          const owner = stmt(this.#db, "SELECT stack_id FROM cfn_exports WHERE name = ?").get(e.name) as
            { stack_id: string } | undefined;
          if (owner && owner.stack_id !== stackId) return e.name;
        }
        stmt(this.#db, "DELETE FROM cfn_exports WHERE stack_id = ?").run(stackId);
        const insert = stmt(this.#db, "INSERT INTO cfn_exports (name, stack_id, value) VALUES (?, ?, ?)");
        for (const e of exports) insert.run(e.name, stackId, e.value);
        return undefined;
      })(),
    );
  }

  listExports(): Promise<StackExportRecord[]> {
    return settle(() =>
      (
        stmt(this.#db, "SELECT name, stack_id, value FROM cfn_exports ORDER BY name").all() as {
          name: string;
          stack_id: string;
          value: string;
        }[]
      ).map((r) => ({ name: r.name, stackId: r.stack_id, value: r.value })),
    );
  }

  close(): Promise<void> {
    closeDatabase(this.#db);
    return Promise.resolve();
  }
}
