import type { Database } from "better-sqlite3";
import type { EventInvokeConfigRecord } from "../../../ports/store.js";
import { stmt } from "../statements.js";
import type { Row } from "../rows.js";

/** INSERT or REPLACE the event-invoke config of one qualifier. */
export function upsertEventInvokeConfig(db: Database, c: EventInvokeConfigRecord): void {
  const sql = `INSERT INTO event_invoke_configs (function_name, qualifier, maximum_retry_attempts, maximum_event_age_seconds, on_success, on_failure, last_modified)
    VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (function_name, qualifier) DO UPDATE SET maximum_retry_attempts = excluded.maximum_retry_attempts,
      maximum_event_age_seconds = excluded.maximum_event_age_seconds, on_success = excluded.on_success,
      on_failure = excluded.on_failure, last_modified = excluded.last_modified`;
  stmt(db, sql).run(
    c.functionName,
    c.qualifier,
    c.maximumRetryAttempts ?? null,
    c.maximumEventAgeInSeconds ?? null,
    c.onSuccess ?? null,
    c.onFailure ?? null,
    c.lastModified,
  );
}

/** SELECT the event-invoke config of one qualifier. */
export function selectEventInvokeConfig(db: Database, functionName: string, qualifier: string): Row | undefined {
  const sql = "SELECT * FROM event_invoke_configs WHERE function_name = ? AND qualifier = ?";
  return stmt(db, sql).get(functionName, qualifier) as Row | undefined;
}

/** SELECT all event-invoke configs of a function. */
export function selectEventInvokeConfigs(db: Database, functionName: string): Row[] {
  const sql = "SELECT * FROM event_invoke_configs WHERE function_name = ? ORDER BY qualifier";
  return stmt(db, sql).all(functionName) as Row[];
}

/** DELETE the event-invoke config of one qualifier. */
export function deleteEventInvokeConfig(db: Database, functionName: string, qualifier: string): boolean {
  const sql = "DELETE FROM event_invoke_configs WHERE function_name = ? AND qualifier = ?";
  return stmt(db, sql).run(functionName, qualifier).changes === 1;
}
