-- SNS: topics and subscriptions (kept whole as JSON bodies), the deliveries a publish leaves to be
-- made (claimed with a lease, deleted once made), and FIFO topics' deduplication window.

CREATE TABLE sns_topics (
  arn  TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  body TEXT COLLATE "C" NOT NULL
);

CREATE TABLE sns_subscriptions (
  arn       TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  topic_arn TEXT COLLATE "C" NOT NULL,
  body      TEXT COLLATE "C" NOT NULL
);
CREATE INDEX sns_subscriptions_topic ON sns_subscriptions (topic_arn);

CREATE TABLE sns_deliveries (
  id               TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  subscription_arn TEXT COLLATE "C" NOT NULL,
  body             TEXT COLLATE "C" NOT NULL,
  due_at           BIGINT NOT NULL,
  attempts         INTEGER NOT NULL DEFAULT 0,
  claimed_by       TEXT,
  claimed_until    BIGINT
);
CREATE INDEX sns_deliveries_due ON sns_deliveries (due_at);

CREATE TABLE sns_dedup (
  topic_arn  TEXT COLLATE "C" NOT NULL,
  id         TEXT COLLATE "C" NOT NULL,
  message_id TEXT COLLATE "C" NOT NULL,
  until      BIGINT NOT NULL,
  PRIMARY KEY (topic_arn, id)
);
