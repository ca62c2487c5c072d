import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { runIamStoreContract } from "../../ports/iam-store.contract.js";
import { SqliteIamStore } from "./iam-store.js";

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDb(): string {
  const d = mkdtempSync(join(tmpdir(), "haneul-iamstore-"));
  dirs.push(d);
  return join(d, "haneul.db");
}

runIamStoreContract("SQLite file", () => Promise.resolve(SqliteIamStore.open({ path: tempDb() })));
runIamStoreContract("SQLite :memory:", () => Promise.resolve(SqliteIamStore.open({ path: ":memory:" })));
