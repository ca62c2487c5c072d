import type { Row } from "../../sqlite/rows.js";
import type { PgDatabase, Queryable } from "../database.js";

/** INSERT a function; false when the name is taken. */
export async function insertFunction(db: PgDatabase, p: Row): Promise<boolean> {
  const sql = `INSERT INTO functions (name, config, revision_id, config_revision, state, tags, reserved_concurrency, last_modified, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (name) DO NOTHING`;
  const values = [p.name, p.config, p.revision_id, p.config_revision, p.state, p.tags, p.reserved_concurrency];
  return (await db.run(sql, [...values, p.last_modified, p.created_at])) === 1;
}

/** SELECT one function row (`lock`: FOR UPDATE, inside a transaction). */
export async function selectFunction(
  db: PgDatabase,
  name: string,
  on?: Queryable,
  lock = false,
): Promise<Row | undefined> {
  const sql = `SELECT * FROM functions WHERE name = $1${lock ? " FOR UPDATE" : ""}`;
  return (await db.rows(sql, [name], on))[0];
}

/** SELECT all function rows by name. */
export function selectFunctions(db: PgDatabase): Promise<Row[]> {
  return db.rows("SELECT * FROM functions ORDER BY name");
}

/** UPDATE $LATEST if the revision is still the expected one (compare-and-set). */
export async function updateFunction(db: PgDatabase, p: Row, expectedRevisionId: string): Promise<boolean> {
  const sql = `UPDATE functions SET config = $2, revision_id = $3, config_revision = $4, state = $5, tags = $6,
    reserved_concurrency = $7, last_modified = $8 WHERE name = $1 AND revision_id = $9`;
  const values = [p.name, p.config, p.revision_id, p.config_revision, p.state, p.tags, p.reserved_concurrency];
  return (await db.run(sql, [...values, p.last_modified, expectedRevisionId])) === 1;
}

/** DELETE a function (versions, aliases, configs and policies go by ON DELETE CASCADE). */
export async function deleteFunction(db: PgDatabase, name: string): Promise<boolean> {
  return (await db.run("DELETE FROM functions WHERE name = $1", [name])) === 1;
}

/** UPDATE the version counter and RevisionId after publishing. */
export async function advanceVersionCounter(
  db: PgDatabase,
  on: Queryable,
  change: { name: string; next: number; revisionId: string },
): Promise<void> {
  const sql = "UPDATE functions SET next_version = $2, revision_id = $3 WHERE name = $1";
  await db.run(sql, [change.name, change.next, change.revisionId], on);
}

/** UPDATE reserved concurrency (NULL removes it). */
export async function updateReservedConcurrency(
  db: PgDatabase,
  on: Queryable,
  name: string,
  value: number | null,
): Promise<void> {
  await db.run("UPDATE functions SET reserved_concurrency = $2 WHERE name = $1", [name, value], on);
}

/** UPDATE the recursive loop setting; false when there is no such function. */
export async function updateRecursiveLoop(db: PgDatabase, name: string, value: string): Promise<boolean> {
  return (await db.run("UPDATE functions SET recursive_loop = $2 WHERE name = $1", [name, value])) === 1;
}

/** SELECT the sum of all other functions' reserved concurrency. */
export async function sumReservedExcept(db: PgDatabase, on: Queryable, name: string): Promise<number> {
  const sql = "SELECT COALESCE(SUM(reserved_concurrency), 0) AS total FROM functions WHERE name <> $1";
  return Number((await db.rows<{ total: string }>(sql, [name], on))[0]?.total ?? 0);
}

/** SELECT the sum of every function's reserved concurrency. */
export async function sumReserved(db: PgDatabase, on?: Queryable): Promise<number> {
  const sql = "SELECT COALESCE(SUM(reserved_concurrency), 0) AS total FROM functions";
  return Number((await db.rows<{ total: string }>(sql, [], on))[0]?.total ?? 0);
}

/** UPDATE a function's tags (JSON) and RevisionId. */
export async function updateTags(
  db: PgDatabase,
  on: Queryable,
  change: { name: string; tags: string; revisionId: string },
): Promise<void> {
  const sql = "UPDATE functions SET tags = $2, revision_id = $3 WHERE name = $1";
  await db.run(sql, [change.name, change.tags, change.revisionId], on);
}

/** UPDATE only a function's RevisionId. */
export async function updateRevision(db: PgDatabase, on: Queryable, name: string, revisionId: string): Promise<void> {
  await db.run("UPDATE functions SET revision_id = $2 WHERE name = $1", [name, revisionId], on);
}

/** Takes the transaction-scoped lock that serializes reserved-concurrency changes across nodes. */
export async function lockReservations(db: PgDatabase, on: Queryable): Promise<void> {
  await db.rows("SELECT pg_advisory_xact_lock($1)", [RESERVATIONS_LOCK], on);
}

const RESERVATIONS_LOCK = 0x72657376; // "resv"
