-- Functions, versions, aliases, event-invoke configs and the async event queue: the same tables
-- as migrations/sqlite/0001_init.sql. Configurations are JSON text (FunctionConfig of
-- src/ports/store.ts); what is looked up or compared atomically has its own column. Times are
-- epoch milliseconds (BIGINT). Text compares byte by byte (COLLATE "C" here and in every later
-- migration), so lists come out in the same order as on SQLite, whatever the database's locale.

CREATE TABLE functions (
  name                 TEXT COLLATE "C" PRIMARY KEY,
  config               TEXT COLLATE "C" NOT NULL,
  revision_id          TEXT COLLATE "C" NOT NULL,
  config_revision      TEXT COLLATE "C" NOT NULL,
  state                TEXT COLLATE "C" NOT NULL,
  tags                 TEXT COLLATE "C" NOT NULL DEFAULT '{}',
  reserved_concurrency INTEGER,
  -- Next version number to hand out: never decreases, so numbers are never reused.
  next_version         INTEGER NOT NULL DEFAULT 1,
  last_modified        BIGINT NOT NULL,
  created_at           BIGINT NOT NULL
);

CREATE TABLE function_versions (
  function_name   TEXT COLLATE "C" NOT NULL REFERENCES functions (name) ON DELETE CASCADE,
  version         INTEGER NOT NULL,
  config          TEXT COLLATE "C" NOT NULL,
  revision_id     TEXT COLLATE "C" NOT NULL,
  config_revision TEXT COLLATE "C" NOT NULL,
  last_modified   BIGINT NOT NULL,
  created_at      BIGINT NOT NULL,
  PRIMARY KEY (function_name, version)
);

CREATE TABLE aliases (
  function_name      TEXT COLLATE "C" NOT NULL REFERENCES functions (name) ON DELETE CASCADE,
  name               TEXT COLLATE "C" NOT NULL,
  function_version   TEXT COLLATE "C" NOT NULL,
  description        TEXT COLLATE "C" NOT NULL,
  additional_version TEXT COLLATE "C",
  additional_weight  DOUBLE PRECISION,
  revision_id        TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (function_name, name)
);

CREATE TABLE event_invoke_configs (
  function_name             TEXT COLLATE "C" NOT NULL REFERENCES functions (name) ON DELETE CASCADE,
  qualifier                 TEXT COLLATE "C" NOT NULL,
  maximum_retry_attempts    INTEGER,
  maximum_event_age_seconds INTEGER,
  on_success                TEXT COLLATE "C",
  on_failure                TEXT COLLATE "C",
  last_modified             BIGINT NOT NULL,
  PRIMARY KEY (function_name, qualifier)
);

-- Event invocations. No foreign key: an event outlives a deleted function and fails when run.
CREATE TABLE async_events (
  id             TEXT COLLATE "C" PRIMARY KEY,
  function_name  TEXT COLLATE "C" NOT NULL,
  qualifier      TEXT COLLATE "C",
  payload        BYTEA NOT NULL,
  request_id     TEXT COLLATE "C" NOT NULL,
  client_context TEXT COLLATE "C",
  trace_id       TEXT COLLATE "C",
  enqueued_at    BIGINT NOT NULL,
  attempts       INTEGER NOT NULL DEFAULT 0,
  state          TEXT COLLATE "C" NOT NULL CHECK (state IN ('pending', 'running', 'done', 'failed')),
  next_run_at    BIGINT NOT NULL,
  locked_by      TEXT COLLATE "C",
  locked_until   BIGINT,
  last_error     TEXT COLLATE "C",
  finished_at    BIGINT
);

-- Claims scan only what is still to run, in due order; finished events stay out of the index.
CREATE INDEX async_events_open ON async_events (next_run_at, enqueued_at, id) WHERE state IN ('pending', 'running');
-- A node renews the leases of the events it runs.
CREATE INDEX async_events_owner ON async_events (locked_by) WHERE state = 'running';
