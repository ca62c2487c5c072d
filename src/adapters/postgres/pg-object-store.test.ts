import { runObjectStoreContract } from "../../ports/object-store.contract.js";
import { pgFixture } from "../../../test/helpers/postgres.js";
import { PgObjectStore } from "./pg-object-store.js";

runObjectStoreContract(
  "PostgreSQL",
  pgFixture((db) => new PgObjectStore(db)),
);
