-- The access key a cluster's nodes share when none is configured: the first node to start makes it,
-- the others read it, so that a request signed with it is accepted by whichever node answers.

CREATE TABLE node_credentials (
  name              TEXT COLLATE "C" PRIMARY KEY,
  access_key_id     TEXT COLLATE "C" NOT NULL,
  secret_access_key TEXT COLLATE "C" NOT NULL,
  created_at        BIGINT NOT NULL
);
