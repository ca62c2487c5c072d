#!/usr/bin/env node
// Runs every compiled test file with Node's test runner, then fails if any function instance
// (a runtime process started by the suite) is still running.
import { spawn, spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const roots = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const extra = process.argv.slice(2).filter((a) => a.startsWith("--"));

function find(dir, out) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith(".test.js")) out.push(p);
  }
  return out;
}

const files = (roots.length ? roots : ["dist/src", "dist/test"])
  .flatMap((r) => (r.endsWith(".js") ? [r] : find(r, [])))
  .sort();
if (files.length === 0) {
  console.error("no test files found");
  process.exit(1);
}

// One PostgreSQL server for the whole run: test files clone their databases from a template on it
// (test/helpers/postgres.ts). Without PostgreSQL installed the run goes on, and the tests that
// need it fail saying so.
let pgServer;
if (!process.env.HANEUL_TEST_PG_URL) {
  try {
    const { startPgServer } = await import("../dist/test/helpers/pg-server.js");
    pgServer = await startPgServer();
    process.env.HANEUL_TEST_PG_URL = pgServer.url();
  } catch (e) {
    console.error(`run-tests: no PostgreSQL server for this run: ${e.message}`);
  }
}

const concurrency = process.env.HANEUL_TEST_CONCURRENCY ?? "3";
const runner = spawn(
  process.execPath,
  ["--test", `--test-concurrency=${concurrency}`, "--test-reporter=spec", ...extra, ...files],
  { stdio: "inherit" },
);
// Interrupted: the runner gets the signal, and the database server goes with it.
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => runner.kill(signal));
const run = await new Promise((resolve) => runner.on("close", (status) => resolve({ status })));
await pgServer?.destroy();

const ps = spawnSync("ps", ["-eo", "pid,ppid,args"], { encoding: "utf8" });
const leaked = (ps.stdout ?? "")
  .split("\n")
  // Only this checkout's processes: other checkouts on the machine may be running their own suites.
  .filter(
    (l) => /runtime\/src\/bootstrap\.js|test\/fixtures\//.test(l) && l.includes(process.cwd()) && !l.includes("ps -eo"),
  );
if (leaked.length) {
  console.error(`\nleaked function instances after the suite:\n${leaked.join("\n")}`);
  process.exit(1);
}
process.exit(run.status ?? 1);
