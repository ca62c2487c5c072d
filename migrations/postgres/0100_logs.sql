-- CloudWatch Logs: groups, their streams, and the streams' events. Events carry their group's and
-- stream's ids (not names) to keep rows small; deleting a group or stream deletes its events.

CREATE TABLE log_groups (
  id              BIGSERIAL PRIMARY KEY,
  name            TEXT COLLATE "C" NOT NULL UNIQUE,
  created_at      BIGINT NOT NULL,
  retention_days  INTEGER,
  log_group_class TEXT NOT NULL,
  tags            TEXT NOT NULL
);

CREATE TABLE log_streams (
  id                BIGSERIAL PRIMARY KEY,
  group_id          BIGINT NOT NULL REFERENCES log_groups (id) ON DELETE CASCADE,
  name              TEXT COLLATE "C" NOT NULL,
  created_at        BIGINT NOT NULL,
  first_event_at    BIGINT,
  last_event_at     BIGINT,
  last_ingestion_at BIGINT,
  UNIQUE (group_id, name)
);

CREATE TABLE log_events (
  id          BIGSERIAL PRIMARY KEY,
  group_id    BIGINT NOT NULL,
  stream_id   BIGINT NOT NULL,
  ts          BIGINT NOT NULL,
  ingested_at BIGINT NOT NULL,
  message     TEXT COLLATE "C" NOT NULL
);
CREATE INDEX log_events_group_ts ON log_events (group_id, ts, id);
