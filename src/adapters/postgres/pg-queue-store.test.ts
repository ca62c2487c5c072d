import { runQueueStoreContract } from "../../ports/queue-store.contract.js";
import { pgFixture } from "../../../test/helpers/postgres.js";
import { PgQueueStore } from "./pg-queue-store.js";

runQueueStoreContract(
  "PostgreSQL",
  pgFixture((db) => new PgQueueStore(db)),
);
