import { runIamStoreContract } from "../../ports/iam-store.contract.js";
import { pgFixture } from "../../../test/helpers/postgres.js";
import { PgIamStore } from "./pg-iam-store.js";

runIamStoreContract(
  "PostgreSQL",
  pgFixture((db) => new PgIamStore(db)),
);
