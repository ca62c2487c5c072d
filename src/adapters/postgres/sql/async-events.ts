import type { NewAsyncEvent } from "../../../ports/store.js";
import type { Row } from "../../sqlite/rows.js";
import type { PgDatabase } from "../database.js";

/** INSERT new pending events, several in one statement (one commit). */
export async function insertEvents(db: PgDatabase, events: readonly NewAsyncEvent[]): Promise<void> {
  const sql = `INSERT INTO async_events (id, function_name, qualifier, payload, request_id, client_context, trace_id, enqueued_at, attempts, state, next_run_at)
    SELECT id, function_name, qualifier, payload, request_id, client_context, trace_id, enqueued_at, 0, 'pending', next_run_at
    FROM unnest($1::text[], $2::text[], $3::text[], $4::bytea[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::bigint[])
      AS e (id, function_name, qualifier, payload, request_id, client_context, trace_id, enqueued_at, next_run_at)`;
  await db.run(sql, [
    events.map((e) => e.id),
    events.map((e) => e.functionName),
    events.map((e) => e.qualifier ?? null),
    events.map((e) => e.payload),
    events.map((e) => e.requestId),
    events.map((e) => e.clientContext ?? null),
    events.map((e) => e.traceId ?? null),
    events.map((e) => e.enqueuedAt),
    events.map((e) => e.nextRunAt),
  ]);
}

/** SELECT one event row. */
export async function selectEvent(db: PgDatabase, id: string): Promise<Row | undefined> {
  return (await db.rows("SELECT * FROM async_events WHERE id = $1", [id]))[0];
}
