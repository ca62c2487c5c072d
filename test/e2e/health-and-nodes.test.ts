/**
 * The health endpoint on the gateway's port (unsigned: load balancers and orchestrators probe it)
 * and `haneul nodes`, which reads it, on a single SQLite node and on two nodes sharing PostgreSQL.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { request } from "node:http";
import { after, before, describe, it } from "node:test";
import { CLI } from "../helpers/paths.js";
import { createTestDatabase } from "../helpers/postgres.js";
import { startServerNode, type ServerNode } from "../helpers/server-node.js";

function haneul(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: "/usr/bin:/bin" } });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.on("exit", (code) => resolve({ code, out, err }));
  });
}

async function get(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("health endpoint and haneul nodes", { concurrency: false }, () => {
  const nodes: ServerNode[] = [];
  after(async () => {
    for (const n of nodes) await n.close();
  });

  describe("one node on SQLite", () => {
    let node: ServerNode;
    before(async () => {
      node = await startServerNode();
      nodes.push(node);
    });

    it("answers liveness and readiness probes without a signature", async () => {
      assert.deepEqual(await get(`${node.gatewayUrl}/healthz/live`), { status: 200, body: { status: "alive" } });
      assert.deepEqual(await get(`${node.gatewayUrl}/healthz/ready`), { status: 200, body: { status: "ready" } });
      const full = await get(`${node.gatewayUrl}/healthz`);
      assert.equal(full.status, 200);
      assert.equal(full.body["store"], "sqlite");
      assert.equal((full.body["nodes"] as unknown[]).length, 1);
    });

    it("leaves /healthz of an API addressed by host to the API", async () => {
      const status = await new Promise<number | undefined>((resolve, reject) => {
        const u = new URL(node.gatewayUrl);
        const headers = { host: "abcdefghij.execute-api.localhost" };
        const req = request({ host: u.hostname, port: u.port, path: "/healthz", headers }, (res) => {
          res.resume();
          resolve(res.statusCode);
        });
        req.on("error", reject);
        req.end();
      });
      assert.equal(status, 403, "API Gateway's answer for an API that does not exist");
      assert.equal(await fetch(`${node.gatewayUrl}/healthzz`).then((r) => r.status), 403);
    });

    it("haneul nodes prints the node; --json prints the report; an unreachable URL is an error", async () => {
      const table = await haneul(["nodes", "--url", node.gatewayUrl]);
      assert.equal(table.code, 0, table.err);
      assert.match(table.out, /^1 node\(s\), store SQLite, answered by node-[0-9a-f]{12} \(ready\)\n/);
      assert.match(table.out, /NODE\s+NAME\s+ADDRESS\s+VERSION\s+UPTIME\s+IN-FLIGHT\s+EVENTS\s+INSTANCES\s+STATE/);
      assert.match(table.out, /node-[0-9a-f]{12} .* 0\.1\.0 .* alive, leader, answered\n$/);
      const json = await haneul(["nodes", "--url", node.gatewayUrl, "--json"]);
      assert.equal((JSON.parse(json.out) as { store: string }).store, "sqlite");
      const down = await haneul(["nodes", "--url", "http://127.0.0.1:1"]);
      assert.equal(down.code, 1);
      assert.match(down.err, /haneul nodes: cannot read http:\/\/127\.0\.0\.1:1\/healthz/);
    });
  });

  describe("two nodes on PostgreSQL", () => {
    it("every node lists both, with one leader; a stopped node leaves the list", async () => {
      const url = await createTestDatabase();
      const args = ["--store", url, "--lease-ms", "1500", "--advertise"];
      const a = await startServerNode({ args: [...args, "10.0.0.1:3000"] });
      nodes.push(a);
      const b = await startServerNode({ args: [...args, "10.0.0.2:3000"] });
      nodes.push(b);
      await new Promise((r) => setTimeout(r, 400));
      const out = await haneul(["nodes", "--url", b.gatewayUrl]);
      assert.equal(out.code, 0, out.err);
      assert.match(out.out, /^2 node\(s\), store PostgreSQL, answered by node-/);
      const lines = out.out.trim().split("\n").slice(2);
      assert.equal(lines.length, 2, out.out);
      assert.match(lines[0] ?? "", /10\.0\.0\.1:3000 .* alive, leader$/);
      assert.match(lines[1] ?? "", /10\.0\.0\.2:3000 .* alive, answered$/);
      assert.equal(await a.stop(), 0);
      // The lease is handed over at b's next try (a third of the lease), seen at its next heartbeat.
      const deadline = Date.now() + 5000;
      let listed: unknown[] = [];
      while (Date.now() < deadline) {
        const report = await get(`${b.gatewayUrl}/healthz`);
        listed = (report.body["nodes"] as { address: string; leader: boolean }[]).map((n) => [n.address, n.leader]);
        if (listed.length === 1 && (listed[0] as unknown[])[1] === true) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.deepEqual(listed, [["10.0.0.2:3000", true]], "a stopping node unregisters and hands the lease over");
    });
  });
});
