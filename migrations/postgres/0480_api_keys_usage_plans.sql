-- API Gateway API keys and usage plans (kept whole as JSON bodies), the keys added to plans, and
-- the requests each key made under each plan per day (quota counters, GetUsage).

CREATE TABLE apigw_api_keys (
  id         TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  value      TEXT COLLATE "C" NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  body       TEXT COLLATE "C" NOT NULL
);

CREATE TABLE apigw_usage_plans (
  id   TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  body TEXT COLLATE "C" NOT NULL
);

CREATE TABLE apigw_usage_plan_keys (
  plan_id TEXT COLLATE "C" NOT NULL,
  key_id  TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (plan_id, key_id)
);
CREATE INDEX apigw_usage_plan_keys_key ON apigw_usage_plan_keys (key_id);

CREATE TABLE apigw_usage (
  plan_id TEXT COLLATE "C" NOT NULL,
  key_id  TEXT COLLATE "C" NOT NULL,
  day     TEXT COLLATE "C" NOT NULL,
  count   BIGINT NOT NULL,
  PRIMARY KEY (plan_id, key_id, day)
);
