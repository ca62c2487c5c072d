/** The suite of ../logs-insights.test.ts, on a node whose store is PostgreSQL (a database of its own). */
process.env["HANEUL_TEST_NODE_STORE"] = "postgres";
await import("../logs-insights.test.js");
