-- haneul's small S3 for deployment artifacts: buckets and their objects (content kept in the row).

CREATE TABLE s3_buckets (
  name       TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL
);

CREATE TABLE s3_objects (
  bucket        TEXT NOT NULL,
  key           TEXT NOT NULL,
  size          INTEGER NOT NULL,
  etag          TEXT NOT NULL,
  content_type  TEXT,
  last_modified INTEGER NOT NULL,
  body          BLOB NOT NULL,
  PRIMARY KEY (bucket, key)
);
