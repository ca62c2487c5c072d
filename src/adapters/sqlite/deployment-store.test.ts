import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { runDeploymentStoreContract } from "../../ports/deployment-store.contract.js";
import { SqliteDeploymentStore } from "./deployment-store.js";

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDb(): string {
  const d = mkdtempSync(join(tmpdir(), "haneul-deploystore-"));
  dirs.push(d);
  return join(d, "haneul.db");
}

runDeploymentStoreContract("SQLite file", () => Promise.resolve(SqliteDeploymentStore.open({ path: tempDb() })));
runDeploymentStoreContract("SQLite :memory:", () => Promise.resolve(SqliteDeploymentStore.open({ path: ":memory:" })));
