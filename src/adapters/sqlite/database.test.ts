import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import BetterSqlite3 from "better-sqlite3";
import { openDatabase } from "./database.js";

const dir = mkdtempSync(join(tmpdir(), "haneul-sqlite-tx-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A table on a fresh file, and a second connection to it that never waits for a lock. */
function twoConnections(name: string): { db: ReturnType<typeof openDatabase>; other: BetterSqlite3.Database } {
  const path = join(dir, `${name}.db`);
  const db = openDatabase({ path });
  db.exec("CREATE TABLE counters (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)");
  db.exec("INSERT INTO counters VALUES (1, 0)");
  const other = new BetterSqlite3(path);
  other.pragma("busy_timeout = 0");
  return { db, other };
}

test("a store's read-then-write transaction holds the write lock from its start: another connection's commit cannot make it fail", () => {
  const { db, other } = twoConnections("immediate");
  try {
    const read = db.prepare("SELECT n FROM counters WHERE id = 1");
    const write = db.prepare("UPDATE counters SET n = ? WHERE id = 1");
    let otherFailed: unknown;
    const increment = db.transaction(() => {
      const { n } = read.get() as { n: number };
      // Another connection (the log append thread, another store) tries to commit in between.
      try {
        other.exec("UPDATE counters SET n = 100 WHERE id = 1");
      } catch (e) {
        otherFailed = e;
      }
      write.run(n + 1);
    });
    increment();
    assert.match(String(otherFailed), /database is locked/);
    assert.equal((read.get() as { n: number }).n, 1);
    // Nested calls are savepoints of the outer transaction.
    const twice = db.transaction(() => {
      increment();
      increment();
    });
    twice();
    assert.equal((read.get() as { n: number }).n, 3);
  } finally {
    other.close();
    db.close();
  }
});

test("the deferred variant is still there, and shows the failure the default avoids", () => {
  const { db, other } = twoConnections("deferred");
  try {
    const read = db.prepare("SELECT n FROM counters WHERE id = 1");
    const write = db.prepare("UPDATE counters SET n = ? WHERE id = 1");
    const increment = db.transaction(() => {
      const { n } = read.get() as { n: number };
      other.exec("UPDATE counters SET n = 100 WHERE id = 1");
      write.run(n + 1);
    });
    assert.throws(() => increment.deferred(), { code: "SQLITE_BUSY_SNAPSHOT" });
    assert.equal((read.get() as { n: number }).n, 100);
  } finally {
    other.close();
    db.close();
  }
});
