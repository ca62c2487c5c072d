-- Function code packages, so that every node of a cluster can run every version: the zip bytes,
-- stored once per SHA-256 (lower-case hex). Each node extracts a package into its own local cache.

CREATE TABLE code_packages (
  sha256_hex TEXT COLLATE "C" PRIMARY KEY CHECK (sha256_hex ~ '^[0-9a-f]{64}$'),
  size       BIGINT NOT NULL,
  zip        BYTEA NOT NULL,
  created_at BIGINT NOT NULL
);
