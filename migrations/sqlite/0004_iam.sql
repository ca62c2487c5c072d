-- IAM-lite: users, their access keys (secrets sealed by the node), roles, and the inline and
-- attached managed policies of users and roles. Names are unique without regard to case.

CREATE TABLE iam_users (
  seq  INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  body TEXT NOT NULL
);

CREATE TABLE iam_roles (
  seq  INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  body TEXT NOT NULL
);

CREATE TABLE iam_access_keys (
  seq           INTEGER PRIMARY KEY AUTOINCREMENT,
  access_key_id TEXT NOT NULL UNIQUE,
  user_name     TEXT NOT NULL COLLATE NOCASE,
  body          TEXT NOT NULL
);

CREATE TABLE iam_inline_policies (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  owner_kind  TEXT NOT NULL,
  owner_name  TEXT NOT NULL COLLATE NOCASE,
  policy_name TEXT NOT NULL COLLATE NOCASE,
  document    TEXT NOT NULL,
  UNIQUE (owner_kind, owner_name, policy_name)
);

CREATE TABLE iam_attached_policies (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  owner_kind TEXT NOT NULL,
  owner_name TEXT NOT NULL COLLATE NOCASE,
  policy_arn TEXT NOT NULL,
  UNIQUE (owner_kind, owner_name, policy_arn)
);
