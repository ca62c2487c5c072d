-- Resource-based policy statements of functions (AddPermission), per qualifier: '' for the
-- unqualified function, else a version number or an alias name. Kept in the order they were added.

CREATE TABLE function_policy_statements (
  seq           BIGSERIAL PRIMARY KEY,
  function_name TEXT COLLATE "C" NOT NULL REFERENCES functions (name) ON DELETE CASCADE,
  qualifier     TEXT COLLATE "C" NOT NULL,
  sid           TEXT COLLATE "C" NOT NULL,
  statement     TEXT COLLATE "C" NOT NULL,
  UNIQUE (function_name, qualifier, sid)
);
