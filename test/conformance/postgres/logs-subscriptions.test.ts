/** The suite of ../logs-subscriptions.test.ts, on a node whose store is PostgreSQL (one node delivers, the leader). */
process.env["HANEUL_TEST_NODE_STORE"] = "postgres";
await import("../logs-subscriptions.test.js");
