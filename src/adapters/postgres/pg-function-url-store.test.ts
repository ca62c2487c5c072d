import { runFunctionUrlStoreContract } from "../../ports/function-url-store.contract.js";
import { pgFixture } from "../../../test/helpers/postgres.js";
import { PgFunctionUrlStore } from "./pg-function-url-store.js";

runFunctionUrlStoreContract(
  "PostgreSQL",
  pgFixture((db) => new PgFunctionUrlStore(db)),
);
