/** The suite of ../kinesis-lanes-failures-sdk-v3.test.ts, on a node whose store is PostgreSQL (a database of its own). */
process.env["HANEUL_TEST_NODE_STORE"] = "postgres";
await import("../kinesis-lanes-failures-sdk-v3.test.js");
