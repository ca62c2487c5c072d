import { runDeploymentStoreContract } from "../../ports/deployment-store.contract.js";
import { pgFixture } from "../../../test/helpers/postgres.js";
import { PgDeploymentStore } from "./pg-deployment-store.js";

runDeploymentStoreContract(
  "PostgreSQL",
  pgFixture((db) => new PgDeploymentStore(db)),
);
