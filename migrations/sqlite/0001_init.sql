-- Functions, versions, aliases, event-invoke configs and the async event queue.
-- Configurations are JSON (FunctionConfig of src/ports/store.ts); what is looked up or
-- compared atomically has its own column.

CREATE TABLE functions (
  name                 TEXT PRIMARY KEY,
  config               TEXT NOT NULL,
  revision_id          TEXT NOT NULL,
  config_revision      TEXT NOT NULL,
  state                TEXT NOT NULL,
  tags                 TEXT NOT NULL DEFAULT '{}',
  reserved_concurrency INTEGER,
  -- Next version number to hand out: never decreases, so numbers are never reused.
  next_version         INTEGER NOT NULL DEFAULT 1,
  last_modified        INTEGER NOT NULL,
  created_at           INTEGER NOT NULL
);

CREATE TABLE function_versions (
  function_name   TEXT NOT NULL REFERENCES functions (name) ON DELETE CASCADE,
  version         INTEGER NOT NULL,
  config          TEXT NOT NULL,
  revision_id     TEXT NOT NULL,
  config_revision TEXT NOT NULL,
  last_modified   INTEGER NOT NULL,
  created_at      INTEGER NOT NULL,
  PRIMARY KEY (function_name, version)
);

CREATE TABLE aliases (
  function_name      TEXT NOT NULL REFERENCES functions (name) ON DELETE CASCADE,
  name               TEXT NOT NULL,
  function_version   TEXT NOT NULL,
  description        TEXT NOT NULL,
  additional_version TEXT,
  additional_weight  REAL,
  revision_id        TEXT NOT NULL,
  PRIMARY KEY (function_name, name)
);

CREATE TABLE event_invoke_configs (
  function_name             TEXT NOT NULL REFERENCES functions (name) ON DELETE CASCADE,
  qualifier                 TEXT NOT NULL,
  maximum_retry_attempts    INTEGER,
  maximum_event_age_seconds INTEGER,
  on_success                TEXT,
  on_failure                TEXT,
  last_modified             INTEGER NOT NULL,
  PRIMARY KEY (function_name, qualifier)
);

-- Event invocations. No foreign key: an event outlives a deleted function and fails when run.
CREATE TABLE async_events (
  id             TEXT PRIMARY KEY,
  function_name  TEXT NOT NULL,
  qualifier      TEXT,
  payload        BLOB NOT NULL,
  request_id     TEXT NOT NULL,
  client_context TEXT,
  trace_id       TEXT,
  enqueued_at    INTEGER NOT NULL,
  attempts       INTEGER NOT NULL DEFAULT 0,
  state          TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'failed')),
  next_run_at    INTEGER NOT NULL,
  locked_by      TEXT,
  locked_until   INTEGER,
  last_error     TEXT,
  finished_at    INTEGER
);

CREATE INDEX async_events_pending ON async_events (state, next_run_at);
