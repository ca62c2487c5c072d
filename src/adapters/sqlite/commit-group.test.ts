import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import BetterSqlite3 from "better-sqlite3";
import type { Database } from "better-sqlite3";
import { CommitGroup } from "./commit-group.js";

describe("CommitGroup", () => {
  let dir: string;
  let db: Database;
  let reader: Database;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "commit-group-"));
    db = new BetterSqlite3(join(dir, "db.sqlite"));
    db.pragma("journal_mode = WAL");
    db.exec("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)");
    reader = new BetterSqlite3(join(dir, "db.sqlite"), { readonly: true });
  });

  after(() => {
    reader.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const count = (): number => (reader.prepare("SELECT COUNT(*) AS n FROM items").get() as { n: number }).n;
  const insert = (name: string) => () => db.prepare("INSERT INTO items (name) VALUES (?)").run(name).changes;

  it("commits writes issued together in one transaction, answering each after the commit", async () => {
    const group = new CommitGroup(db);
    const start = count();
    const seenByOthers: number[] = [];
    const writes = ["a", "b", "c"].map((name) =>
      group.run(() => {
        // Another connection sees none of the group's rows until the one commit.
        seenByOthers.push(count());
        return insert(name)();
      }),
    );
    const results = await Promise.all(writes);
    assert.deepEqual(results, [1, 1, 1]);
    assert.deepEqual(seenByOthers, [start, start, start]);
    assert.equal(count(), start + 3);
  });

  it("fails only the write that failed, rolling back its own changes alone", async () => {
    const group = new CommitGroup(db);
    const start = count();
    const ok = group.run(insert("d"));
    const failing = group.run(() => {
      insert("e")();
      return insert("a")(); // taken: UNIQUE constraint
    });
    const okToo = group.run(insert("f"));
    assert.equal(await ok, 1);
    await assert.rejects(failing, /UNIQUE/);
    assert.equal(await okToo, 1);
    const names = (reader.prepare("SELECT name FROM items ORDER BY name").all() as { name: string }[]).map(
      (r) => r.name,
    );
    assert.equal(count(), start + 2);
    assert.deepEqual(names.includes("e"), false);
  });

  it("runs single statements without a savepoint, a failing one failing only its caller", async () => {
    const group = new CommitGroup(db);
    const start = count();
    const ok = group.runStatement(insert("s1"));
    const failing = group.runStatement(insert("a")); // taken: UNIQUE constraint
    const inSavepoint = group.run(insert("s2"));
    const okToo = group.runStatement(insert("s3"));
    assert.equal(await ok, 1);
    await assert.rejects(failing, /UNIQUE/);
    assert.equal(await inSavepoint, 1);
    assert.equal(await okToo, 1);
    assert.equal(count(), start + 3);
  });

  it("commits what waits when flushed before the database closes", async () => {
    const group = new CommitGroup(db);
    const start = count();
    const pending = group.run(insert("g"));
    group.flush();
    assert.equal(count(), start + 1);
    assert.equal(await pending, 1);
  });
});
