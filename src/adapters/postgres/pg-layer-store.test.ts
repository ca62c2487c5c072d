import { runLayerStoreContract } from "../../ports/layer-store.contract.js";
import { pgFixture } from "../../../test/helpers/postgres.js";
import { PgLayerStore } from "./pg-layer-store.js";

runLayerStoreContract(
  "PostgreSQL",
  pgFixture((db) => new PgLayerStore(db)),
);
