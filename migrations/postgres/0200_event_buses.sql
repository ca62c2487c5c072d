-- EventBridge: event buses and rules (targets inside the rule's body). A scheduled rule's last
-- fired tick sits beside its body, changed only by compare-and-set (one firing per tick).

CREATE TABLE event_buses (
  name TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  body TEXT COLLATE "C" NOT NULL
);

CREATE TABLE event_rules (
  bus           TEXT COLLATE "C" NOT NULL,
  name          TEXT COLLATE "C" NOT NULL,
  body          TEXT COLLATE "C" NOT NULL,
  last_fired_at BIGINT,
  PRIMARY KEY (bus, name)
);
