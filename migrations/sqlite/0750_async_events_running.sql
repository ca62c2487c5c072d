-- The index on (state, next_run_at) held every event ever queued and moved in it at each claim and
-- completion (its key holds the state). The claim and the next-due lookup read async_events_open
-- (open events only, in claim order); the running events' leases are read from this partial index,
-- which holds only running events: an event enters it when claimed and leaves when it ends.
DROP INDEX async_events_pending;
CREATE INDEX async_events_running ON async_events (locked_until) WHERE state = 'running';
