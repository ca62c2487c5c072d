-- IAM-lite: users, their access keys (secrets sealed by the node), roles, and the inline and
-- attached managed policies of users and roles. Names are unique without regard to case, as in
-- IAM: the unique indexes are on lower(name).

CREATE TABLE iam_users (
  seq  BIGSERIAL PRIMARY KEY,
  name TEXT COLLATE "C" NOT NULL,
  body TEXT COLLATE "C" NOT NULL
);
CREATE UNIQUE INDEX iam_users_name ON iam_users (lower(name));

CREATE TABLE iam_roles (
  seq  BIGSERIAL PRIMARY KEY,
  name TEXT COLLATE "C" NOT NULL,
  body TEXT COLLATE "C" NOT NULL
);
CREATE UNIQUE INDEX iam_roles_name ON iam_roles (lower(name));

CREATE TABLE iam_access_keys (
  seq           BIGSERIAL PRIMARY KEY,
  access_key_id TEXT COLLATE "C" NOT NULL UNIQUE,
  user_name     TEXT COLLATE "C" NOT NULL,
  body          TEXT COLLATE "C" NOT NULL
);

CREATE TABLE iam_inline_policies (
  seq         BIGSERIAL PRIMARY KEY,
  owner_kind  TEXT COLLATE "C" NOT NULL,
  owner_name  TEXT COLLATE "C" NOT NULL,
  policy_name TEXT COLLATE "C" NOT NULL,
  document    TEXT COLLATE "C" NOT NULL
);
CREATE UNIQUE INDEX iam_inline_policies_key ON iam_inline_policies (owner_kind, lower(owner_name), lower(policy_name));

CREATE TABLE iam_attached_policies (
  seq        BIGSERIAL PRIMARY KEY,
  owner_kind TEXT COLLATE "C" NOT NULL,
  owner_name TEXT COLLATE "C" NOT NULL,
  policy_arn TEXT COLLATE "C" NOT NULL
);
CREATE UNIQUE INDEX iam_attached_policies_key ON iam_attached_policies (owner_kind, lower(owner_name), policy_arn);
