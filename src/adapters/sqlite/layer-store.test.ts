import { runLayerStoreContract } from "../../ports/layer-store.contract.js";
import { SqliteLayerStore } from "./layer-store.js";

runLayerStoreContract("SQLite :memory:", () => Promise.resolve(SqliteLayerStore.open({ path: ":memory:" })));
