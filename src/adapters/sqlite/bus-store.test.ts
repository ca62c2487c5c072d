import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { runBusStoreContract } from "../../ports/bus-store.contract.js";
import { SqliteBusStore } from "./bus-store.js";

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDb(): string {
  const d = mkdtempSync(join(tmpdir(), "haneul-busstore-"));
  dirs.push(d);
  return join(d, "haneul.db");
}

runBusStoreContract("SQLite file", () => Promise.resolve(SqliteBusStore.open({ path: tempDb() })));
runBusStoreContract("SQLite :memory:", () => Promise.resolve(SqliteBusStore.open({ path: ":memory:" })));
