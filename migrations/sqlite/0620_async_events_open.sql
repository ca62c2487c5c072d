-- A claim takes the oldest due of the open (pending or running) events. This index holds only open
-- events, in claim order, so a claim reads the first few entries instead of sorting every pending
-- event (done and failed events stay in the table until housekeeping removes them). PostgreSQL has
-- the same index since 0001.
CREATE INDEX async_events_open ON async_events (next_run_at, enqueued_at, id) WHERE state IN ('pending', 'running');
