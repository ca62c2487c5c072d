/**
 * Cluster-mode benchmarks (not tests), on a PostgreSQL server started for the run with its
 * durable defaults (fsync on: every commit reaches the disk) and `haneul server` processes:
 *   gateway      wrk, 50 connections, through an HTTP API to a no-op function: a node on
 *                PostgreSQL against a node on SQLite, rounds alternating (target ratio ≥ 0.95:
 *                the hot path reads nothing from the database);
 *   enqueue      durable Event enqueues: the store alone (32 concurrent writers; PostgreSQL
 *                against SQLite) and signed Invoke(Event) requests through the API with wrk
 *                (target ≥ 3 000/s on PostgreSQL);
 *   claim        events queued in bulk, claimed, run and completed by 1 node, then by 3 nodes;
 *   propagation  an alias weight changed through one node, until each other node serves it
 *                (p50 and p99; target p99 ≤ 100 ms).
 * Run: npm run build && node dist/bench/cluster.bench.js
 * Knobs: BENCH_PARTS=gateway,enqueue,claim,propagation BENCH_SECONDS=10 BENCH_ROUNDS=3
 *        BENCH_EVENTS=4000 BENCH_CHANGES=100
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  GetAliasCommand,
  InvokeCommand,
  LambdaClient,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionConfigurationCommand,
} from "@aws-sdk/client-lambda";
import { strToU8, zipSync } from "fflate";
import pg from "pg";
import { PgDatabase } from "../src/adapters/postgres/database.js";
import { PgStore } from "../src/adapters/postgres/pg-store.js";
import { SqliteStore } from "../src/adapters/sqlite/sqlite-store.js";
import type { Store } from "../src/ports/store.js";
import { aws } from "../test/helpers/cluster.js";
import { startPgServer, type PgServer } from "../test/helpers/pg-server.js";
import {
  SERVER_KEY,
  SERVER_REGION,
  SERVER_ROLE,
  startServerNode,
  type ServerNode,
} from "../test/helpers/server-node.js";
import { lambdaSigner } from "../test/helpers/sigv4-signer.js";
import { fmt, median, percentile } from "./stats.js";
import { hasWrk, runWrk, type WrkResult } from "./wrk.js";

const PARTS = (process.env["BENCH_PARTS"] ?? "gateway,enqueue,claim,propagation").split(",");
const SECONDS = Number(process.env["BENCH_SECONDS"] ?? 10);
const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 3);
const EVENTS = Number(process.env["BENCH_EVENTS"] ?? 4000);
const CHANGES = Number(process.env["BENCH_CHANGES"] ?? 100);
const NODE_ARGS = ["--catch-up-ms", "200", "--spares", "2"];
const NOOP = zipSync({ "index.js": strToU8("exports.handler = async () => ({ ok: true });\n") });

const clients: LambdaClient[] = [];
function lambda(node: ServerNode): LambdaClient {
  const c = new LambdaClient({ region: SERVER_REGION, endpoint: node.apiUrl, credentials: SERVER_KEY, maxAttempts: 1 });
  clients.push(c);
  return c;
}

async function createNoop(node: ServerNode, name = "noop"): Promise<void> {
  const c = lambda(node);
  const role = SERVER_ROLE;
  await c.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: "nodejs20.x",
      Role: role,
      Handler: "index.handler",
      Code: { ZipFile: NOOP },
    }),
  );
  await c.send(new InvokeCommand({ FunctionName: name }));
}

async function createDatabase(server: PgServer, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: server.url() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return server.url(name);
}

function line(cells: (string | number)[], widths: number[]): string {
  return cells.map((c, i) => String(c).padEnd(widths[i] ?? 10)).join("  ");
}

/** Gateway → function on a PostgreSQL node and on a SQLite node, rounds alternating. */
async function gateway(sqliteNode: ServerNode, pgNode: ServerNode): Promise<void> {
  const urls: string[] = [];
  for (const node of [sqliteNode, pgNode]) {
    const arn = `arn:aws:lambda:${SERVER_REGION}:123456789012:function:noop`;
    const api = (await aws(node.apiUrl, [
      "apigatewayv2",
      "create-api",
      "--name",
      "bench",
      "--protocol-type",
      "HTTP",
      "--target",
      arn,
    ])) as { ApiId: string };
    urls.push(`${node.gatewayUrl}/_api/${api.ApiId}/$default/`);
  }
  for (const url of urls) runWrk(url, { connections: 50, seconds: 3 });
  const results: [WrkResult, WrkResult][] = [];
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate which goes first, so that a machine slowing down over the run hurts both alike.
    const first = r % 2;
    const a = runWrk(urls[first] as string, { connections: 50, seconds: SECONDS });
    const b = runWrk(urls[1 - first] as string, { connections: 50, seconds: SECONDS });
    results.push(first === 0 ? [a, b] : [b, a]);
  }
  console.log(`\n== gateway → function, wrk 50 connections, ${SECONDS} s × ${ROUNDS} rounds`);
  const w = [8, 14, 16, 14, 16, 9];
  console.log(line(["round", "SQLite req/s", "SQLite p50/p99", "PG req/s", "PG p50/p99", "PG/SQLite"], w));
  results.forEach(([s, p], i) =>
    console.log(
      line(
        [
          i + 1,
          fmt(s.rps, 0),
          `${fmt(s.p50Ms)}/${fmt(s.p99Ms)}`,
          fmt(p.rps, 0),
          `${fmt(p.p50Ms)}/${fmt(p.p99Ms)}`,
          fmt(p.rps / s.rps, 3),
        ],
        w,
      ),
    ),
  );
  const ms = median(results.map(([s]) => s.rps));
  const mp = median(results.map(([, p]) => p.rps));
  console.log(
    `median SQLite ${fmt(ms, 0)} req/s, median PostgreSQL ${fmt(mp, 0)} req/s, ratio of medians ${fmt(mp / ms, 3)} (target ≥ 0.95)`,
  );
  const errors = results.flat().reduce((n, r) => n + r.non2xx + r.errors, 0);
  if (errors > 0) console.log(`non-2xx or socket errors: ${errors}`);
}

