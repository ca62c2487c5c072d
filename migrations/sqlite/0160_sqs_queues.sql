-- SQS queues and their messages. A message's content never changes (JSON); its delivery state
-- does: hidden until visible_at (delay, visibility timeout), received receive_count times, the
-- latest receive's handle. FIFO deduplication ids are remembered for 5 minutes.

CREATE TABLE sqs_queues (
  name TEXT PRIMARY KEY,
  body TEXT NOT NULL
);

CREATE TABLE sqs_messages (
  seq              INTEGER PRIMARY KEY AUTOINCREMENT,
  id               TEXT NOT NULL UNIQUE,
  queue_name       TEXT NOT NULL,
  content          TEXT NOT NULL,
  group_id         TEXT,
  visible_at       INTEGER NOT NULL,
  receive_count    INTEGER NOT NULL DEFAULT 0,
  first_receive_at INTEGER,
  receipt_handle   TEXT
);
CREATE INDEX sqs_messages_due ON sqs_messages (queue_name, visible_at, seq);
CREATE INDEX sqs_messages_handle ON sqs_messages (receipt_handle);

CREATE TABLE sqs_dedup (
  queue_name TEXT NOT NULL,
  dedup_id   TEXT NOT NULL,
  message_id TEXT NOT NULL,
  sequence   TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (queue_name, dedup_id)
);
