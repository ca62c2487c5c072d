-- Cluster mode: what several nodes sharing this database use to stay in step.

-- Configuration changes, numbered in commit order; every node re-reads what it has not seen (a
-- notification on channel haneul_changes announces each row). The leader trims old rows.
CREATE TABLE cluster_changes (
  seq    BIGSERIAL PRIMARY KEY,
  kind   TEXT COLLATE "C" NOT NULL CHECK (kind IN ('function', 'api')),
  key    TEXT COLLATE "C" NOT NULL,
  origin TEXT COLLATE "C" NOT NULL,
  at     BIGINT NOT NULL
);
CREATE INDEX cluster_changes_at ON cluster_changes (at);

-- Nodes, refreshed by their heartbeats; `load` is JSON (NodeLoad of src/ports/cluster.ts).
CREATE TABLE cluster_nodes (
  node_id      TEXT COLLATE "C" PRIMARY KEY,
  name         TEXT COLLATE "C" NOT NULL,
  address      TEXT COLLATE "C" NOT NULL,
  api_url      TEXT COLLATE "C" NOT NULL,
  version      TEXT COLLATE "C" NOT NULL,
  started_at   BIGINT NOT NULL,
  heartbeat_at BIGINT NOT NULL,
  load         TEXT COLLATE "C" NOT NULL
);

-- Named leases (the leader lease, later schedules and stream shards): one owner until expires_at.
CREATE TABLE cluster_leases (
  name        TEXT COLLATE "C" PRIMARY KEY,
  owner       TEXT COLLATE "C" NOT NULL,
  acquired_at BIGINT NOT NULL,
  expires_at  BIGINT NOT NULL
);

-- Concurrency slots each node holds, per pool ('*' is the unreserved pool, else a function with
-- reserved concurrency); a node's holding counts until it expires, so a dead node's slots come back.
CREATE TABLE concurrency_slots (
  pool       TEXT COLLATE "C" NOT NULL,
  node_id    TEXT COLLATE "C" NOT NULL,
  slots      INTEGER NOT NULL CHECK (slots >= 0),
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (pool, node_id)
);
CREATE INDEX concurrency_slots_node ON concurrency_slots (node_id);
