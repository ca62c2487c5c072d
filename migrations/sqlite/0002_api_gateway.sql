-- API Gateway: HTTP APIs (v2) and REST APIs (v1). Each row keeps its record as JSON (the types
-- of src/ports/api-store.ts); what AWS keeps unique or what cascades has its own column, so that
-- the uniqueness check and the write are one statement.

CREATE TABLE apigw_apis (
  api_id     TEXT PRIMARY KEY,
  protocol   TEXT NOT NULL CHECK (protocol IN ('HTTP', 'REST')),
  created_at INTEGER NOT NULL,
  body       TEXT NOT NULL
);

CREATE TABLE apigw_routes (
  api_id    TEXT NOT NULL REFERENCES apigw_apis (api_id) ON DELETE CASCADE,
  route_id  TEXT NOT NULL,
  route_key TEXT NOT NULL,
  body      TEXT NOT NULL,
  PRIMARY KEY (api_id, route_id),
  UNIQUE (api_id, route_key)
);

CREATE TABLE apigw_integrations (
  api_id         TEXT NOT NULL REFERENCES apigw_apis (api_id) ON DELETE CASCADE,
  integration_id TEXT NOT NULL,
  body           TEXT NOT NULL,
  PRIMARY KEY (api_id, integration_id)
);

CREATE TABLE apigw_stages (
  api_id     TEXT NOT NULL REFERENCES apigw_apis (api_id) ON DELETE CASCADE,
  stage_name TEXT NOT NULL,
  body       TEXT NOT NULL,
  PRIMARY KEY (api_id, stage_name)
);

CREATE TABLE apigw_authorizers (
  api_id        TEXT NOT NULL REFERENCES apigw_apis (api_id) ON DELETE CASCADE,
  authorizer_id TEXT NOT NULL,
  body          TEXT NOT NULL,
  PRIMARY KEY (api_id, authorizer_id)
);

-- The root resource has no parent; deleting a resource deletes its subtree (self-referencing cascade).
CREATE TABLE apigw_resources (
  api_id      TEXT NOT NULL REFERENCES apigw_apis (api_id) ON DELETE CASCADE,
  resource_id TEXT NOT NULL,
  parent_id   TEXT,
  path_part   TEXT,
  path        TEXT NOT NULL,
  body        TEXT NOT NULL,
  PRIMARY KEY (api_id, resource_id),
  UNIQUE (api_id, parent_id, path_part),
  FOREIGN KEY (api_id, parent_id) REFERENCES apigw_resources (api_id, resource_id) ON DELETE CASCADE
);

CREATE TABLE apigw_methods (
  api_id      TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  http_method TEXT NOT NULL,
  body        TEXT NOT NULL,
  PRIMARY KEY (api_id, resource_id, http_method),
  FOREIGN KEY (api_id, resource_id) REFERENCES apigw_resources (api_id, resource_id) ON DELETE CASCADE
);

CREATE TABLE apigw_deployments (
  api_id        TEXT NOT NULL REFERENCES apigw_apis (api_id) ON DELETE CASCADE,
  deployment_id TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  body          TEXT NOT NULL,
  PRIMARY KEY (api_id, deployment_id)
);
