-- Stream event source mappings: per mapping and shard, the counter of the last record done and
-- whether the (closed) shard was read to its end. Checkpoints only move forward.

CREATE TABLE stream_checkpoints (
  mapping_uuid TEXT NOT NULL,
  shard_index  INTEGER NOT NULL,
  seq          INTEGER NOT NULL,
  done         INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (mapping_uuid, shard_index)
);
