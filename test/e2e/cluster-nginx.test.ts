/**
 * Three `haneul server` processes on one PostgreSQL database behind a real nginx: the AWS CLI
 * creates a function through node 1 and invokes it through the balancer (every node runs it);
 * alias weights changed through node 2 hold on node 3; an HTTP API created on node 3 answers on
 * node 1 and through the balancer; reserved concurrency holds across the nodes.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { GetAliasCommand, GetFunctionConcurrencyCommand, InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { aws, eventually, startCluster, writeZip } from "../helpers/cluster.js";
import { startNginx, type Nginx } from "../helpers/nginx.js";
import { createTestDatabase } from "../helpers/postgres.js";
import { SERVER_KEY, SERVER_REGION, SERVER_ROLE, type ServerNode } from "../helpers/server-node.js";

// Each instance writes to a log stream of its own: its name tells instances apart (in the sandbox every runtime is pid 2).
const VERSION_FN = `exports.handler = async () => ({ version: process.env.AWS_LAMBDA_FUNCTION_VERSION, instance: process.env.AWS_LAMBDA_LOG_STREAM_NAME });`;
const SLOW_FN = `exports.handler = async () => { await new Promise((r) => setTimeout(r, 400)); return "done"; };`;

const port = (url: string) => new URL(url).port;
const decode = (p: Uint8Array | undefined) => JSON.parse(Buffer.from(p ?? []).toString()) as Record<string, unknown>;

describe("a cluster of three nodes behind nginx", { concurrency: false }, () => {
  let nodes: ServerNode[];
  let lb: Nginx;
  let dir: string;
  const clients: LambdaClient[] = [];
  const client = (endpoint: string) => {
    const c = new LambdaClient({ region: SERVER_REGION, endpoint, credentials: SERVER_KEY, maxAttempts: 1 });
    clients.push(c);
    return c;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "haneul-cluster-"));
    const url = await createTestDatabase();
    nodes = await startCluster(url, 3, ["--lease-ms", "2000", "--catch-up-ms", "500"]);
    lb = await startNginx({
      api: nodes.map((n) => `127.0.0.1:${port(n.apiUrl)}`),
      gateway: nodes.map((n) => `127.0.0.1:${port(n.gatewayUrl)}`),
    });
  });
  after(async () => {
    for (const c of clients) c.destroy();
    await lb?.stop().catch(() => undefined);
    await Promise.allSettled((nodes ?? []).map((n) => n.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it("a function created through node 1 with the AWS CLI runs on every node through the balancer", async () => {
    const [n1] = nodes as [ServerNode];
    const zip = writeZip(dir, "version", VERSION_FN);
    const created = (await aws(n1.apiUrl, [
      "lambda",
      "create-function",
      "--function-name",
      "versioned",
      "--runtime",
      "nodejs20.x",
      "--role",
      SERVER_ROLE,
      "--handler",
      "index.handler",
      "--zip-file",
      `fileb://${zip}`,
    ])) as { FunctionName: string; CodeSha256: string };
    assert.equal(created.FunctionName, "versioned");
    // The AWS CLI through the balancer: each call may land on any node.
    const out = join(dir, "out.json");
    await aws(lb.urls["api"] as string, ["lambda", "invoke", "--function-name", "versioned", out]);
    // Every node answers (round robin over three), each from its own instance.
    const lbClient = client(lb.urls["api"] as string);
    const instances = new Set<unknown>();
    for (let i = 0; i < 9; i++) {
      const r = await lbClient.send(new InvokeCommand({ FunctionName: "versioned" }));
      assert.equal(r.FunctionError, undefined);
      instances.add(decode(r.Payload)["instance"]);
    }
    assert.equal(instances.size, 3, "three nodes ran it, each in an instance of its own");
  });

  it("alias weights changed through node 2 hold on node 3", async () => {
    const [n1, n2, n3] = nodes as [ServerNode, ServerNode, ServerNode];
    await aws(n1.apiUrl, ["lambda", "publish-version", "--function-name", "versioned"]);
    await aws(n1.apiUrl, [
      "lambda",
      "update-function-configuration",
      "--function-name",
      "versioned",
      "--description",
      "second",
    ]);
    await aws(n1.apiUrl, ["lambda", "publish-version", "--function-name", "versioned"]);
    await aws(n1.apiUrl, [
      "lambda",
      "create-alias",
      "--function-name",
      "versioned",
      "--name",
      "live",
      "--function-version",
      "1",
    ]);
    const three = client(n3.apiUrl);
    await eventually("the alias on node 2", () =>
      aws(n2.apiUrl, ["lambda", "get-alias", "--function-name", "versioned", "--name", "live"]),
    );
    const updated = (await aws(n2.apiUrl, [
      "lambda",
      "update-alias",
      "--function-name",
      "versioned",
      "--name",
      "live",
      "--routing-config",
      '{"AdditionalVersionWeights":{"2":0.25}}',
    ])) as { RevisionId: string };
    await eventually("node 3 to see node 2's weights", async () => {
      const a = await three.send(new GetAliasCommand({ FunctionName: "versioned", Name: "live" }));
      return a.RevisionId === updated.RevisionId ? a : undefined;
    });
    const counts: Record<string, number> = {};
    const calls = 400;
    for (let i = 0; i < calls; i += 8) {
      const batch = Array.from({ length: 8 }, () =>
        three.send(new InvokeCommand({ FunctionName: "versioned", Qualifier: "live" })),
      );
      for (const r of await Promise.all(batch)) {
        const v = String(r.ExecutedVersion);
        counts[v] = (counts[v] ?? 0) + 1;
      }
    }
    // 25 % of 400 is 100, σ ≈ 8.7: within 5σ on every run.
    const second = counts["2"] ?? 0;
    assert.deepEqual(Object.keys(counts).sort(), ["1", "2"]);
    assert.ok(second >= 57 && second <= 143, `version 2 ran ${second} of ${calls} times`);
  });

  it("an HTTP API created on node 3 answers on node 1 and through the balancer", async () => {
    const [n1, , n3] = nodes as [ServerNode, ServerNode, ServerNode];
    const arn = `arn:aws:lambda:${SERVER_REGION}:123456789012:function:versioned`;
    // As on AWS, API Gateway invokes the function only with its permission.
    await aws(n3.apiUrl, [
      "lambda",
      "add-permission",
      "--function-name",
      "versioned",
      "--statement-id",
      "apigateway",
      "--action",
      "lambda:InvokeFunction",
      "--principal",
      "apigateway.amazonaws.com",
    ]);
    const api = (await aws(n3.apiUrl, [
      "apigatewayv2",
      "create-api",
      "--name",
      "across",
      "--protocol-type",
      "HTTP",
      "--target",
      arn,
    ])) as { ApiId: string };
    const path = `/_api/${api.ApiId}/$default/anything`;
    const body = await eventually("the route on node 1", async () => {
      const res = await fetch(`${n1.gatewayUrl}${path}`);
      return res.status === 200 ? ((await res.json()) as Record<string, unknown>) : undefined;
    });
    assert.equal(body["version"], "$LATEST");
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${lb.urls["gateway"]}${path}`);
      assert.equal(res.status, 200, `through the balancer, call ${i}`);
      await res.arrayBuffer();
    }
  });

  it("reserved concurrency holds across the nodes", async () => {
    const [n1] = nodes as [ServerNode];
    const zip = writeZip(dir, "slow", SLOW_FN);
    await aws(n1.apiUrl, [
      "lambda",
      "create-function",
      "--function-name",
      "slow",
      "--runtime",
      "nodejs20.x",
      "--role",
      SERVER_ROLE,
      "--handler",
      "index.handler",
      "--zip-file",
      `fileb://${zip}`,
    ]);
    await aws(n1.apiUrl, [
      "lambda",
      "put-function-concurrency",
      "--function-name",
      "slow",
      "--reserved-concurrent-executions",
      "2",
    ]);
    const perNode = nodes.map((n) => client(n.apiUrl));
    await eventually("the reservation on every node", async () => {
      const seen = await Promise.all(
        perNode.map((c) => c.send(new GetFunctionConcurrencyCommand({ FunctionName: "slow" }))),
      );
      return seen.every((r) => r.ReservedConcurrentExecutions === 2) ? true : undefined;
    });
    // Six calls at once, two per node: only two run, the others get AWS's throttle.
    const results = await Promise.all(
      [...perNode, ...perNode].map((c) =>
        c.send(new InvokeCommand({ FunctionName: "slow" })).then(
          () => "ok",
          (e: { name: string; Reason?: string }) => `${e.name}:${e.Reason ?? ""}`,
        ),
      ),
    );
    const ok = results.filter((r) => r === "ok").length;
    assert.equal(ok, 2, results.join(", "));
    for (const r of results.filter((x) => x !== "ok")) {
      assert.equal(r, "TooManyRequestsException:ReservedFunctionConcurrentInvocationLimitExceeded");
    }
  });
});
