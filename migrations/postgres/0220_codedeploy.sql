-- CodeDeploy: applications, deployment groups, custom deployment configs and deployments.
-- A deployment's body is its whole state; active_alias and active_group are set while it is not
-- final, so that their UNIQUE constraints keep one active deployment per alias and per group.

CREATE TABLE cd_applications (
  name TEXT PRIMARY KEY,
  body TEXT NOT NULL
);

CREATE TABLE cd_deployment_groups (
  application TEXT NOT NULL,
  name        TEXT NOT NULL,
  body        TEXT NOT NULL,
  PRIMARY KEY (application, name)
);

CREATE TABLE cd_deployment_configs (
  name TEXT PRIMARY KEY,
  body TEXT NOT NULL
);

CREATE TABLE cd_deployments (
  id           TEXT PRIMARY KEY,
  application  TEXT NOT NULL,
  group_name   TEXT NOT NULL,
  status       TEXT NOT NULL,
  created_at   BIGINT NOT NULL,
  active_alias TEXT UNIQUE,
  active_group TEXT UNIQUE,
  revision     INTEGER NOT NULL,
  body         TEXT NOT NULL
);
CREATE INDEX cd_deployments_created ON cd_deployments (created_at);
