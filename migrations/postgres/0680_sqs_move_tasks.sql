-- Message move tasks (StartMessageMoveTask): a dead-letter queue's messages moved back to the
-- queue each was redriven from (origin_queue, recorded on redrive) or to a given destination, at
-- most max_per_second. One active (RUNNING or CANCELLING) task per source queue.

ALTER TABLE sqs_messages ADD COLUMN origin_queue TEXT;

CREATE TABLE sqs_move_tasks (
  task_id           TEXT PRIMARY KEY,
  source_queue      TEXT NOT NULL,
  destination_queue TEXT,
  max_per_second    INTEGER,
  status            TEXT NOT NULL,
  started_at        BIGINT NOT NULL,
  moved             INTEGER NOT NULL DEFAULT 0,
  to_move           INTEGER NOT NULL,
  failure_reason    TEXT
);
CREATE INDEX sqs_move_tasks_source ON sqs_move_tasks (source_queue, started_at);
CREATE UNIQUE INDEX sqs_move_tasks_active ON sqs_move_tasks (source_queue)
  WHERE status IN ('RUNNING', 'CANCELLING');
