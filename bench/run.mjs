#!/usr/bin/env node
// Runs the compiled benchmarks one after another (or those named: `npm run bench -- runtime`).
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";

const only = process.argv.slice(2);
const files = readdirSync("dist/bench")
  .filter((f) => f.endsWith(".bench.js"))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)));
for (const f of files) {
  console.log(`\n=== ${f}`);
  const r = spawnSync(process.execPath, [`dist/bench/${f}`], { stdio: "inherit" });
  if (r.status !== 0) process.exitCode = 1;
}
