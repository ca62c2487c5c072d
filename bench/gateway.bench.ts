/**
 * Gateway benchmark (not a test): wrk, 50 connections for 10 s each, against
 *   1. a bare node:http server answering the same JSON (the baseline),
 *   2. the floor of a process hop (bench/fixtures/hop-floor.cjs): bare node:http handing each
 *      request to one of as many child processes as haneul runs, over a pipe, with no runtime,
 *   3. haneul's gateway: an HTTP API route to a no-op function in real instance processes, with
 *      the instance sandbox off and on (ARCHITECTURE.md "Instances"),
 *   4. serverless-offline (bench/peers: serverless@3 + serverless-offline@13, one httpApi route
 *      to the same handler), when it is installed there (`cd bench/peers && npm install`).
 * Reports requests/s, p50/p99 latency, the ratio to the baseline and the RSS of every process
 * that serves (the gateway process plus its function instances; serverless-offline's tree).
 * Run: npm run build && node dist/bench/gateway.bench.js
 * Knobs: BENCH_DURATION=10 BENCH_CONNECTIONS=50 BENCH_TARGETS=bare,floor,haneul-off,haneul,serverless-offline
 *        BENCH_SCALE_OUT_AFTER (default 2 x cores, as the server) BENCH_INSTANCE_NICE (default 10)
 *        BENCH_AHEAD_DEPTH (events handed ahead per instance; default the server's)
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import type { DeployedApi } from "../src/domain/deployed-api.js";
import { Gateway } from "../src/gateway/gateway.js";
import { systemClock } from "../src/shared/clock.js";
import { randomIds } from "../src/shared/ids.js";
import type { Engine } from "../src/compose/engine.js";
import { availableParallelism } from "node:os";
import { fixtureSpec, testEngine } from "../test/helpers/engine.js";
import { ROOT } from "../test/helpers/paths.js";
import { fmt, percentile } from "./stats.js";

const DURATION = Number(process.env["BENCH_DURATION"] ?? 10);
const CONNECTIONS = Number(process.env["BENCH_CONNECTIONS"] ?? 50);
const TARGETS = (process.env["BENCH_TARGETS"] ?? "bare,floor,haneul-off,haneul,serverless-offline").split(",");
/** Instances haneul keeps busy before events wait for one (the server's default); the floor gets as many children. */
const INSTANCES = Number(process.env["BENCH_SCALE_OUT_AFTER"] ?? 2 * availableParallelism());
const PEERS = join(ROOT, "bench", "peers");
const NOOP_DIR = join(ROOT, "bench", "fixtures", "noop");

interface WrkResult {
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: string;
}

interface Row extends Partial<WrkResult> {
  readonly name: string;
  readonly rssMb?: number;
  readonly processes?: number;
  readonly note?: string;
}

function toMs(v: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(v.trim());
  if (!m) return NaN;
  const n = Number(m[1]);
  return m[2] === "us" ? n / 1000 : m[2] === "s" ? n * 1000 : n;
}

/** Runs wrk and parses requests/s and the latency distribution. */
function wrk(url: string, seconds: number, headers: string[] = []): Promise<WrkResult> {
  const args = [
    "-t",
    String(Math.min(2, CONNECTIONS)),
    "-c",
    String(CONNECTIONS),
    "-d",
    `${seconds}s`,
    "--latency",
    ...headers.flatMap((h) => ["-H", h]),
    url,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn("wrk", args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("close", () => {
      const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
      const p50 = /^\s+50%\s+(\S+)/m.exec(out)?.[1] ?? "";
      const p99 = /^\s+99%\s+(\S+)/m.exec(out)?.[1] ?? "";
      const errors = [/Non-2xx or 3xx responses: \d+/.exec(out)?.[0], /Socket errors:.*/.exec(out)?.[0]]
        .filter(Boolean)
        .join("; ");
      resolve({ rps, p50Ms: toMs(p50), p99Ms: toMs(p99), errors: errors || "none" });
    });
  });
}

/** Resident memory of `pid` and all its descendants, from /proc. */
function treeRss(pid: number): { mb: number; processes: number } {
  const children = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // the process ended while we looked
    }
  }
  let kb = 0;
  let processes = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop() as number;
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, "utf8"));
      kb += Number(m?.[1] ?? 0);
      processes++;
    } catch {
      continue;
    }
    stack.push(...(children.get(p) ?? []));
  }
  return { mb: kb / 1024, processes };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Starts a child process group and resolves once `ready` appears in its output. */
