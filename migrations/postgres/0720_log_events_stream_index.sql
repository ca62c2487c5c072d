-- GetLogEvents reads one stream: its events in (ts, id) order come from this index rather than a
-- walk of the whole group's range filtered by stream. PostgreSQL only: on SQLite the same index
-- costs appends about 40 % (docs/BENCHMARKS.md), and reads of one stream narrow the group's range
-- to the stream's first and last event instead.
CREATE INDEX log_events_stream_ts ON log_events (stream_id, ts, id);