async function enqueueLoop(store: Store, writers: number, seconds: number): Promise<number> {
  const end = Date.now() + seconds * 1000;
  let n = 0;
  const payload = Buffer.from('{"bench":true}');
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; Date.now() < end; i++) {
        const now = Date.now();
        await store.enqueueEvent({
          id: `e-${w}-${i}-${now}`,
          functionName: "none",
          payload,
          requestId: `r-${w}-${i}`,
          enqueuedAt: now,
          nextRunAt: now + 3_600_000,
        });
        n++;
      }
    }),
  );
  return n / seconds;
}

/** Durable enqueues: the store alone, then Invoke(Event) through the API. */
async function enqueue(server: PgServer, sqliteNode: ServerNode, pgNode: ServerNode): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "haneul-bench-"));
  const storeSeconds = Math.max(3, Math.round(SECONDS / 2));
  try {
    const pgStore = new PgStore(
      await PgDatabase.open({ url: await createDatabase(server, "bench_enqueue"), poolSize: 16 }),
    );
    const sqlite = SqliteStore.open({ path: join(dir, "haneul.db") });
    const rows: [string, number, number][] = [];
    for (let r = 0; r < ROUNDS; r++) {
      rows.push(["store", await enqueueLoop(sqlite, 32, storeSeconds), await enqueueLoop(pgStore, 32, storeSeconds)]);
    }
    await pgStore.close();
    await sqlite.close();
    console.log(`\n== durable Event enqueue: the store alone, 32 writers, ${storeSeconds} s × ${ROUNDS}`);
    rows.forEach(([, s, p], i) => console.log(`round ${i + 1}: SQLite ${fmt(s, 0)}/s, PostgreSQL ${fmt(p, 0)}/s`));
    console.log(
      `median SQLite ${fmt(median(rows.map((r) => r[1])), 0)}/s, median PostgreSQL ${fmt(median(rows.map((r) => r[2])), 0)}/s`,
    );

    const signed = async (node: ServerNode) => {
      const url = new URL("/2015-03-31/functions/noop/invocations", node.apiUrl);
      const s = await lambdaSigner(SERVER_KEY.accessKeyId, SERVER_KEY.secretAccessKey).sign({
        method: "POST",
        protocol: "http:",
        hostname: url.hostname,
        port: Number(url.port),
        path: url.pathname,
        headers: { host: url.host, "content-type": "application/json", "x-amz-invocation-type": "Event" },
        body: "{}",
      });
      return { url: url.href, request: { method: "POST", headers: s.headers as Record<string, string>, body: "{}" } };
    };
    const targets = [await signed(sqliteNode), await signed(pgNode)];
    for (const t of targets) runWrk(t.url, { connections: 50, seconds: 2, request: t.request });
    const api: [WrkResult, WrkResult][] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const s = runWrk(targets[0]!.url, { connections: 50, seconds: SECONDS, request: targets[0]!.request });
      const p = runWrk(targets[1]!.url, { connections: 50, seconds: SECONDS, request: targets[1]!.request });
      api.push([s, p]);
    }
    console.log(
      `\n== Invoke(Event) through the API (SigV4, 202 once stored), wrk 50 connections, ${SECONDS} s × ${ROUNDS}`,
    );
    api.forEach(([s, p], i) =>
      console.log(
        `round ${i + 1}: SQLite ${fmt(s.rps, 0)}/s p99 ${fmt(s.p99Ms)} ms, PostgreSQL ${fmt(p.rps, 0)}/s p99 ${fmt(p.p99Ms)} ms` +
          (s.non2xx + p.non2xx + s.errors + p.errors > 0
            ? ` (errors ${s.non2xx + s.errors}/${p.non2xx + p.errors})`
            : ""),
      ),
    );
    const ms = median(api.map(([s]) => s.rps));
    const mp = median(api.map(([, p]) => p.rps));
    console.log(
      `median SQLite ${fmt(ms, 0)}/s, median PostgreSQL ${fmt(mp, 0)}/s (target ≥ 3 000/s), ratio ${fmt(mp / ms, 3)}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function drained(db: pg.Client, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await db.query<{ n: string }>(
      "SELECT count(*) AS n FROM async_events WHERE state IN ('pending', 'running') AND function_name = 'noop'",
    );
    if (r.rows[0]?.n === "0") return;
    if (Date.now() > deadline) throw new Error("events did not drain");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Events queued in bulk, then claimed, run and completed by the nodes; resolves to events/s. */
async function claimRun(db: pg.Client): Promise<number> {
  await drained(db);
  const t0 = Date.now();
  await db.query(
    `INSERT INTO async_events (id, function_name, payload, request_id, enqueued_at, attempts, state, next_run_at)
     SELECT 'bulk-' || $2 || '-' || i, 'noop', '\\x7b7d'::bytea, md5($2 || i::text), $1, 0, 'pending', $1 FROM generate_series(1, $3) AS i`,
    [t0, String(t0), EVENTS],
  );
  await drained(db);
  return EVENTS / ((Date.now() - t0) / 1000);
}

async function claim(pgNode: ServerNode, url: string): Promise<ServerNode[]> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const one: number[] = [];
    for (let r = 0; r < ROUNDS; r++) one.push(await claimRun(db));
    const more = [
      await startServerNode({ args: ["--store", url, ...NODE_ARGS] }),
      await startServerNode({ args: ["--store", url, ...NODE_ARGS] }),
    ];
    for (const n of more) await lambda(n).send(new InvokeCommand({ FunctionName: "noop" }));
    const three: number[] = [];
    for (let r = 0; r < ROUNDS; r++) three.push(await claimRun(db));
    console.log(`\n== claim, run and complete ${EVENTS} queued events (no-op function, 16 at a time per node)`);
    console.log(`1 node:  ${one.map((x) => fmt(x, 0)).join(" / ")} events/s, median ${fmt(median(one), 0)}`);
    console.log(
      `3 nodes: ${three.map((x) => fmt(x, 0)).join(" / ")} events/s, median ${fmt(median(three), 0)}, ratio ${fmt(median(three) / median(one), 2)}`,
    );
    return more;
  } finally {
    await db.end();
  }
}

/** An alias weight changed through one node, until each other node serves the new revision. */
async function propagation(nodes: ServerNode[]): Promise<void> {
  const [first] = nodes as [ServerNode];
  const c1 = lambda(first);
  await c1.send(
    new CreateFunctionCommand({
      FunctionName: "weights",
      Runtime: "nodejs20.x",
      Role: SERVER_ROLE,
      Handler: "index.handler",
      Code: { ZipFile: NOOP },
    }),
  );
  await c1.send(new PublishVersionCommand({ FunctionName: "weights" }));
  await c1.send(new UpdateFunctionConfigurationCommand({ FunctionName: "weights", Description: "2" }));
  await c1.send(new PublishVersionCommand({ FunctionName: "weights" }));
  await c1.send(new CreateAliasCommand({ FunctionName: "weights", Name: "live", FunctionVersion: "1" }));
  const per = nodes.map((n) => lambda(n));
  await new Promise((r) => setTimeout(r, 1000));
  const latencies: number[] = [];
  const polls: number[] = [];
  for (let i = 0; i < CHANGES; i++) {
    const origin = i % nodes.length;
    const weight = i % 2 === 0 ? 0.1 : 0.2;
    const out = await per[origin]!.send(
      new UpdateAliasCommand({
        FunctionName: "weights",
        Name: "live",
        RoutingConfig: { AdditionalVersionWeights: { "2": weight } },
      }),
    );
    const t0 = performance.now();
    await Promise.all(
      per
        .filter((_, j) => j !== origin)
        .map(async (c) => {
          for (;;) {
            const p0 = performance.now();
            const a = await c.send(new GetAliasCommand({ FunctionName: "weights", Name: "live" }));
            polls.push(performance.now() - p0);
            if (a.RevisionId === out.RevisionId) return latencies.push(performance.now() - t0);
          }
        }),
    );
  }
  console.log(
    `\n== propagation of an alias change to the other nodes (${CHANGES} changes, ${nodes.length} nodes, ${latencies.length} observations)`,
  );
  console.log(
    `p50 ${fmt(percentile(latencies, 50))} ms, p90 ${fmt(percentile(latencies, 90))} ms, p99 ${fmt(percentile(latencies, 99))} ms, max ${fmt(Math.max(...latencies))} ms (target p99 ≤ 100 ms)`,
  );
  console.log(
    `resolution: one GetAlias poll takes p50 ${fmt(percentile(polls, 50))} ms, p99 ${fmt(percentile(polls, 99))} ms`,
  );
}

async function main(): Promise<void> {
  if (!hasWrk()) throw new Error("wrk is not installed (apt-get install wrk)");
  const server = await startPgServer({ durable: true });
  const nodes: ServerNode[] = [];
  try {
    const url = await createDatabase(server, "bench_cluster");
    const sqliteNode = await startServerNode({ args: NODE_ARGS });
    nodes.push(sqliteNode);
    const pgNode = await startServerNode({ args: ["--store", url, ...NODE_ARGS] });
    nodes.push(pgNode);
    await createNoop(sqliteNode);
    await createNoop(pgNode);
    if (PARTS.includes("gateway")) await gateway(sqliteNode, pgNode);
    if (PARTS.includes("enqueue")) await enqueue(server, sqliteNode, pgNode);
    const cluster = [pgNode];
    if (PARTS.includes("claim")) cluster.push(...(await claim(pgNode, url)));
    nodes.push(...cluster.slice(1));
    while (cluster.length < 3) {
      const n = await startServerNode({ args: ["--store", url, ...NODE_ARGS] });
      cluster.push(n);
      nodes.push(n);
    }
    if (PARTS.includes("propagation")) await propagation(cluster);
  } finally {
    for (const c of clients) c.destroy();
    for (const n of nodes) await n.close();
    await server.destroy();
  }
}

await main();
