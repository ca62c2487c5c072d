-- CloudFormation stacks: the stack (template, parameters, outputs, status) as a JSON body, its
-- resources, its events (append-only), its change sets and the values it exports. A deleted stack
-- keeps its row (ListStacks shows it); only one stack not deleted may have a name.

CREATE TABLE cfn_stacks (
  seq        BIGSERIAL PRIMARY KEY,
  stack_id   TEXT COLLATE "C" NOT NULL UNIQUE,
  stack_name TEXT COLLATE "C" NOT NULL,
  deleted    BOOLEAN NOT NULL DEFAULT FALSE,
  body       TEXT COLLATE "C" NOT NULL
);
CREATE INDEX cfn_stacks_name ON cfn_stacks (stack_name, deleted);

CREATE TABLE cfn_resources (
  stack_id   TEXT COLLATE "C" NOT NULL,
  logical_id TEXT COLLATE "C" NOT NULL,
  body       TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (stack_id, logical_id)
);

CREATE TABLE cfn_events (
  seq      BIGSERIAL PRIMARY KEY,
  stack_id TEXT COLLATE "C" NOT NULL,
  body     TEXT COLLATE "C" NOT NULL
);
CREATE INDEX cfn_events_stack ON cfn_events (stack_id, seq);

CREATE TABLE cfn_change_sets (
  seq             BIGSERIAL PRIMARY KEY,
  change_set_id   TEXT COLLATE "C" NOT NULL UNIQUE,
  stack_id        TEXT COLLATE "C" NOT NULL,
  change_set_name TEXT COLLATE "C" NOT NULL,
  body            TEXT COLLATE "C" NOT NULL,
  UNIQUE (stack_id, change_set_name)
);

CREATE TABLE cfn_exports (
  name     TEXT COLLATE "C" PRIMARY KEY,
  stack_id TEXT COLLATE "C" NOT NULL,
  value    TEXT COLLATE "C" NOT NULL
);
