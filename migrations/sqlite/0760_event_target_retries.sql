-- EventBridge: deliveries to rule targets that failed and wait for their next try (RetryPolicy).
-- The retry's body is JSON; a node claims a due row (locked_by, locked_until) before it tries
-- again, so each retry runs on one node, and a claim of a node that died expires.

CREATE TABLE event_target_retries (
  id           TEXT NOT NULL PRIMARY KEY,
  body         TEXT NOT NULL,
  due_at       BIGINT NOT NULL,
  locked_by    TEXT,
  locked_until BIGINT
);

CREATE INDEX event_target_retries_due ON event_target_retries (due_at);
