-- Kinesis data streams. A stream's own fields are one JSON body; its shards are rows (ranges of
-- 128-bit hash keys as decimal text, parents, the last record counter given out, the ending
-- counter once closed); records are rows keyed by stream, shard and counter.

CREATE TABLE kinesis_streams (
  name TEXT PRIMARY KEY,
  body TEXT NOT NULL
);

CREATE TABLE kinesis_shards (
  stream_name         TEXT NOT NULL,
  shard_index         INTEGER NOT NULL,
  starting_hash_key   TEXT NOT NULL,
  ending_hash_key     TEXT NOT NULL,
  parent_index        INTEGER,
  adjacent_parent_index INTEGER,
  created_at          BIGINT NOT NULL,
  last_seq            BIGINT NOT NULL DEFAULT 0,
  ending_seq          BIGINT,
  closed_at           BIGINT,
  PRIMARY KEY (stream_name, shard_index)
);

CREATE TABLE kinesis_records (
  stream_name       TEXT NOT NULL,
  shard_index       INTEGER NOT NULL,
  seq               BIGINT NOT NULL,
  partition_key     TEXT NOT NULL,
  explicit_hash_key TEXT,
  data              BYTEA NOT NULL,
  arrived_at        BIGINT NOT NULL,
  PRIMARY KEY (stream_name, shard_index, seq)
);
CREATE INDEX kinesis_records_arrival ON kinesis_records (stream_name, arrived_at);
