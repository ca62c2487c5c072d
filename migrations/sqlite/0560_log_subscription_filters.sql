-- CloudWatch Logs subscription filters (at most two per group). last_event_id is the delivery
-- cursor: the id of the last event of the group the filter has handled.

CREATE TABLE log_subscription_filters (
  group_name      TEXT NOT NULL,
  name            TEXT NOT NULL,
  filter_pattern  TEXT NOT NULL,
  destination_arn TEXT NOT NULL,
  role_arn        TEXT,
  distribution    TEXT NOT NULL,
  created_at      BIGINT NOT NULL,
  last_event_id   BIGINT NOT NULL,
  PRIMARY KEY (group_name, name)
);
