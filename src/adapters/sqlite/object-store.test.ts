import { runObjectStoreContract } from "../../ports/object-store.contract.js";
import { SqliteObjectStore } from "./object-store.js";

runObjectStoreContract("SQLite :memory:", () => Promise.resolve(SqliteObjectStore.open({ path: ":memory:" })));
