-- Lambda event source mappings: one row per mapping, its settings and state in the JSON body.
-- A source and a function are joined by at most one mapping (ResourceConflictException).

CREATE TABLE event_source_mappings (
  uuid         TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  source_arn   TEXT COLLATE "C" NOT NULL,
  function_arn TEXT COLLATE "C" NOT NULL,
  created_seq  BIGSERIAL NOT NULL,
  body         TEXT COLLATE "C" NOT NULL,
  UNIQUE (source_arn, function_arn)
);
