-- CloudWatch Logs: groups, their streams, and the streams' events. Events carry their group's and
-- stream's ids (not names) to keep rows small; deleting a group or stream deletes its events.

CREATE TABLE log_groups (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  name            TEXT NOT NULL UNIQUE,
  created_at      INTEGER NOT NULL,
  retention_days  INTEGER,
  log_group_class TEXT NOT NULL,
  tags            TEXT NOT NULL
);

CREATE TABLE log_streams (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  group_id          INTEGER NOT NULL REFERENCES log_groups (id) ON DELETE CASCADE,
  name              TEXT NOT NULL,
  created_at        INTEGER NOT NULL,
  first_event_at    INTEGER,
  last_event_at     INTEGER,
  last_ingestion_at INTEGER,
  UNIQUE (group_id, name)
);

CREATE TABLE log_events (
  id          INTEGER PRIMARY KEY,
  group_id    INTEGER NOT NULL,
  stream_id   INTEGER NOT NULL,
  ts          INTEGER NOT NULL,
  ingested_at INTEGER NOT NULL,
  message     TEXT NOT NULL
);
CREATE INDEX log_events_group_ts ON log_events (group_id, ts, id);
