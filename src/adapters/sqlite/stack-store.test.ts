import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { runStackStoreContract, sampleResource, sampleStack } from "../../ports/stack-store.contract.js";
import { SqliteStackStore } from "./stack-store.js";

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDb(): string {
  const d = mkdtempSync(join(tmpdir(), "haneul-stackstore-"));
  dirs.push(d);
  return join(d, "haneul.db");
}

runStackStoreContract("SQLite file", () => Promise.resolve(SqliteStackStore.open({ path: tempDb() })));
runStackStoreContract("SQLite :memory:", () => Promise.resolve(SqliteStackStore.open({ path: ":memory:" })));

void test("SQLite: a stack in progress and its resources are there after the file is reopened", async () => {
  const path = tempDb();
  const first = SqliteStackStore.open({ path });
  const s = sampleStack("s", { status: "UPDATE_IN_PROGRESS" });
  await first.putStack(s);
  await first.putResource(s.stackId, sampleResource("Fn"));
  await first.close();
  const second = SqliteStackStore.open({ path });
  assert.deepEqual(await second.getStack("s"), s);
  assert.deepEqual(await second.listResources(s.stackId), [sampleResource("Fn")]);
  await second.close();
});
