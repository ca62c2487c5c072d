-- haneul's small S3 for deployment artifacts: buckets and their objects (content kept in the row).

CREATE TABLE s3_buckets (
  name       TEXT COLLATE "C" PRIMARY KEY,
  created_at BIGINT NOT NULL
);

CREATE TABLE s3_objects (
  bucket        TEXT COLLATE "C" NOT NULL,
  key           TEXT COLLATE "C" NOT NULL,
  size          BIGINT NOT NULL,
  etag          TEXT NOT NULL,
  content_type  TEXT,
  last_modified BIGINT NOT NULL,
  body          BYTEA NOT NULL,
  PRIMARY KEY (bucket, key)
);
