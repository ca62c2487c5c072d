import { runBusStoreContract } from "../../ports/bus-store.contract.js";
import { pgFixture } from "../../../test/helpers/postgres.js";
import { PgBusStore } from "./pg-bus-store.js";

runBusStoreContract(
  "PostgreSQL",
  pgFixture((db) => new PgBusStore(db)),
);
