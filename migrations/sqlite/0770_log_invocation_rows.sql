-- CloudWatch Logs: an invocation's log is one row, its record kept raw (`record`: the numbers and
-- the function's lines as they came), its text (init lines, START, lines, END, REPORT…) made when
-- something reads it. The row stands for the events first_id..id (ids are reserved for them, so
-- reads and subscription cursors see one id per event); ts and end_ts are the times of its first
-- and last event. A plain event has none of the three (its message is its text).
-- A group's record_span is the longest end_ts - ts of its records (-1: it has none): a read of a
-- time range or after a cursor widens its index range by that much and no more.

ALTER TABLE log_events ADD COLUMN end_ts INTEGER;
ALTER TABLE log_events ADD COLUMN first_id INTEGER;
ALTER TABLE log_events ADD COLUMN record BLOB;
ALTER TABLE log_groups ADD COLUMN record_span INTEGER NOT NULL DEFAULT -1;
