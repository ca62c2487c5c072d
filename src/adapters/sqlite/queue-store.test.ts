import { runQueueStoreContract } from "../../ports/queue-store.contract.js";
import { SqliteQueueStore } from "./queue-store.js";

runQueueStoreContract("SQLite :memory:", () => Promise.resolve(SqliteQueueStore.open({ path: ":memory:" })));
