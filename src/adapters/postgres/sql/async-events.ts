import type { NewAsyncEvent } from "../../../ports/store.js";
import type { Row } from "../../sqlite/rows.js";
import type { PgDatabase } from "../database.js";

/** INSERT a new pending event. */
export async function insertEvent(db: PgDatabase, e: NewAsyncEvent): Promise<void> {
  const sql = `INSERT INTO async_events (id, function_name, qualifier, payload, request_id, client_context, trace_id, enqueued_at, attempts, state, next_run_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, 'pending', $9)`;
  await db.run(sql, [
    e.id,
    e.functionName,
    e.qualifier ?? null,
    e.payload,
    e.requestId,
    e.clientContext ?? null,
    e.traceId ?? null,
    e.enqueuedAt,
    e.nextRunAt,
  ]);
}

/** SELECT one event row. */
export async function selectEvent(db: PgDatabase, id: string): Promise<Row | undefined> {
  return (await db.rows("SELECT * FROM async_events WHERE id = $1", [id]))[0];
}
