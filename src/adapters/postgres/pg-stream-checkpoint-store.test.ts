import { runStreamCheckpointStoreContract } from "../../ports/stream-checkpoint-store.contract.js";
import { pgFixture } from "../../../test/helpers/postgres.js";
import { PgStreamCheckpointStore } from "./pg-stream-checkpoint-store.js";

runStreamCheckpointStoreContract(
  "PostgreSQL",
  pgFixture((db) => new PgStreamCheckpointStore(db)),
);
