import { runLogStoreContract } from "../../ports/log-store.contract.js";
import { pgFixture } from "../../../test/helpers/postgres.js";
import { PgLogStore } from "./pg-log-store.js";

runLogStoreContract(
  "PostgreSQL",
  pgFixture((db) => new PgLogStore(db)),
);
