/**
 * Telemetry on vs off: gateway → function requests/s (wrk, 50 connections) through one engine and
 * gateway, alternating rounds with the record channel's subscribers detached (off: records cost
 * nothing past their fields) and attached two ways: the log writer into a SQLite log store on a
 * file (appends on its thread, as a node opens it) plus a counting listener ("logs"), and the log
 * writer plus the metrics a node attaches (recorder into the same file, Lambda/EMF/Prometheus
 * feeds: "node"); the write path before the append thread (appends on this thread) is a fourth
 * way, the baseline of the change, and the node's listeners with a log store that drops what it is
 * given a fifth (what all but storing the rows costs). Same instances, same run; median of the rounds each way, of
 * req/s and of this thread's CPU time per request (from /proc, steadier than req/s on a loaded
 * machine). Target: on/off ≥ 0.95.
 * Run: npm run build && node dist/bench/telemetry.bench.js   Knobs: BENCH_ROUNDS=3 BENCH_DURATION=5
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteLogStore } from "../src/adapters/sqlite/log-store.js";
import { createMetrics } from "../src/compose/metrics.js";
import type { DeployedApi } from "../src/domain/deployed-api.js";
import type { InvocationRecord } from "../src/domain/invocation.js";
import { Gateway } from "../src/gateway/gateway.js";
import { systemClock } from "../src/shared/clock.js";
import { randomIds } from "../src/shared/ids.js";
import { LogWriter, RecordChannel } from "../src/telemetry/index.js";
import { fixtureSpec, testEngine } from "../test/helpers/engine.js";
import { ROOT } from "../test/helpers/paths.js";
import { fmt, median } from "./stats.js";
import { spawn } from "node:child_process";
import { hasWrk } from "./wrk.js";

const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 3);
const DURATION = Number(process.env["BENCH_DURATION"] ?? 5);
const INSTANCES = 2 * availableParallelism();

/** wrk in a child process, awaited (the gateway runs in this process: spawnSync would stall it). */
function wrk(url: string, seconds: number): Promise<{ rps: number; requests: number; bad: string }> {
  const args = ["-t2", "-c50", `-d${seconds}s`, "-H", "Host: bench.execute-api.localhost", url];
  return new Promise((resolve, reject) => {
    const child = spawn("wrk", args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("close", () =>
      resolve({
        rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN),
        requests: Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN),
        bad: /Non-2xx or 3xx responses: \d+|Socket errors: .*/.exec(out)?.[0] ?? "",
      }),
    );
  });
}

/** One way of running: the record channel's subscribers, and each round's req/s and gateway-thread CPU µs per request. */
interface Mode {
  readonly label: string;
  readonly listeners: ((r: InvocationRecord) => void)[];
  readonly rps: number[];
  readonly cpu: number[];
  /** The whole process's CPU µs per request (every thread: the append thread's and the metric store's work too). */
  readonly processCpu: number[];
}

/**
 * CPU time of this process's main thread (the gateway's event loop; not the append thread, not the
 * instances), in ms, from /proc: unlike req/s, it does not move with the load others put on the cores.
 */
