import { after } from "node:test";
import { runStreamCheckpointStoreContract } from "../../ports/stream-checkpoint-store.contract.js";
import { tempDir, type TempDir } from "../../../test/helpers/temp-dir.js";
import { SqliteStreamCheckpointStore } from "./stream-checkpoint-store.js";

const dirs: TempDir[] = [];
after(async () => {
  for (const d of dirs) await d.remove();
});
function tempDb(): string {
  const d = tempDir("checkpoints");
  dirs.push(d);
  return `${d.path}/haneul.db`;
}

runStreamCheckpointStoreContract("SQLite file", () =>
  Promise.resolve(SqliteStreamCheckpointStore.open({ path: tempDb() })),
);
runStreamCheckpointStoreContract("SQLite :memory:", () =>
  Promise.resolve(SqliteStreamCheckpointStore.open({ path: ":memory:" })),
);
