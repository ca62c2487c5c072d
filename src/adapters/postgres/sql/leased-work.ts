/**
 * Work claimed with a lease, for any table shaped like `async_events`: a `state` (pending →
 * running → done | failed), `next_run_at`, `attempts`, `locked_by`, `locked_until`, `last_error`
 * and `finished_at`. A claim takes due rows with FOR UPDATE SKIP LOCKED, so nodes claiming at once
 * never take the same row and never wait on each other; a running row whose lease expired (its
 * node died) is due again. Later queues, stream shards and schedules use the same statements.
 */
import type { Row } from "../../sqlite/rows.js";
import type { PgDatabase } from "../database.js";

/** A table of leased work (names are constants, never input). */
export interface LeasedWorkTable {
  readonly name: string;
  /** Claim order: oldest due first. */
  readonly order: string;
}

/** The async Event invocation queue. */
export const ASYNC_EVENTS: LeasedWorkTable = { name: "async_events", order: "next_run_at, enqueued_at, id" };

/** A claim: up to `limit` due rows for `owner`, leased until `now + leaseMs`. */
export interface ClaimSpec {
  readonly now: number;
  readonly limit: number;
  readonly leaseMs: number;
  readonly owner: string;
}

/** UPDATE … FROM (SELECT … FOR UPDATE SKIP LOCKED) RETURNING: claims due rows (pending and due, or running with an expired lease). */
export function claimDue(db: PgDatabase, t: LeasedWorkTable, c: ClaimSpec): Promise<Row[]> {
  const sql = `UPDATE ${t.name} w SET state = 'running', attempts = w.attempts + 1, locked_by = $1, locked_until = $2
    FROM (SELECT id FROM ${t.name}
          WHERE (state = 'pending' AND next_run_at <= $3) OR (state = 'running' AND locked_until <= $3)
          ORDER BY ${t.order} LIMIT $4 FOR UPDATE SKIP LOCKED) due
    WHERE w.id = due.id RETURNING w.*`;
  return db.rows(sql, [c.owner, c.now + c.leaseMs, c.now, c.limit]);
}

/** UPDATE a claimed row to done or failed; false when `owner` no longer holds it. */
export async function finish(
  db: PgDatabase,
  t: LeasedWorkTable,
  f: { id: string; owner: string; state: "done" | "failed"; at: number; lastError?: string | undefined },
): Promise<boolean> {
  const sql = `UPDATE ${t.name} SET state = $3, finished_at = $4, last_error = COALESCE($5, last_error),
    locked_by = NULL, locked_until = NULL WHERE id = $1 AND state = 'running' AND locked_by = $2`;
  return (await db.run(sql, [f.id, f.owner, f.state, f.at, f.lastError ?? null])) === 1;
}

/** UPDATE claimed rows to done, several in one statement; resolves to the ids `owner` still held. */
export async function finishMany(
  db: PgDatabase,
  t: LeasedWorkTable,
  rows: readonly { id: string; owner: string; at: number }[],
): Promise<Set<string>> {
  const sql = `UPDATE ${t.name} w SET state = 'done', finished_at = d.at, locked_by = NULL, locked_until = NULL
    FROM unnest($1::text[], $2::text[], $3::bigint[]) AS d (id, owner, at)
    WHERE w.id = d.id AND w.state = 'running' AND w.locked_by = d.owner RETURNING w.id`;
  const done = await db.rows<{ id: string }>(sql, [
    rows.map((r) => r.id),
    rows.map((r) => r.owner),
    rows.map((r) => r.at),
  ]);
  return new Set(done.map((r) => r.id));
}

/** UPDATE a claimed row back to pending with a new due time. */
export async function reschedule(
  db: PgDatabase,
  t: LeasedWorkTable,
  r: { id: string; owner: string; nextRunAt: number; lastError: string; notInvoked?: boolean | undefined },
): Promise<boolean> {
  const sql = `UPDATE ${t.name} SET state = 'pending', next_run_at = $3, last_error = $4, locked_by = NULL, locked_until = NULL,
    attempts = attempts - $5 WHERE id = $1 AND state = 'running' AND locked_by = $2`;
  return (await db.run(sql, [r.id, r.owner, r.nextRunAt, r.lastError, r.notInvoked ? 1 : 0])) === 1;
}

/** UPDATE the lease of every row `owner` runs to `until` (a live node keeps its claims); resolves to how many. */
export function renewClaims(db: PgDatabase, t: LeasedWorkTable, owner: string, until: number): Promise<number> {
  const sql = `UPDATE ${t.name} SET locked_until = $2 WHERE state = 'running' AND locked_by = $1 AND locked_until < $2`;
  return db.run(sql, [owner, until]);
}

/** UPDATE every running row back to pending (a single node restarting). */
export function releaseAll(db: PgDatabase, t: LeasedWorkTable): Promise<number> {
  return db.run(
    `UPDATE ${t.name} SET state = 'pending', locked_by = NULL, locked_until = NULL WHERE state = 'running'`,
  );
}

/** SELECT when the next row becomes claimable (due time, or lease expiry of a running row). */
export async function nextDue(db: PgDatabase, t: LeasedWorkTable): Promise<number | undefined> {
  const sql = `SELECT MIN(CASE WHEN state = 'pending' THEN next_run_at ELSE locked_until END) AS due
    FROM ${t.name} WHERE state IN ('pending', 'running')`;
  const due = (await db.rows<{ due: string | null }>(sql))[0]?.due;
  return due === null || due === undefined ? undefined : Number(due);
}
