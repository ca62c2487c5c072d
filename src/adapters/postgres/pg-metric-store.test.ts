import { runMetricStoreContract } from "../../ports/metric-store.contract.js";
import { pgFixture } from "../../../test/helpers/postgres.js";
import { PgMetricStore } from "./pg-metric-store.js";

runMetricStoreContract(
  "PostgreSQL",
  pgFixture((db) => new PgMetricStore(db)),
);
