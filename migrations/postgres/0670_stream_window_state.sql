-- Tumbling windows of stream mappings: the open window of a shard (its start, in milliseconds since
-- the epoch) and the state the function returned last in it, kept with the shard's checkpoint.

ALTER TABLE stream_checkpoints ADD COLUMN window_start BIGINT;
ALTER TABLE stream_checkpoints ADD COLUMN window_state TEXT;
