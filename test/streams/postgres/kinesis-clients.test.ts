/** The suite of ../kinesis-clients.test.ts, on a PostgreSQL store (a database of its own). */
process.env["HANEUL_TEST_NODE_STORE"] = "postgres";
await import("../kinesis-clients.test.js");
