import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { runMappingStoreContract } from "../../ports/mapping-store.contract.js";
import { SqliteMappingStore } from "./mapping-store.js";

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDb(): string {
  const d = mkdtempSync(join(tmpdir(), "haneul-mappingstore-"));
  dirs.push(d);
  return join(d, "haneul.db");
}

runMappingStoreContract("SQLite file", () => Promise.resolve(SqliteMappingStore.open({ path: tempDb() })));
runMappingStoreContract("SQLite :memory:", () => Promise.resolve(SqliteMappingStore.open({ path: ":memory:" })));
