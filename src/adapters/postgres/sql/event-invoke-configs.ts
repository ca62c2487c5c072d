import type { EventInvokeConfigRecord } from "../../../ports/store.js";
import type { Row } from "../../sqlite/rows.js";
import type { PgDatabase, Queryable } from "../database.js";

/** INSERT or REPLACE the event-invoke config of one qualifier. */
export async function upsertEventInvokeConfig(db: PgDatabase, c: EventInvokeConfigRecord): Promise<void> {
  const sql = `INSERT INTO event_invoke_configs (function_name, qualifier, maximum_retry_attempts, maximum_event_age_seconds, on_success, on_failure, last_modified)
    VALUES ($1, $2, $3, $4, $5, $6, $7)
    ON CONFLICT (function_name, qualifier) DO UPDATE SET maximum_retry_attempts = excluded.maximum_retry_attempts,
      maximum_event_age_seconds = excluded.maximum_event_age_seconds, on_success = excluded.on_success,
      on_failure = excluded.on_failure, last_modified = excluded.last_modified`;
  await db.run(sql, [
    c.functionName,
    c.qualifier,
    c.maximumRetryAttempts ?? null,
    c.maximumEventAgeInSeconds ?? null,
    c.onSuccess ?? null,
    c.onFailure ?? null,
    c.lastModified,
  ]);
}

/** SELECT the event-invoke config of one qualifier. */
export async function selectEventInvokeConfig(
  db: PgDatabase,
  functionName: string,
  qualifier: string,
): Promise<Row | undefined> {
  const sql = "SELECT * FROM event_invoke_configs WHERE function_name = $1 AND qualifier = $2";
  return (await db.rows(sql, [functionName, qualifier]))[0];
}

/** SELECT all event-invoke configs of a function. */
export function selectEventInvokeConfigs(db: PgDatabase, functionName: string): Promise<Row[]> {
  return db.rows("SELECT * FROM event_invoke_configs WHERE function_name = $1 ORDER BY qualifier", [functionName]);
}

/** DELETE the event-invoke config of one qualifier. */
export async function deleteEventInvokeConfig(
  db: PgDatabase,
  functionName: string,
  qualifier: string,
  on?: Queryable,
): Promise<boolean> {
  const sql = "DELETE FROM event_invoke_configs WHERE function_name = $1 AND qualifier = $2";
  return (await db.run(sql, [functionName, qualifier], on)) === 1;
}
