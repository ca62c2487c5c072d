-- CloudWatch metrics: which metrics exist, and their per-bucket aggregates at 1 s, 60 s and 300 s.
-- A point row belongs to one writer (a node's run): nodes never update each other's rows, readers merge.

CREATE TABLE metric_series (
  key        TEXT PRIMARY KEY,
  namespace  TEXT NOT NULL,
  name       TEXT NOT NULL,
  dimensions TEXT NOT NULL,
  unit       TEXT NOT NULL,
  last_seen  INTEGER NOT NULL
);
CREATE INDEX metric_series_name ON metric_series (namespace, name);

CREATE TABLE metric_points (
  key        TEXT NOT NULL,
  resolution INTEGER NOT NULL,
  start      INTEGER NOT NULL,
  writer     TEXT NOT NULL,
  count      REAL NOT NULL,
  sum        REAL NOT NULL,
  min        REAL NOT NULL,
  max        REAL NOT NULL,
  histogram  TEXT NOT NULL,
  PRIMARY KEY (key, resolution, start, writer)
) WITHOUT ROWID;
CREATE INDEX metric_points_age ON metric_points (resolution, start);
