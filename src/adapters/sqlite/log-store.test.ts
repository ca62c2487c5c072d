import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { runLogStoreContract } from "../../ports/log-store.contract.js";
import { SqliteLogStore } from "./log-store.js";

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDb(): string {
  const d = mkdtempSync(join(tmpdir(), "haneul-logstore-"));
  dirs.push(d);
  return join(d, "haneul.db");
}

runLogStoreContract("SQLite file", () => Promise.resolve(SqliteLogStore.open({ path: tempDb() })));
runLogStoreContract("SQLite file, appends on a thread", () =>
  Promise.resolve(SqliteLogStore.open({ path: tempDb(), appendThread: { onCrash: (e) => assert.fail(e) } })),
);
runLogStoreContract("SQLite :memory:", () => Promise.resolve(SqliteLogStore.open({ path: ":memory:" })));
