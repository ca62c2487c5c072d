#!/usr/bin/env node
// Runs every compiled test file with Node's test runner, then fails if any function instance
// started by the suite is still running. Only this checkout's instances started during the run
// count: another haneul on the machine (a server, another checkout's tests) is not a leak.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** What an instance of this checkout has on its command line (or its sandbox wrapper has). */
const MARKS = [join(ROOT, "dist", "runtime") + "/", join(ROOT, "test", "fixtures") + "/"];

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

const concurrency = process.env.HANEUL_TEST_CONCURRENCY ?? "3";
const startedAt = Date.now();
const run = spawnSync(
  process.execPath,
  ["--test", `--test-concurrency=${concurrency}`, "--test-reporter=spec", ...extra, ...files],
  { stdio: "inherit" },
);

// etimes: seconds since the process started; one second of slack for the rounding.
const runSeconds = Math.ceil((Date.now() - startedAt) / 1000) + 1;
const ps = spawnSync("ps", ["-eo", "pid,ppid,etimes,args"], { encoding: "utf8" });
const leaked = (ps.stdout ?? "").split("\n").filter((line) => {
  const etimes = Number(line.trim().split(/\s+/)[2]);
  return MARKS.some((m) => line.includes(m)) && etimes <= runSeconds && !line.includes("ps -eo");
});
if (leaked.length) {
  console.error(`\nleaked function instances after the suite:\n${leaked.join("\n")}`);
  process.exit(1);
}
process.exit(run.status ?? 1);
