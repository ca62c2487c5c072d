-- CloudWatch alarms (metric, metric-math, composite) with their state, and their history.

CREATE TABLE cw_alarms (
  name TEXT PRIMARY KEY,
  body TEXT NOT NULL
);

CREATE TABLE cw_alarm_history (
  seq BIGSERIAL PRIMARY KEY,
  alarm_name TEXT NOT NULL,
  at         BIGINT NOT NULL,
  item_type  TEXT NOT NULL,
  body       TEXT NOT NULL
);
CREATE INDEX cw_alarm_history_name ON cw_alarm_history (alarm_name, at);
CREATE INDEX cw_alarm_history_at ON cw_alarm_history (at);
