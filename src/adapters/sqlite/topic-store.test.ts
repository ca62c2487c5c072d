import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { runTopicStoreContract } from "../../ports/topic-store.contract.js";
import { SqliteTopicStore } from "./topic-store.js";

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDb(): string {
  const d = mkdtempSync(join(tmpdir(), "haneul-topicstore-"));
  dirs.push(d);
  return join(d, "haneul.db");
}

runTopicStoreContract("SQLite file", () => Promise.resolve(SqliteTopicStore.open({ path: tempDb() })));
runTopicStoreContract("SQLite :memory:", () => Promise.resolve(SqliteTopicStore.open({ path: ":memory:" })));
