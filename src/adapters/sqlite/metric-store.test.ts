import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { runMetricStoreContract } from "../../ports/metric-store.contract.js";
import { SqliteMetricStore } from "./metric-store.js";

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDb(): string {
  const d = mkdtempSync(join(tmpdir(), "haneul-metricstore-"));
  dirs.push(d);
  return join(d, "haneul.db");
}

runMetricStoreContract("SQLite file", () => Promise.resolve(SqliteMetricStore.open({ path: tempDb() })));
runMetricStoreContract("SQLite :memory:", () => Promise.resolve(SqliteMetricStore.open({ path: ":memory:" })));
runMetricStoreContract("SQLite file, writes on their thread", () =>
  Promise.resolve(SqliteMetricStore.open({ path: tempDb(), writeThread: { onCrash: (e) => assert.fail(e) } })),
);
