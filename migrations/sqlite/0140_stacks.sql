-- CloudFormation stacks: the stack (template, parameters, outputs, status) as a JSON body, its
-- resources, its events (append-only), its change sets and the values it exports. A deleted stack
-- keeps its row (ListStacks shows it); only one stack not deleted may have a name.

CREATE TABLE cfn_stacks (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  stack_id   TEXT NOT NULL UNIQUE,
  stack_name TEXT NOT NULL,
  deleted    INTEGER NOT NULL DEFAULT 0,
  body       TEXT NOT NULL
);
CREATE INDEX cfn_stacks_name ON cfn_stacks (stack_name, deleted);

CREATE TABLE cfn_resources (
  stack_id   TEXT NOT NULL,
  logical_id TEXT NOT NULL,
  body       TEXT NOT NULL,
  PRIMARY KEY (stack_id, logical_id)
);

CREATE TABLE cfn_events (
  seq      INTEGER PRIMARY KEY AUTOINCREMENT,
  stack_id TEXT NOT NULL,
  body     TEXT NOT NULL
);
CREATE INDEX cfn_events_stack ON cfn_events (stack_id, seq);

CREATE TABLE cfn_change_sets (
  seq             INTEGER PRIMARY KEY AUTOINCREMENT,
  change_set_id   TEXT NOT NULL UNIQUE,
  stack_id        TEXT NOT NULL,
  change_set_name TEXT NOT NULL,
  body            TEXT NOT NULL,
  UNIQUE (stack_id, change_set_name)
);

CREATE TABLE cfn_exports (
  name     TEXT PRIMARY KEY,
  stack_id TEXT NOT NULL,
  value    TEXT NOT NULL
);
