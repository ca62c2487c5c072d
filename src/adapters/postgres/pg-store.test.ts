import { runApiStoreContract } from "../../ports/api-store.contract.js";
import { runStoreContract } from "../../ports/store.contract.js";
import { pgFixture } from "../../../test/helpers/postgres.js";
import { PgApiStore } from "./pg-api-store.js";
import { PgStore } from "./pg-store.js";

runStoreContract(
  "PostgreSQL",
  pgFixture((db) => new PgStore(db)),
);
runApiStoreContract(
  "PostgreSQL",
  pgFixture((db) => new PgApiStore(db)),
);
