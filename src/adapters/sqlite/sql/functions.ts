import type { Database } from "better-sqlite3";
import { stmt } from "../statements.js";
import type { Row } from "../rows.js";

/** INSERT a function; false when the name is taken. */
export function insertFunction(db: Database, p: Row): boolean {
  const sql = `INSERT INTO functions (name, config, revision_id, config_revision, state, tags, reserved_concurrency, last_modified, created_at)
    VALUES (@name, @config, @revision_id, @config_revision, @state, @tags, @reserved_concurrency, @last_modified, @created_at)
    ON CONFLICT (name) DO NOTHING`;
  return stmt(db, sql).run(p).changes === 1;
}

/** SELECT one function row. */
export function selectFunction(db: Database, name: string): Row | undefined {
  return stmt(db, "SELECT * FROM functions WHERE name = ?").get(name) as Row | undefined;
}

/** SELECT all function rows by name. */
export function selectFunctions(db: Database): Row[] {
  return stmt(db, "SELECT * FROM functions ORDER BY name").all() as Row[];
}

/** UPDATE $LATEST if the revision is still the expected one (compare-and-set). */
export function updateFunction(db: Database, p: Row, expectedRevisionId: string): boolean {
  const sql = `UPDATE functions SET config = @config, revision_id = @revision_id, config_revision = @config_revision,
    state = @state, tags = @tags, reserved_concurrency = @reserved_concurrency, last_modified = @last_modified
    WHERE name = @name AND revision_id = @expected`;
  return stmt(db, sql).run({ ...p, expected: expectedRevisionId }).changes === 1;
}

/** DELETE a function (versions, aliases and configs go by ON DELETE CASCADE). */
export function deleteFunction(db: Database, name: string): boolean {
  return stmt(db, "DELETE FROM functions WHERE name = ?").run(name).changes === 1;
}

/** SELECT the revision and next version number of a function. */
export function selectPublishState(
  db: Database,
  name: string,
): { revision_id: string; next_version: number } | undefined {
  const sql = "SELECT revision_id, next_version FROM functions WHERE name = ?";
  return stmt(db, sql).get(name) as { revision_id: string; next_version: number } | undefined;
}

/** UPDATE the version counter and RevisionId after publishing. */
export function advanceVersionCounter(db: Database, name: string, next: number, revisionId: string): void {
  stmt(db, "UPDATE functions SET next_version = ?, revision_id = ? WHERE name = ?").run(next, revisionId, name);
}

/** UPDATE reserved concurrency (NULL removes it). */
export function updateReservedConcurrency(db: Database, name: string, value: number | null): boolean {
  return stmt(db, "UPDATE functions SET reserved_concurrency = ? WHERE name = ?").run(value, name).changes === 1;
}

/** UPDATE the recursive loop setting. */
export function updateRecursiveLoop(db: Database, name: string, value: string): boolean {
  return stmt(db, "UPDATE functions SET recursive_loop = ? WHERE name = ?").run(value, name).changes === 1;
}

/** SELECT the sum of all other functions' reserved concurrency. */
export function sumReservedExcept(db: Database, name: string): number {
  const sql = "SELECT COALESCE(SUM(reserved_concurrency), 0) AS total FROM functions WHERE name <> ?";
  return Number((stmt(db, sql).get(name) as { total: number }).total);
}

/** UPDATE a function's tags (JSON) and RevisionId. */
export function updateTags(db: Database, name: string, tags: string, revisionId: string): boolean {
  const sql = "UPDATE functions SET tags = ?, revision_id = ? WHERE name = ?";
  return stmt(db, sql).run(tags, revisionId, name).changes === 1;
}

/** UPDATE only a function's RevisionId. */
export function updateRevision(db: Database, name: string, revisionId: string): void {
  stmt(db, "UPDATE functions SET revision_id = ? WHERE name = ?").run(revisionId, name);
}
