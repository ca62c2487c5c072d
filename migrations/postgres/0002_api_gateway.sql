-- API Gateway: HTTP APIs (v2) and REST APIs (v1), as migrations/sqlite/0002_api_gateway.sql. Each
-- row keeps its record as JSON text (the types of src/ports/api-store.ts); what AWS keeps unique or
-- what cascades has its own column, so that the uniqueness check and the write are one statement.

CREATE TABLE apigw_apis (
  api_id     TEXT COLLATE "C" PRIMARY KEY,
  protocol   TEXT COLLATE "C" NOT NULL CHECK (protocol IN ('HTTP', 'REST')),
  created_at BIGINT NOT NULL,
  body       TEXT COLLATE "C" NOT NULL
);

CREATE TABLE apigw_routes (
  api_id    TEXT COLLATE "C" NOT NULL REFERENCES apigw_apis (api_id) ON DELETE CASCADE,
  route_id  TEXT COLLATE "C" NOT NULL,
  route_key TEXT COLLATE "C" NOT NULL,
  body      TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (api_id, route_id),
  UNIQUE (api_id, route_key)
);

CREATE TABLE apigw_integrations (
  api_id         TEXT COLLATE "C" NOT NULL REFERENCES apigw_apis (api_id) ON DELETE CASCADE,
  integration_id TEXT COLLATE "C" NOT NULL,
  body           TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (api_id, integration_id)
);

CREATE TABLE apigw_stages (
  api_id     TEXT COLLATE "C" NOT NULL REFERENCES apigw_apis (api_id) ON DELETE CASCADE,
  stage_name TEXT COLLATE "C" NOT NULL,
  body       TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (api_id, stage_name)
);

CREATE TABLE apigw_authorizers (
  api_id        TEXT COLLATE "C" NOT NULL REFERENCES apigw_apis (api_id) ON DELETE CASCADE,
  authorizer_id TEXT COLLATE "C" NOT NULL,
  body          TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (api_id, authorizer_id)
);

-- The root resource has no parent; deleting a resource deletes its subtree (self-referencing cascade).
CREATE TABLE apigw_resources (
  api_id      TEXT COLLATE "C" NOT NULL REFERENCES apigw_apis (api_id) ON DELETE CASCADE,
  resource_id TEXT COLLATE "C" NOT NULL,
  parent_id   TEXT COLLATE "C",
  path_part   TEXT COLLATE "C",
  path        TEXT COLLATE "C" NOT NULL,
  body        TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (api_id, resource_id),
  UNIQUE (api_id, parent_id, path_part),
  FOREIGN KEY (api_id, parent_id) REFERENCES apigw_resources (api_id, resource_id) ON DELETE CASCADE
);

CREATE TABLE apigw_methods (
  api_id      TEXT COLLATE "C" NOT NULL,
  resource_id TEXT COLLATE "C" NOT NULL,
  http_method TEXT COLLATE "C" NOT NULL,
  body        TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (api_id, resource_id, http_method),
  FOREIGN KEY (api_id, resource_id) REFERENCES apigw_resources (api_id, resource_id) ON DELETE CASCADE
);

CREATE TABLE apigw_deployments (
  api_id        TEXT COLLATE "C" NOT NULL REFERENCES apigw_apis (api_id) ON DELETE CASCADE,
  deployment_id TEXT COLLATE "C" NOT NULL,
  created_at    BIGINT NOT NULL,
  body          TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (api_id, deployment_id)
);
