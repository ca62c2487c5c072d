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
  created_at          INTEGER NOT NULL,
  last_seq            INTEGER NOT NULL DEFAULT 0,
  ending_seq          INTEGER,
  closed_at           INTEGER,
  PRIMARY KEY (stream_name, shard_index)
);

CREATE TABLE kinesis_records (
  stream_name       TEXT NOT NULL,
  shard_index       INTEGER NOT NULL,
  seq               INTEGER NOT NULL,
  partition_key     TEXT NOT NULL,
  explicit_hash_key TEXT,
  data              BLOB NOT NULL,
  arrived_at        INTEGER NOT NULL,
  PRIMARY KEY (stream_name, shard_index, seq)
) WITHOUT ROWID;
CREATE INDEX kinesis_records_arrival ON kinesis_records (stream_name, arrived_at);
