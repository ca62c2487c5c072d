import { runAlarmStoreContract } from "../../ports/alarm-store.contract.js";
import { pgFixture } from "../../../test/helpers/postgres.js";
import { PgAlarmStore } from "./pg-alarm-store.js";

runAlarmStoreContract(
  "PostgreSQL",
  pgFixture((db) => new PgAlarmStore(db)),
);
