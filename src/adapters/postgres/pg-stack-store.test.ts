import { runStackStoreContract } from "../../ports/stack-store.contract.js";
import { pgFixture } from "../../../test/helpers/postgres.js";
import { PgStackStore } from "./pg-stack-store.js";

runStackStoreContract(
  "PostgreSQL",
  pgFixture((db) => new PgStackStore(db)),
);
