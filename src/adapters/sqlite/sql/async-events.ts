import type { Database } from "better-sqlite3";
import type { ClaimOptions, EventRetry, NewAsyncEvent } from "../../../ports/store.js";
import { stmt } from "../statements.js";
import type { Row } from "../rows.js";

/** INSERT a new pending event. */
export function insertEvent(db: Database, e: NewAsyncEvent): void {
  const sql = `INSERT INTO async_events (id, function_name, qualifier, payload, request_id, client_context, trace_id, enqueued_at, attempts, state, next_run_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 'pending', ?)`;
  stmt(db, sql).run(
    e.id,
    e.functionName,
    e.qualifier ?? null,
    e.payload,
    e.requestId,
    e.clientContext ?? null,
    e.traceId ?? null,
    e.enqueuedAt,
    e.nextRunAt,
  );
}

/**
 * Claims due events (pending and due, or running with an expired lease): reads the oldest from the
 * open-events index, then marks each by its key. One `UPDATE … WHERE id IN (SELECT … LIMIT n)`
 * did the same but cost several times as much per claim on SQLite; the caller's transaction makes
 * the two steps one. PostgreSQL does it in one statement with FOR UPDATE SKIP LOCKED.
 */
export function claimDueEvents(db: Database, o: ClaimOptions): Row[] {
  const due = stmt(
    db,
    `SELECT id FROM async_events INDEXED BY async_events_open
      WHERE state IN ('pending', 'running') AND next_run_at <= ? AND (state = 'pending' OR locked_until <= ?)
      ORDER BY next_run_at, enqueued_at, id LIMIT ?`,
  ).all(o.now, o.now, o.limit) as { id: string }[];
  if (due.length === 0) return [];
  const claim = stmt(
    db,
    `UPDATE async_events SET state = 'running', attempts = attempts + 1, locked_by = ?, locked_until = ?
      WHERE id = ? RETURNING *`,
  );
  const until = o.now + o.leaseMs;
  return due.map((d) => claim.get(o.owner, until, d.id) as Row);
}

/** UPDATE a claimed event to done. */
export function completeEvent(db: Database, id: string, owner: string, at: number): boolean {
  const sql = `UPDATE async_events SET state = 'done', finished_at = ?, locked_by = NULL, locked_until = NULL
    WHERE id = ? AND state = 'running' AND locked_by = ?`;
  return stmt(db, sql).run(at, id, owner).changes === 1;
}

/** UPDATE a claimed event back to pending with a new due time. */
export function rescheduleEvent(db: Database, id: string, owner: string, r: EventRetry): boolean {
  const sql = `UPDATE async_events SET state = 'pending', next_run_at = ?, last_error = ?, locked_by = NULL, locked_until = NULL,
    attempts = attempts - ? WHERE id = ? AND state = 'running' AND locked_by = ?`;
  return stmt(db, sql).run(r.nextRunAt, r.lastError, r.notInvoked ? 1 : 0, id, owner).changes === 1;
}

/** UPDATE a claimed event to failed. */
export function failEvent(db: Database, id: string, owner: string, f: { at: number; lastError: string }): boolean {
  const sql = `UPDATE async_events SET state = 'failed', finished_at = ?, last_error = ?, locked_by = NULL, locked_until = NULL
    WHERE id = ? AND state = 'running' AND locked_by = ?`;
  return stmt(db, sql).run(f.at, f.lastError, id, owner).changes === 1;
}

/** UPDATE the lease of every event `owner` runs. */
export function renewClaims(db: Database, owner: string, until: number): number {
  const sql = "UPDATE async_events SET locked_until = ? WHERE state = 'running' AND locked_by = ? AND locked_until < ?";
  return stmt(db, sql).run(until, owner, until).changes;
}

/** UPDATE every running event back to pending. */
export function releaseClaims(db: Database): number {
  const sql =
    "UPDATE async_events SET state = 'pending', locked_by = NULL, locked_until = NULL WHERE state = 'running'";
  return stmt(db, sql).run().changes;
}

/** SELECT when the next event becomes claimable. */
export function selectNextDue(db: Database): number | undefined {
  // The first pending entry of the open-events index (past the few running ones), and the earliest
  // lease of the running-events index: neither reads a finished event.
  const sql = `SELECT (SELECT next_run_at FROM async_events INDEXED BY async_events_open
      WHERE state IN ('pending', 'running') AND state = 'pending' ORDER BY next_run_at LIMIT 1) AS pending,
    (SELECT MIN(locked_until) FROM async_events WHERE state = 'running') AS running`;
  const due = stmt(db, sql).get() as { pending: number | null; running: number | null };
  const times = [due.pending, due.running].filter((t): t is number => t !== null).map(Number);
  return times.length === 0 ? undefined : Math.min(...times);
}

/** SELECT one event row. */
export function selectEvent(db: Database, id: string): Row | undefined {
  return stmt(db, "SELECT * FROM async_events WHERE id = ?").get(id) as Row | undefined;
}
