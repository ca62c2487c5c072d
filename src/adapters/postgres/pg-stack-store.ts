import type {
  ChangeSetRecord,
  StackEventRecord,
  StackExportRecord,
  StackRecord,
  StackResourceRecord,
  StackStore,
} from "../../ports/stack-store.js";
import type { PgDatabase } from "./database.js";

type Body = { body: string };
const parse = <T>(rows: Body[]): T[] => rows.map((r) => JSON.parse(r.body) as T);

/** The StackStore on PostgreSQL, shared by the nodes of a cluster. */
export class PgStackStore implements StackStore {
  readonly #db: PgDatabase;
  #closed = false;

  /** A store over `db` (already open and migrated); it releases its use of `db` on close. */
  constructor(db: PgDatabase) {
    this.#db = db;
    db.retain();
  }

  async putStack(stack: StackRecord): Promise<void> {
    await this.#db.run(
      `INSERT INTO cfn_stacks (stack_id, stack_name, deleted, body) VALUES ($1, $2, $3, $4)
       ON CONFLICT (stack_id) DO UPDATE SET deleted = excluded.deleted, body = excluded.body`,
      [stack.stackId, stack.stackName, stack.status === "DELETE_COMPLETE", JSON.stringify(stack)],
    );
  }

  async getStack(nameOrId: string): Promise<StackRecord | undefined> {
    const rows = await this.#db.rows<Body>(
      "SELECT body FROM cfn_stacks WHERE stack_id = $1 OR (stack_name = $1 AND NOT deleted) ORDER BY seq DESC LIMIT 1",
      [nameOrId],
    );
    return parse<StackRecord>(rows)[0];
  }

  async listStacks(): Promise<StackRecord[]> {
    return parse<StackRecord>(await this.#db.rows<Body>("SELECT body FROM cfn_stacks ORDER BY seq"));
  }

  async putResource(stackId: string, resource: StackResourceRecord): Promise<void> {
    await this.#db.run(
      `INSERT INTO cfn_resources (stack_id, logical_id, body) VALUES ($1, $2, $3)
       ON CONFLICT (stack_id, logical_id) DO UPDATE SET body = excluded.body`,
      [stackId, resource.logicalId, JSON.stringify(resource)],
    );
  }

  async deleteResource(stackId: string, logicalId: string): Promise<boolean> {
    return (
      (await this.#db.run("DELETE FROM cfn_resources WHERE stack_id = $1 AND logical_id = $2", [
        stackId,
        logicalId,
      ])) === 1
    );
  }

  async listResources(stackId: string): Promise<StackResourceRecord[]> {
    return parse<StackResourceRecord>(
      await this.#db.rows<Body>("SELECT body FROM cfn_resources WHERE stack_id = $1 ORDER BY logical_id", [stackId]),
    );
  }

  async appendEvent(event: StackEventRecord): Promise<void> {
    await this.#db.run("INSERT INTO cfn_events (stack_id, body) VALUES ($1, $2)", [
      event.stackId,
      JSON.stringify(event),
    ]);
  }

  async listEvents(stackId: string): Promise<StackEventRecord[]> {
    return parse<StackEventRecord>(
      await this.#db.rows<Body>("SELECT body FROM cfn_events WHERE stack_id = $1 ORDER BY seq DESC", [stackId]),
    );
  }

  async putChangeSet(cs: ChangeSetRecord): Promise<boolean> {
    const written = await this.#db.run(
      `INSERT INTO cfn_change_sets (change_set_id, stack_id, change_set_name, body) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING`,
      [cs.changeSetId, cs.stackId, cs.changeSetName, JSON.stringify(cs)],
    );
    if (written === 1) return true;
    const updated = await this.#db.run(
      "UPDATE cfn_change_sets SET body = $2 WHERE change_set_id = $1 AND stack_id = $3 AND change_set_name = $4",
      [cs.changeSetId, JSON.stringify(cs), cs.stackId, cs.changeSetName],
    );
    return updated === 1;
  }

  async getChangeSet(changeSetId: string): Promise<ChangeSetRecord | undefined> {
    const rows = await this.#db.rows<Body>("SELECT body FROM cfn_change_sets WHERE change_set_id = $1", [changeSetId]);
    return parse<ChangeSetRecord>(rows)[0];
  }

  async listChangeSets(stackId: string): Promise<ChangeSetRecord[]> {
    return parse<ChangeSetRecord>(
      await this.#db.rows<Body>("SELECT body FROM cfn_change_sets WHERE stack_id = $1 ORDER BY seq", [stackId]),
    );
  }

  async deleteChangeSet(changeSetId: string): Promise<boolean> {
    return (await this.#db.run("DELETE FROM cfn_change_sets WHERE change_set_id = $1", [changeSetId])) === 1;
  }

  replaceExports(stackId: string, exports: readonly StackExportRecord[]): Promise<string | undefined> {
    return this.#db.transaction(async (q) => {
      // Export names are unique across stacks: lock the table so two stacks cannot take one name at once.
      await this.#db.run("LOCK TABLE cfn_exports IN SHARE ROW EXCLUSIVE MODE", [], q);
      const names = exports.map((e) => e.name);
      const taken = await this.#db.rows<{ name: string }>(
        "SELECT name FROM cfn_exports WHERE name = ANY($1::text[]) AND stack_id <> $2 ORDER BY name LIMIT 1",
        [names, stackId],
        q,
      );
      if (taken[0]) return taken[0].name;
      await this.#db.run("DELETE FROM cfn_exports WHERE stack_id = $1", [stackId], q);
      for (const e of exports) {
        await this.#db.run(
          "INSERT INTO cfn_exports (name, stack_id, value) VALUES ($1, $2, $3)",
          [e.name, stackId, e.value],
          q,
        );
      }
      return undefined;
    });
  }

  async listExports(): Promise<StackExportRecord[]> {
    const rows = await this.#db.rows<{ name: string; stack_id: string; value: string }>(
      "SELECT name, stack_id, value FROM cfn_exports ORDER BY name",
    );
    return rows.map((r) => ({ name: r.name, stackId: r.stack_id, value: r.value }));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#db.release();
  }
}
