-- SNS: topics and subscriptions (kept whole as JSON bodies), the deliveries a publish leaves to be
-- made (claimed with a lease, deleted once made), and FIFO topics' deduplication window.

CREATE TABLE sns_topics (
  arn  TEXT NOT NULL PRIMARY KEY,
  body TEXT NOT NULL
);

CREATE TABLE sns_subscriptions (
  arn       TEXT NOT NULL PRIMARY KEY,
  topic_arn TEXT NOT NULL,
  body      TEXT NOT NULL
);
CREATE INDEX sns_subscriptions_topic ON sns_subscriptions (topic_arn);

CREATE TABLE sns_deliveries (
  id               TEXT NOT NULL PRIMARY KEY,
  subscription_arn TEXT NOT NULL,
  body             TEXT NOT NULL,
  due_at           BIGINT NOT NULL,
  attempts         INTEGER NOT NULL DEFAULT 0,
  claimed_by       TEXT,
  claimed_until    BIGINT
);
CREATE INDEX sns_deliveries_due ON sns_deliveries (due_at);

CREATE TABLE sns_dedup (
  topic_arn  TEXT NOT NULL,
  id         TEXT NOT NULL,
  message_id TEXT NOT NULL,
  until      BIGINT NOT NULL,
  PRIMARY KEY (topic_arn, id)
);