function startChild(
  cmd: string,
  args: string[],
  o: { cwd?: string; env?: NodeJS.ProcessEnv; ready: RegExp },
): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: o.cwd, env: o.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let log = "";
    const onData = (d: Buffer) => {
      log += d.toString();
      if (o.ready.test(log)) resolve(child);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.on("exit", (code) => reject(new Error(`${cmd} exited (${code}) before it was ready:\n${log.slice(-2000)}`)));
    setTimeout(() => reject(new Error(`${cmd} not ready after 60 s:\n${log.slice(-2000)}`)), 60_000).unref();
  });
}

function stopGroup(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.pid === undefined) return resolve();
    child.once("exit", () => resolve());
    process.kill(-child.pid, "SIGTERM");
  });
}

const BARE = `
const http = require("node:http");
const body = Buffer.from(JSON.stringify({ ok: true }));
const s = http.createServer((req, res) => { res.writeHead(200, { "content-type": "application/json", "content-length": body.length }); res.end(body); });
s.keepAliveTimeout = 65000;
s.listen(Number(process.argv[1]), "127.0.0.1", () => console.log("listening"));`;

async function bare(): Promise<Row> {
  const port = await freePort();
  const child = await startChild(process.execPath, ["-e", BARE, String(port)], { ready: /listening/ });
  try {
    const url = `http://127.0.0.1:${port}/`;
    await wrk(url, 2);
    const r = await wrk(url, DURATION);
    const rss = treeRss(child.pid as number);
    return { name: "bare node:http", ...r, rssMb: rss.mb, processes: rss.processes };
  } finally {
    await stopGroup(child);
  }
}

async function hopFloor(): Promise<Row> {
  const port = await freePort();
  const script = join(ROOT, "bench", "fixtures", "hop-floor.cjs");
  const child = await startChild(process.execPath, [script, String(port), String(INSTANCES)], { ready: /port \d+/ });
  try {
    const url = `http://127.0.0.1:${port}/`;
    await wrk(url, 2);
    const r = await wrk(url, DURATION);
    const rss = treeRss(child.pid as number);
    return { name: `floor: node:http → ${INSTANCES} child processes`, ...r, rssMb: rss.mb, processes: rss.processes };
  } finally {
    await stopGroup(child);
  }
}

// A payload 2.0 event of the size the gateway sends for wrk's requests.
const EVENT = Buffer.from(
  JSON.stringify({
    version: "2.0",
    routeKey: "GET /",
    rawPath: "/",
    rawQueryString: "",
    headers: {
      host: "bench.execute-api.localhost",
      "x-amzn-trace-id": `Root=1-00000000-${"0".repeat(24)};Parent=${"0".repeat(16)};Sampled=0`,
    },
    requestContext: {
      accountId: "000000000000",
      apiId: "bench",
      http: { method: "GET", path: "/", protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "" },
    },
    isBase64Encoded: false,
  }),
);

/** The same load without HTTP: CONNECTIONS callers of invoker.invoke() in this process. */
async function invokerAlone(invoker: Engine["invoker"]): Promise<Row> {
  const latencies: number[] = [];
  const end = performance.now() + DURATION * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < end) {
        const s = performance.now();
        await invoker.invoke({ functionName: "noop" }, EVENT);
        latencies.push(performance.now() - s);
      }
    }),
  );
  const rps = (latencies.length / (performance.now() - t0)) * 1000;
  return {
    name: "  reference: invoker.invoke() alone, no HTTP",
    rps,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    errors: "none",
  };
}

async function haneul(sandbox: "auto" | "off"): Promise<Row[]> {
  const spec = { ...fixtureSpec("x", "index.handler"), functionName: "noop", codeDir: NOOP_DIR };
  let coldStarts = 0;
  // As `haneul server` runs it: burst smoothing at its defaults (2 x cores busy, 250 ms).
  const engine = await testEngine([spec], {
    sandbox,
    sparesPerHeap: 1,
    scaleOutAfter: INSTANCES,
    scaleOutWaitMs: 250,
    instanceNice: Number(process.env["BENCH_INSTANCE_NICE"] ?? 10),
    aheadDepth: process.env["BENCH_AHEAD_DEPTH"] ? Number(process.env["BENCH_AHEAD_DEPTH"]) : undefined,
    onRecord: (r) => void (r.initDurationMs !== undefined && coldStarts++),
  });
  const gateway = new Gateway({
    invoker: engine.invoker,
    clock: systemClock,
    ids: randomIds,
    region: "us-east-1",
    accountId: "000000000000",
  });
  const api: DeployedApi = {
    apiId: "bench",
    name: "bench",
    protocol: "HTTP",
    binaryMediaTypes: [],
    stages: [
      {
        stageName: "$default",
        variables: {},
        deployment: {
          deploymentId: "d1",
          routes: [
            {
              routeKey: "GET /",
              integration: { functionName: "noop", payloadFormatVersion: "2.0", timeoutMs: 30_000 },
            },
          ],
        },
      },
    ],
  };
  gateway.setApis([api]);
  const port = await gateway.listen(0, "127.0.0.1");
  try {
    const url = `http://127.0.0.1:${port}/`;
    const host = ["Host: bench.execute-api.localhost"];
    // Start the instances burst smoothing keeps busy (as many as the server would) before the
    // measurement, a few rounds so that none is still starting, then let wrk warm the JIT. (All
    // CONNECTIONS at once would start one instance per connection wherever cold starts are slower
    // than the 250 ms an event waits, and the runs would then compare different instance counts.)
    for (let round = 0; round < 3; round++) {
      await Promise.all(
        Array.from({ length: INSTANCES }, () => engine.invoker.invoke({ functionName: "noop" }, EVENT)),
      );
    }
    await wrk(url, 3, host);
    coldStarts = 0;
    const r = await wrk(url, DURATION, host);
    if (coldStarts > 0) console.log(`note: ${coldStarts} cold starts happened during the measurement`);
    const rss = treeRss(process.pid);
    const gatewayRow = {
      name: `haneul gateway, sandbox ${sandbox === "off" ? "off" : "on"}`,
      ...r,
      rssMb: rss.mb,
      processes: rss.processes,
    };
    return sandbox === "off" ? [gatewayRow] : [gatewayRow, await invokerAlone(engine.invoker)];
  } finally {
    await gateway.close();
    await engine.close();
  }
}

