import { runTopicStoreContract } from "../../ports/topic-store.contract.js";
import { pgFixture } from "../../../test/helpers/postgres.js";
import { PgTopicStore } from "./pg-topic-store.js";

runTopicStoreContract(
  "PostgreSQL",
  pgFixture((db) => new PgTopicStore(db)),
);
