import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import BetterSqlite3 from "better-sqlite3";
import { runStoreContract, sampleFunction } from "../../ports/store.contract.js";
import { sampleEvent } from "../../ports/store.queue-contract.js";
import { defaultMigrationsDir, readMigrations } from "./migrate.js";
import { SqliteStore } from "./sqlite-store.js";

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "haneul-sqlite-"));
  dirs.push(d);
  return d;
}
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

runStoreContract("SQLite file", () => Promise.resolve(SqliteStore.open({ path: join(tempDir(), "haneul.db") })));
runStoreContract("SQLite :memory:", () => Promise.resolve(SqliteStore.open({ path: ":memory:" })));

describe("SqliteStore (file specifics)", () => {
  test("data and queued events survive a reopen; migrations are recorded once", async () => {
    const path = join(tempDir(), "nested", "haneul.db");
    const first = SqliteStore.open({ path });
    await first.insertFunction(sampleFunction("fn"));
    await first.enqueueEvent(sampleEvent("e1"));
    await first.close();
    const second = SqliteStore.open({ path });
    assert.equal((await second.getFunction("fn"))?.name, "fn");
    assert.equal((await second.getEvent("e1"))?.state, "pending");
    await second.close();
    const db = new BetterSqlite3(path, { readonly: true });
    const rows = db.prepare("SELECT version, name FROM schema_migrations").all();
    // Every numbered file of migrations/sqlite, once each (0002 onwards belong to other stores sharing the file).
    const expected = readMigrations(defaultMigrationsDir()).map((m) => ({ version: m.version, name: m.name }));
    assert.deepEqual(rows, expected);
    assert.deepEqual(expected[0], { version: 1, name: "0001_init.sql" });
    assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
    db.close();
  });
});