async function serverlessOffline(): Promise<Row> {
  const name = "serverless-offline 13 (serverless 3)";
  const bin = join(PEERS, "node_modules", "serverless", "bin", "serverless.js");
  if (!existsSync(bin)) return { name, note: `not installed: run \`npm install\` in ${PEERS}` };
  const port = await freePort();
  const lambdaPort = await freePort();
  const env = {
    ...process.env,
    SLS_TELEMETRY_DISABLED: "1",
    SLS_NOTIFICATIONS_MODE: "off",
    SLS_DEPRECATION_DISABLE: "*",
    AWS_ACCESS_KEY_ID: "bench",
    AWS_SECRET_ACCESS_KEY: "bench",
  };
  const args = [bin, "offline", "--host", "127.0.0.1", "--httpPort", String(port), "--lambdaPort", String(lambdaPort)];
  let child: ChildProcess;
  try {
    child = await startChild(process.execPath, args, { cwd: PEERS, env, ready: /Server ready/ });
  } catch (e) {
    return { name, note: `could not start: ${(e as Error).message.split("\n").slice(0, 3).join(" ")}` };
  }
  try {
    const url = `http://127.0.0.1:${port}/`;
    await wrk(url, 3);
    const r = await wrk(url, DURATION);
    const rss = treeRss(child.pid as number);
    return { name, ...r, rssMb: rss.mb, processes: rss.processes };
  } finally {
    await stopGroup(child);
  }
}

async function main(): Promise<void> {
  if (spawnSync("wrk", ["--version"]).error) throw new Error("wrk is not installed (Debian: apt-get install -y wrk)");
  console.log(`wrk: ${CONNECTIONS} connections, ${DURATION} s per target, node ${process.version}\n`);
  const all: [string, () => Promise<Row | Row[]>][] = [
    ["bare", bare],
    ["floor", hopFloor],
    ["haneul-off", () => haneul("off")],
    ["haneul", () => haneul("auto")],
    ["serverless-offline", serverlessOffline],
  ];
  const rows: Row[] = [];
  for (const [key, run] of all) if (TARGETS.includes(key)) rows.push(...[await run()].flat());
  const base = rows.find((r) => r.name.startsWith("bare"))?.rps ?? NaN;
  const pad = (s: string, n: number) => s.padEnd(n);
  console.log(
    pad("target", 46) +
      pad("req/s", 11) +
      pad("p50 ms", 9) +
      pad("p99 ms", 9) +
      pad("vs bare", 9) +
      pad("RSS MB (procs)", 16) +
      "errors",
  );
  const on = rows.find((r) => r.name.endsWith("sandbox on"))?.rps;
  const off = rows.find((r) => r.name.endsWith("sandbox off"))?.rps;
  if (on !== undefined && off !== undefined) console.log(`sandbox on / off: ${fmt(on / off, 3)}\n`);
  for (const r of rows) {
    if (r.rps === undefined) {
      console.log(pad(r.name, 46) + r.note);
      continue;
    }
    console.log(
      pad(r.name, 46) +
        pad(fmt(r.rps, 0), 11) +
        pad(fmt(r.p50Ms ?? NaN), 9) +
        pad(fmt(r.p99Ms ?? NaN), 9) +
        pad(fmt(r.rps / base, 3), 9) +
        pad(r.rssMb === undefined ? "" : `${fmt(r.rssMb, 0)} (${r.processes})`, 16) +
        r.errors,
    );
  }
}

await main();
