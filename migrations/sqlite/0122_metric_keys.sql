-- Metric keys separate namespace, name and dimensions with U+001F instead of NUL (which
-- PostgreSQL's text cannot hold); keys written before are rewritten so their points stay readable.

UPDATE metric_series SET key = replace(key, char(0), char(31));
UPDATE metric_points SET key = replace(key, char(0), char(31));