function gatewayThreadCpuMs(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

async function main(): Promise<void> {
  if (!hasWrk()) throw new Error("wrk is not installed (apt-get install wrk)");
  const dir = mkdtempSync(join(tmpdir(), "haneul-telemetry-bench-"));
  const channel = new RecordChannel();
  const store = SqliteLogStore.open({
    path: join(dir, "haneul.db"),
    appendThread: { onCrash: (e) => console.error("append thread", e) },
  });
  const metrics = createMetrics({
    ...{ dataDir: dir, database: undefined, clock: systemClock, nodeId: "bench" },
    ...{ region: "us-east-1", accountId: "000000000000", log: (m: string, e?: unknown) => console.error(m, e) },
  });
  const writer = new LogWriter({ store, clock: systemClock, onError: (m, e) => console.error(m, e) });
  // The baseline of the write path: appends on the gateway's own event loop (before the thread).
  const inlineStore = SqliteLogStore.open({ path: join(dir, "inline.db") });
  const inlineWriter = new LogWriter({
    store: inlineStore,
    clock: systemClock,
    onError: (m, e) => console.error(m, e),
  });
  // The node's listeners without the store: the writer's batches are made and dropped.
  const droppingStore = { appendBatch: (): Promise<void> => Promise.resolve() };
  const droppingWriter = new LogWriter({
    store: droppingStore,
    clock: systemClock,
    onError: (m, e) => console.error(m, e),
  });
  let counted = 0;
  const count = (): void => void counted++;
  const spec = {
    ...fixtureSpec("x", "index.handler"),
    functionName: "noop",
    codeDir: join(ROOT, "bench", "fixtures", "noop"),
  };
  const engine = await testEngine([spec], {
    sandbox: "off",
    scaleOutAfter: INSTANCES,
    scaleOutWaitMs: 250,
    instanceNice: 10,
    onRecord: channel.publish,
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
  const url = `http://127.0.0.1:${port}/`;
  try {
    for (let round = 0; round < 3; round++) {
      await Promise.all(
        Array.from({ length: INSTANCES }, () => engine.invoker.invoke({ functionName: "noop" }, Buffer.from("{}"))),
      );
    }
    await wrk(url, 3);
    const modes: Mode[] = [
      { label: "off", listeners: [], rps: [], cpu: [], processCpu: [] },
      {
        label: "logs, appends in process (before) + count",
        listeners: [inlineWriter.write, count],
        rps: [],
        cpu: [],
        processCpu: [],
      },
      { label: "logs + count", listeners: [writer.write, count], rps: [], cpu: [], processCpu: [] },
      {
        label: "logs to a store that drops them + metrics",
        listeners: [droppingWriter.write, metrics.onRecord],
        rps: [],
        cpu: [],
        processCpu: [],
      },
      {
        label: "logs + metrics (as a node)",
        listeners: [writer.write, metrics.onRecord],
        rps: [],
        cpu: [],
        processCpu: [],
      },
    ];
    for (let r = 0; r < ROUNDS; r++) {
      for (const mode of modes) {
        const subscriptions = mode.listeners.map((l) => channel.subscribe(l));
        const cpuBefore = gatewayThreadCpuMs();
        const processBefore = process.cpuUsage();
        const o = await wrk(url, DURATION);
        channel.flush();
        await writer.flush();
        await inlineWriter.flush();
        mode.cpu.push(((gatewayThreadCpuMs() - cpuBefore) * 1000) / o.requests);
        const used = process.cpuUsage(processBefore);
        mode.processCpu.push((used.user + used.system) / o.requests);
        if (o.bad) console.log(`${mode.label} round: ${o.bad}`);
        mode.rps.push(o.rps);
        for (const unsubscribe of subscriptions) unsubscribe();
      }
    }
    const stored = (await store.readEvents({ groupName: "/aws/lambda/noop", descending: true, limit: 1 })).length;
    console.log(`rounds: ${ROUNDS} × ${DURATION} s each way, 50 connections, ${INSTANCES} instances, sandbox off`);
    const [off] = modes as [Mode];
    for (const m of modes) {
      console.log(
        `${m.label}: ${m.rps.map((r) => fmt(r, 0)).join(", ")} req/s (median ${fmt(median(m.rps), 0)}, ` +
          `on/off ${fmt(median(m.rps) / median(off.rps), 3)}); gateway thread CPU ${fmt(median(m.cpu), 1)} µs/request ` +
          `(off/this ${fmt(median(off.cpu) / median(m.cpu), 3)}); whole process ${fmt(median(m.processCpu), 1)} µs/request ` +
          `(off/this ${fmt(median(off.processCpu) / median(m.processCpu), 3)})`,
      );
    }
    console.log(`records counted: ${counted}; log events stored: ${stored > 0 ? "yes" : "NO"}`);
  } finally {
    await gateway.close();
    await engine.close();
    // Calls still running when a round's wrk ended publish their records later: stored before the stores close.
    channel.flush();
    await writer.flush();
    await inlineWriter.flush();
    await metrics.stop();
    await store.close();
    await inlineStore.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
