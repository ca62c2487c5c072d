import { runUsagePlanStoreContract } from "../../ports/usage-plan-store.contract.js";
import { pgFixture } from "../../../test/helpers/postgres.js";
import { PgUsagePlanStore } from "./pg-usage-plan-store.js";

runUsagePlanStoreContract(
  "PostgreSQL",
  pgFixture((db) => new PgUsagePlanStore(db)),
);
