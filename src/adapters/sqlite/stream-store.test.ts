import { runStreamStoreContract } from "../../ports/stream-store.contract.js";
import { SqliteStreamStore } from "./stream-store.js";

runStreamStoreContract("SQLite :memory:", () => Promise.resolve(SqliteStreamStore.open({ path: ":memory:" })));
