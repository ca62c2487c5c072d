import { runStreamStoreContract } from "../../ports/stream-store.contract.js";
import { pgFixture } from "../../../test/helpers/postgres.js";
import { PgStreamStore } from "./pg-stream-store.js";

runStreamStoreContract(
  "PostgreSQL",
  pgFixture((db) => new PgStreamStore(db)),
);
