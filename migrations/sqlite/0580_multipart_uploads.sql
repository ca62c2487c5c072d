-- S3 multipart uploads in progress and their parts (content kept in the row, as objects').
-- CompleteMultipartUpload turns the chosen parts into one object and removes the upload;
-- AbortMultipartUpload removes it with its parts.

CREATE TABLE s3_uploads (
  upload_id    TEXT PRIMARY KEY,
  bucket       TEXT NOT NULL,
  key          TEXT NOT NULL,
  content_type TEXT,
  initiated    INTEGER NOT NULL
);

CREATE INDEX s3_uploads_by_bucket ON s3_uploads (bucket, key, upload_id);

CREATE TABLE s3_parts (
  upload_id     TEXT NOT NULL,
  part_number   INTEGER NOT NULL,
  size          INTEGER NOT NULL,
  etag          TEXT NOT NULL,
  last_modified INTEGER NOT NULL,
  body          BLOB NOT NULL,
  PRIMARY KEY (upload_id, part_number)
);
