/** The suite of ../scheduler-retries.test.ts, on a node whose store is PostgreSQL (a database of its own). */
process.env["HANEUL_TEST_NODE_STORE"] = "postgres";
await import("../scheduler-retries.test.js");
