#!/usr/bin/env node
// Runs every compiled test file with Node's test runner, then fails if any function instance
// started by the suite is still running. Only this checkout's instances started during the run
// count: another haneul on the machine (a server, another checkout's tests) is not a leak.
import { spawn, spawnSync } from "node:child_process";
import { readdirSync, readlinkSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** What an instance of this checkout has on its command line (or its sandbox wrapper has). */
const MARKS = [join(ROOT, "dist", "runtime") + "/", join(ROOT, "test", "fixtures") + "/"];
/** The runtime inside an instance sandbox, at Lambda's paths. */
const SANDBOXED_BOOTSTRAP = "/var/runtime/haneul/runtime/src/bootstrap.js";

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

// Test functions run on nodejs20.x, 22.x and 24.x, each on its own Node.js major: fetch the ones
// this machine lacks into the runtimes cache first (once; later runs find them there).
const majors = spawnSync(process.execPath, [join(ROOT, "bin", "haneul.js"), "runtimes", "install", "20", "22", "24"], {
  encoding: "utf8",
});
if (majors.status !== 0) {
  console.error(`warning: Node.js runtimes could not be installed; tests of other majors will fail:\n${majors.stderr}`);
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
const startedAt = Date.now();
const runner = spawn(
  process.execPath,
  ["--test", `--test-concurrency=${concurrency}`, "--test-reporter=spec", ...extra, ...files],
  { stdio: "inherit" },
);
// Interrupted: the runner gets the signal, and the database server goes with it.
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => runner.kill(signal));
const run = await new Promise((resolve) => runner.on("close", (status) => resolve({ status })));
await pgServer?.destroy();

// etimes: seconds since the process started; one second of slack for the rounding.
const runSeconds = Math.ceil((Date.now() - startedAt) / 1000) + 1;
const ps = spawnSync("ps", ["-eo", "pid,ppid,etimes,args"], { encoding: "utf8" });
const procs = new Map(
  (ps.stdout ?? "")
    .split("\n")
    .slice(1)
    .filter((l) => l.trim() && !l.includes("ps -eo"))
    .map((line) => {
      const [pid, ppid, etimes] = line.trim().split(/\s+/).map(Number);
      return [pid, { ppid, etimes, line }];
    }),
);
/** A sandboxed runtime shows Lambda's paths, not this checkout's: it is ours when a process above it works here. */
function startedHere(pid) {
  for (let p = procs.get(pid)?.ppid, hops = 0; p && p > 1 && hops < 12; p = procs.get(p)?.ppid, hops++) {
    try {
      const cwd = readlinkSync(`/proc/${p}/cwd`);
      if (cwd === ROOT || cwd.startsWith(ROOT + "/")) return true;
    } catch {
      // Gone meanwhile.
    }
  }
  return false;
}
const leaked = [...procs]
  .filter(([pid, p]) => {
    if (p.etimes > runSeconds) return false;
    if (MARKS.some((m) => p.line.includes(m))) return true;
    return p.line.includes(SANDBOXED_BOOTSTRAP) && startedHere(pid);
  })
  .map(([, p]) => p.line);
if (leaked.length) {
  console.error(`\nleaked function instances after the suite:\n${leaked.join("\n")}`);
  process.exit(1);
}
process.exit(run.status ?? 1);
