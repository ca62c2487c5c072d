import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { runUsagePlanStoreContract } from "../../ports/usage-plan-store.contract.js";
import { SqliteUsagePlanStore } from "./usage-plan-store.js";

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDb(): string {
  const d = mkdtempSync(join(tmpdir(), "haneul-usageplans-"));
  dirs.push(d);
  return join(d, "haneul.db");
}

runUsagePlanStoreContract("SQLite file", () => Promise.resolve(SqliteUsagePlanStore.open({ path: tempDb() })));
runUsagePlanStoreContract("SQLite :memory:", () => Promise.resolve(SqliteUsagePlanStore.open({ path: ":memory:" })));
