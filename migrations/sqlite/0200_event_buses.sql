-- EventBridge: event buses and rules (targets inside the rule's body). A scheduled rule's last
-- fired tick sits beside its body, changed only by compare-and-set (one firing per tick).

CREATE TABLE event_buses (
  name TEXT NOT NULL PRIMARY KEY,
  body TEXT NOT NULL
);

CREATE TABLE event_rules (
  bus           TEXT NOT NULL,
  name          TEXT NOT NULL,
  body          TEXT NOT NULL,
  last_fired_at BIGINT,
  PRIMARY KEY (bus, name)
);
