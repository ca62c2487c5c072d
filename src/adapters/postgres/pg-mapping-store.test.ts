import { runMappingStoreContract } from "../../ports/mapping-store.contract.js";
import { pgFixture } from "../../../test/helpers/postgres.js";
import { PgMappingStore } from "./pg-mapping-store.js";

runMappingStoreContract(
  "PostgreSQL",
  pgFixture((db) => new PgMappingStore(db)),
);
