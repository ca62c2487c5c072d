/**
 * Issue "foundation" benchmarks: cold start with and without a spare process against the floors
 * measured in the same run, warm invoke() throughput and p99, and idle instance memory.
 * Run: npm run build && node dist/bench/runtime.bench.js
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { testEngine, fixtureSpec } from "../test/helpers/engine.js";
import { ROOT } from "../test/helpers/paths.js";
import type { FunctionSpec } from "../src/domain/function-spec.js";
import { fmt, median, percentile } from "./stats.js";

const NOOP_DIR = join(ROOT, "bench", "fixtures", "noop");
const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 30);

function noopSpec(name: string): FunctionSpec {
  return {
    ...fixtureSpec("x", "index.handler"),
    functionName: name,
    functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    codeDir: NOOP_DIR,
  };
}

/** Floor 1: spawn a fresh node process that loads the handler module and answers once. */
async function freshNodeFloor(): Promise<number> {
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    const child = spawn(
      process.execPath,
      ["-e", `require(${JSON.stringify(join(NOOP_DIR, "index.js"))}); process.stdout.write("ok")`],
      {
        stdio: ["ignore", "pipe", "ignore"],
      },
    );
    child.stdout.once("data", () => resolve());
  });
  return performance.now() - t0;
}

/** Floor 2: a pre-started node process asked over a pipe to load a module and answer. */
async function spareFloor(): Promise<number[]> {
  const script = `process.stdin.on("data", (d) => { const m = require(d.toString().trim()); process.stdout.write(typeof m.handler); });`;
  const out: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const child = spawn(process.execPath, ["-e", script], { stdio: ["pipe", "pipe", "ignore"] });
    await new Promise((r) => setTimeout(r, 150));
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      child.stdout.once("data", () => resolve());
      child.stdin.write(join(NOOP_DIR, "index.js") + "\n");
    });
    out.push(performance.now() - t0);
    child.kill();
  }
  return out;
}

async function coldStarts(spares: number, sandbox: "auto" | "off"): Promise<number[]> {
  const specs = Array.from({ length: ROUNDS }, (_, i) => noopSpec(`cold-${spares}-${i}`));
  const engine = await testEngine(specs, { sparesPerHeap: spares, sandbox });
  const times: number[] = [];
  try {
    for (const spec of specs) {
      if (spares > 0) while (engine.launcher.spareCount < 1) await new Promise((r) => setTimeout(r, 10));
      const t0 = performance.now();
      const r = await engine.invoker.invoke({ functionName: spec.functionName }, Buffer.from("{}"));
      times.push(performance.now() - t0);
      if (r.outcome.kind !== "ok") throw new Error(`cold start failed: ${r.outcome.kind}`);
    }
  } finally {
    await engine.close();
  }
  return times;
}

async function warmThroughput(
  concurrency: number,
  durationMs: number,
  sandbox: "auto" | "off" = "auto",
): Promise<{ rps: number; p50: number; p99: number }> {
  const spec = noopSpec("warm");
  const engine = await testEngine([spec], { sandbox });
  const latencies: number[] = [];
  try {
    const payload = Buffer.from("{}");
    // Warm up one instance per caller.
    await Promise.all(
      Array.from({ length: concurrency }, () => engine.invoker.invoke({ functionName: "warm" }, payload)),
    );
    const end = performance.now() + durationMs;
    let count = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < end) {
          const s = performance.now();
          await engine.invoker.invoke({ functionName: "warm" }, payload);
          latencies.push(performance.now() - s);
          count++;
        }
      }),
    );
    const elapsed = performance.now() - t0;
    return { rps: (count / elapsed) * 1000, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
  } finally {
    await engine.close();
  }
}

/** One event after `idleMs` without any (in the sandbox the instance is frozen by then and thawed first). */
async function afterIdle(sandbox: "auto" | "off", idleMs: number): Promise<number[]> {
  const engine = await testEngine([noopSpec("idle-then")], { sandbox });
  const times: number[] = [];
  try {
    const payload = Buffer.from("{}");
    await engine.invoker.invoke({ functionName: "idle-then" }, payload);
    for (let i = 0; i < 20; i++) {
      await new Promise((r) => setTimeout(r, idleMs));
      const t0 = performance.now();
      await engine.invoker.invoke({ functionName: "idle-then" }, payload);
      times.push(performance.now() - t0);
    }
  } finally {
    await engine.close();
  }
  return times;
}

async function idleMemory(): Promise<number> {
  const spec = noopSpec("idle");
  // Without the sandbox: the instance is then this process's child (in it, a grandchild of pasta).
  const engine = await testEngine([spec], { sandbox: "off" });
  try {
    await engine.invoker.invoke({ functionName: "idle" }, Buffer.from("{}"));
    await new Promise((r) => setTimeout(r, 500));
    const pids = readFileSync("/proc/self/task/" + process.pid + "/children", "utf8")
      .trim()
      .split(/\s+/)
      .filter(Boolean);
    const rss = pids.map((pid) => {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
    });
    return Math.max(...rss);
  } finally {
    await engine.close();
  }
}

async function main(): Promise<void> {
  const fresh: number[] = [];
  for (let i = 0; i < ROUNDS; i++) fresh.push(await freshNodeFloor());
  const spare = await spareFloor();
  const results: Record<string, string> = {};
  results["floor: fresh node process, p50 ms"] = fmt(median(fresh));
  results["floor: spare process loads module, p50 ms"] = fmt(median(spare));
  for (const sandbox of ["off", "auto"] as const) {
    const label = sandbox === "off" ? "sandbox off" : "sandbox on";
    const withSpare = await coldStarts(2, sandbox);
    const without = await coldStarts(0, sandbox);
    results[`${label}: cold start with spare, p50 ms`] = fmt(median(withSpare));
    results[`${label}: cold start with spare, overhead over floor p50 ms`] = fmt(median(withSpare) - median(spare));
    results[`${label}: cold start without spare, p50 ms`] = fmt(median(without));
    results[`${label}: cold start without spare / fresh node`] = fmt(median(without) / median(fresh));
    const w = await warmThroughput(4, 4000, sandbox);
    results[`${label}: warm invoke() x4 callers: inv/s`] = fmt(w.rps, 0);
    results[`${label}: warm invoke() x4 callers: p50 / p99 ms`] = `${fmt(w.p50, 3)} / ${fmt(w.p99, 3)}`;
    results[`${label}: one event after 20 ms idle, p50 ms`] = fmt(median(await afterIdle(sandbox, 20)), 3);
    results[`${label}: one event after 300 ms idle (frozen), p50 ms`] = fmt(median(await afterIdle(sandbox, 300)), 3);
  }
  for (const c of [1, 8, 16]) {
    const w = await warmThroughput(c, 4000);
    results[`warm invoke() x${c} callers: inv/s`] = fmt(w.rps, 0);
    results[`warm invoke() x${c} callers: p50 / p99 ms`] = `${fmt(w.p50, 3)} / ${fmt(w.p99, 3)}`;
  }
  results["idle instance RSS MB"] = fmt(await idleMemory(), 1);
  for (const [k, v] of Object.entries(results)) console.log(`${k.padEnd(64)} ${v}`);
}

await main();
