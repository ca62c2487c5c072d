/**
 * `haneul dev` start and idle memory on a 20-function template (plain JS, each behind an HttpApi
 * route): from spawning `haneul dev` in a fresh folder to all 20 routes answering 200, then, once
 * each function has answered and the process has idled 2 s, the RSS of the `haneul dev` process
 * and the sum over its descendants (the instances and their sandboxes). Baseline in the same run:
 * `haneul server` alone on a fresh data directory, from spawning to its first answered request.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { startDev } from "../test/helpers/haneul-dev.js";
import { startServerProcess } from "../test/helpers/server-process.js";
import { benchFolder, get, load, treeRss, writeFunctionsApp } from "./dev-app.js";
import { fmt, median } from "./stats.js";

const FUNCTIONS = 20;
const RUNS = 5;

async function allAnswer(root: string): Promise<void> {
  const pending = new Set(Array.from({ length: FUNCTIONS }, (_, i) => `/f${i}`));
  const started = performance.now();
  while (pending.size > 0) {
    if (performance.now() - started > 120_000) throw new Error(`no 200 from ${[...pending].join(" ")}`);
    const answers = await Promise.all([...pending].map(async (p) => [p, (await get(root, p)).status] as const));
    for (const [p, status] of answers) if (status === 200) pending.delete(p);
    if (pending.size > 0) await new Promise((r) => setTimeout(r, 5));
  }
}

async function devRun(): Promise<{ ms: number; selfMb: number; descendantsMb: number; count: number }> {
  const app = benchFolder("dev-start");
  writeFunctionsApp(app, FUNCTIONS);
  const started = performance.now();
  const dev = await startDev(app);
  try {
    await allAnswer(dev.root);
    const ms = performance.now() - started;
    await new Promise((r) => setTimeout(r, 2000));
    return { ms, ...treeRss(dev.child.pid as number) };
  } finally {
    await dev.stop();
    rmSync(app, { recursive: true, force: true });
  }
}

async function serverRun(): Promise<number> {
  const data = benchFolder("server-start");
  const started = performance.now();
  const server = await startServerProcess({
    args: ["--data", join(data, "data"), "--api-port", "0", "--gateway-port", "0"],
    timeoutMs: 60_000,
  });
  try {
    while ((await get(server.apiUrl, "/2015-03-31/functions/")).status === 0);
    return performance.now() - started;
  } finally {
    await server.stop();
    rmSync(data, { recursive: true, force: true });
  }
}

const loadBefore = load();
const dev: Awaited<ReturnType<typeof devRun>>[] = [];
const server: number[] = [];
for (let i = 0; i < RUNS; i++) {
  dev.push(await devRun());
  server.push(await serverRun());
}
const ms = dev.map((d) => d.ms);
const baseline = median(server);
console.log(`load average before: ${loadBefore}; after: ${load()}`);
console.log(`| case | p50 | max | × baseline |`);
console.log(
  `| haneul dev, ${FUNCTIONS} functions: spawn → all routes 200 (${RUNS}) | ${fmt(median(ms), 0)} ms | ${fmt(Math.max(...ms), 0)} ms | ${fmt(median(ms) / baseline, 1)} |`,
);
console.log(
  `| baseline: haneul server alone: spawn → first answer (${RUNS}) | ${fmt(baseline, 0)} ms | ${fmt(Math.max(...server), 0)} ms | 1 |`,
);
console.log(
  `idle RSS after each function answered once (median of ${RUNS}): haneul dev ${fmt(median(dev.map((d) => d.selfMb)), 1)} MB; ` +
    `its ${median(dev.map((d) => d.count))} descendant processes together ${fmt(median(dev.map((d) => d.descendantsMb)), 1)} MB`,
);
