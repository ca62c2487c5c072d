-- Resource-based policy statements of functions (AddPermission), per qualifier: '' for the
-- unqualified function, else a version number or an alias name. Kept in the order they were added.

CREATE TABLE function_policy_statements (
  seq           INTEGER PRIMARY KEY AUTOINCREMENT,
  function_name TEXT NOT NULL REFERENCES functions (name) ON DELETE CASCADE,
  qualifier     TEXT NOT NULL,
  sid           TEXT NOT NULL,
  statement     TEXT NOT NULL,
  UNIQUE (function_name, qualifier, sid)
);
