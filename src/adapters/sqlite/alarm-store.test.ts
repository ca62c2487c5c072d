import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { runAlarmStoreContract } from "../../ports/alarm-store.contract.js";
import { SqliteAlarmStore } from "./alarm-store.js";

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDb(): string {
  const d = mkdtempSync(join(tmpdir(), "haneul-alarmstore-"));
  dirs.push(d);
  return join(d, "haneul.db");
}

runAlarmStoreContract("SQLite file", () => Promise.resolve(SqliteAlarmStore.open({ path: tempDb() })));
runAlarmStoreContract("SQLite :memory:", () => Promise.resolve(SqliteAlarmStore.open({ path: ":memory:" })));
