/**
 * A node of a three-node cluster killed with SIGKILL while 1,000 Event invocations are in flight
 * (accepted through nginx): every accepted event runs at least once, the duplicates are counted and
 * stay within what the dead node had claimed, and the leader's lease (the dead node led) passes to
 * another node within the lease time.
 *
 * Each run of the `worker` function records itself by queueing an Event invocation of `recorder`
 * with its own id, through its node's API: the queue table then holds one row per run, whatever
 * node ran it.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CreateFunctionCommand,
  GetFunctionCommand,
  InvokeCommand,
  LambdaClient,
  PutFunctionConcurrencyCommand,
} from "@aws-sdk/client-lambda";
import { zipSync } from "fflate";
import pg from "pg";
import { eventually, startCluster } from "../helpers/cluster.js";
import { startNginx, type Nginx } from "../helpers/nginx.js";
import { createFunctionRole } from "../helpers/iam.js";
import { createTestDatabase } from "../helpers/postgres.js";
import { SERVER_KEY, SERVER_REGION, SERVER_ROLE, type ServerNode } from "../helpers/server-node.js";

const LEASE_MS = 3000;
const EVENTS = 1000;

const WORKER = `
const { LambdaClient, InvokeCommand } = require("@aws-sdk/client-lambda");
const lambda = new LambdaClient({ maxAttempts: 5 });
exports.handler = async (event) => {
  await new Promise((r) => setTimeout(r, 30));
  await lambda.send(new InvokeCommand({ FunctionName: "recorder", InvocationType: "Event", Payload: JSON.stringify({ id: event.id }) }));
  return "ran";
};`;
const RECORDER = `exports.handler = async () => null;`;

const zip = (source: string) => zipSync({ "index.js": new TextEncoder().encode(source) });

interface Health {
  node: { nodeId: string };
  nodes: { nodeId: string; alive: boolean; leader: boolean }[];
}

describe("a node killed with -9 under Event load", { concurrency: false }, () => {
  let url: string;
  let nodes: ServerNode[];
  let lb: Nginx;
  let db: pg.Client;
  const clients: LambdaClient[] = [];
  const client = (endpoint: string) => {
    const c = new LambdaClient({ region: SERVER_REGION, endpoint, credentials: SERVER_KEY, maxAttempts: 1 });
    clients.push(c);
    return c;
  };

  before(async () => {
    url = await createTestDatabase();
    nodes = await startCluster(url, 3, ["--lease-ms", String(LEASE_MS), "--catch-up-ms", "500"]);
    lb = await startNginx({ api: nodes.map((n) => `127.0.0.1:${new URL(n.apiUrl).port}`) });
    db = new pg.Client({ connectionString: url });
    await db.connect();
  });
  after(async () => {
    for (const c of clients) c.destroy();
    await db?.end().catch(() => undefined);
    await lb?.stop().catch(() => undefined);
    await Promise.allSettled((nodes ?? []).map((n) => n.close()));
  });

  it("runs every accepted event at least once; duplicates stay within the dead node's claims; a new leader takes over", async (t) => {
    const [n1, n2] = nodes as [ServerNode, ServerNode];
    const one = client(n1.apiUrl);
    // The worker calls the node: its execution role allows that (made on node 1, it holds on every node).
    const admin = { endpoint: n1.apiUrl, ...SERVER_KEY };
    await createFunctionRole(admin, SERVER_ROLE.slice(SERVER_ROLE.lastIndexOf("/") + 1), {
      actions: ["lambda:InvokeFunction"],
    });
    for (const [name, source] of [
      ["recorder", RECORDER],
      ["worker", WORKER],
    ] as const) {
      await one.send(
        new CreateFunctionCommand({
          FunctionName: name,
          Runtime: "nodejs20.x",
          Role: SERVER_ROLE,
          Handler: "index.handler",
          Code: { ZipFile: zip(source) },
          // Cold starts of many instances at once on a loaded machine must not time a run out.
          Timeout: 60,
        }),
      );
    }
    // The recorder's events are only counted, never run: with no concurrency they wait, throttled.
    await one.send(new PutFunctionConcurrencyCommand({ FunctionName: "recorder", ReservedConcurrentExecutions: 0 }));
    for (const n of nodes) {
      const c = client(n.apiUrl);
      await eventually(`the functions on ${n.apiUrl}`, async () =>
        (await c.send(new GetFunctionCommand({ FunctionName: "worker" }))) ? true : undefined,
      );
    }
    const health = async (node: ServerNode) => (await (await fetch(`${node.gatewayUrl}/healthz`)).json()) as Health;
    const dead = (await health(n1)).node.nodeId;
    assert.equal((await health(n1)).nodes.find((n) => n.leader)?.nodeId, dead, "the first node leads");

    // 1,000 Event invocations through the balancer, 20 at a time; node 1 dies halfway.
    const balancer = client(lb.urls["api"] as string);
    const accepted: number[] = [];
    const refused: string[] = [];
    let next = 0;
    let killedAt = 0;
    let deadClaims = -1;
    const kill = async () => {
      await n1.kill();
      killedAt = Date.now();
      const r = await db.query<{ n: string }>(
        "SELECT count(*) AS n FROM async_events WHERE state = 'running' AND locked_by = $1",
        [dead],
      );
      deadClaims = Number(r.rows[0]?.n);
    };
    let killing: Promise<void> | undefined;
    const sender = async () => {
      while (next < EVENTS) {
        const id = next++;
        if (id === EVENTS / 2) killing = kill();
        try {
          const r = await balancer.send(
            new InvokeCommand({ FunctionName: "worker", InvocationType: "Event", Payload: JSON.stringify({ id }) }),
          );
          if (r.StatusCode === 202) accepted.push(id);
        } catch (e) {
          refused.push((e as Error).name);
        }
      }
    };
    await Promise.all(Array.from({ length: 20 }, sender));
    await killing;

    // The leader lease passes on: its holder died, so another node takes it once it runs out.
    const survivor = await eventually(
      "a new leader",
      async () => {
        const r = await db.query<{ owner: string; acquired_at: string }>(
          "SELECT owner, acquired_at FROM cluster_leases WHERE name = 'leader'",
        );
        const lease = r.rows[0];
        return lease && lease.owner !== dead ? Number(lease.acquired_at) - killedAt : undefined;
      },
      6 * LEASE_MS,
    );
    const shown = await eventually("the new leader in /healthz", async () => {
      const h = await health(n2);
      return h.nodes.find((n) => n.leader && n.alive && n.nodeId !== dead);
    });
    assert.ok(shown);

    await eventually(
      "every accepted event done",
      async () => {
        const r = await db.query<{ n: string }>(
          "SELECT count(*) AS n FROM async_events WHERE function_name = 'worker' AND state <> 'done'",
        );
        return r.rows[0]?.n === "0" ? true : undefined;
      },
      120_000,
    );
    const runs = await db.query<{ payload: Buffer; n: string }>(
      "SELECT payload, count(*) AS n FROM async_events WHERE function_name = 'recorder' GROUP BY payload",
    );
    const runsOf = new Map(
      runs.rows.map((r) => [(JSON.parse(r.payload.toString()) as { id: number }).id, Number(r.n)]),
    );
    const missing = accepted.filter((id) => !runsOf.has(id));
    const duplicates = [...runsOf.values()].reduce((sum, n) => sum + n - 1, 0);
    const reclaimed = await db.query<{ n: string }>(
      "SELECT count(*) AS n FROM async_events WHERE function_name = 'worker' AND attempts > 1",
    );
    t.diagnostic(
      `accepted ${accepted.length}, refused ${refused.length} (${[...new Set(refused)].join(", ")}), ` +
        `claimed by the dead node ${deadClaims}, taken over ${reclaimed.rows[0]?.n}, ` +
        `duplicate runs ${duplicates}, new leader after ${survivor} ms`,
    );
    if (missing.length > 0) {
      const rows = await db.query(
        "SELECT payload::text AS p, attempts, state, last_error, locked_by FROM async_events WHERE function_name = 'worker' AND convert_from(payload, 'UTF8')::json->>'id' = ANY($1::text[])",
        [missing.slice(0, 5).map(String)],
      );
      t.diagnostic(`missing ${missing.length}: ${JSON.stringify(rows.rows)}`);
      for (const n of nodes)
        t.diagnostic(
          n
            .output()
            .split("\n")
            .filter((l) => l.startsWith("haneul"))
            .slice(-15)
            .join("\n"),
        );
    }
    assert.ok(accepted.length >= EVENTS * 0.9, `accepted ${accepted.length}`);
    assert.deepEqual(missing, [], "every accepted event ran");
    assert.ok(deadClaims >= 0);
    assert.ok(duplicates <= deadClaims, `${duplicates} duplicates, ${deadClaims} claimed by the dead node`);
    // The dead leader's lease runs at most LEASE_MS past its death; the others try every third of it.
    assert.ok(survivor <= LEASE_MS + LEASE_MS / 3 + 2000, `a new leader after ${survivor} ms`);
  });
});
