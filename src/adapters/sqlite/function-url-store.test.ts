import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { runFunctionUrlStoreContract } from "../../ports/function-url-store.contract.js";
import { SqliteFunctionUrlStore } from "./function-url-store.js";

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDb(): string {
  const d = mkdtempSync(join(tmpdir(), "haneul-urlstore-"));
  dirs.push(d);
  return join(d, "haneul.db");
}

runFunctionUrlStoreContract("SQLite file", () => Promise.resolve(SqliteFunctionUrlStore.open({ path: tempDb() })));
runFunctionUrlStoreContract("SQLite :memory:", () =>
  Promise.resolve(SqliteFunctionUrlStore.open({ path: ":memory:" })),
);
