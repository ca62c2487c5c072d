/**
 * The database of a two-node cluster restarts under load: requests that need it fail with AWS's
 * ServiceException (HTTP 500) for the outage, never with a dropped connection or a crashed node;
 * synchronous invocations, which read only memory while their node holds enough concurrency slots,
 * keep working throughout (one that needs more slots fails as above); afterwards every request works
 * again and configuration changes reach the other node again (its LISTEN connection came back).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CreateFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  LambdaClient,
  UpdateFunctionConfigurationCommand,
} from "@aws-sdk/client-lambda";
import { zipSync } from "fflate";
import { eventually, startCluster } from "../helpers/cluster.js";
import { startPgServer, type PgServer } from "../helpers/pg-server.js";
import { SERVER_KEY, SERVER_REGION, SERVER_ROLE, type ServerNode } from "../helpers/server-node.js";

const zip = zipSync({ "index.js": new TextEncoder().encode("exports.handler = async (e) => e;") });

interface Outcome {
  readonly at: number;
  readonly kind: "event" | "sync";
  readonly node: string;
  readonly result: string;
}

describe("the database restarting under load", { concurrency: false }, () => {
  let server: PgServer;
  let nodes: ServerNode[];
  const clients: LambdaClient[] = [];
  const client = (endpoint: string) => {
    const c = new LambdaClient({ region: SERVER_REGION, endpoint, credentials: SERVER_KEY, maxAttempts: 1 });
    clients.push(c);
    return c;
  };

  before(async () => {
    server = await startPgServer();
    nodes = await startCluster(server.url(), 2, ["--lease-ms", "2000", "--catch-up-ms", "500"]);
  });
  after(async () => {
    for (const c of clients) c.destroy();
    await Promise.allSettled((nodes ?? []).map((n) => n.close()));
    await server?.destroy();
  });

  it("fails requests that need it with ServiceException during the outage, and recovers", async (t) => {
    const [a, b] = nodes as [ServerNode, ServerNode];
    const ca = client(a.apiUrl);
    const cb = client(b.apiUrl);
    await ca.send(
      new CreateFunctionCommand({
        FunctionName: "echo",
        Runtime: "nodejs20.x",
        Role: SERVER_ROLE,
        Handler: "index.handler",
        Code: { ZipFile: zip },
      }),
    );
    await eventually("the function on node b", () =>
      cb.send(new GetFunctionConfigurationCommand({ FunctionName: "echo" })),
    );

    const outcomes: Outcome[] = [];
    let running = true;
    const attempt = async (kind: Outcome["kind"], c: LambdaClient) => {
      const node = c === ca ? "a" : "b";
      const InvocationType = kind === "event" ? "Event" : "RequestResponse";
      const result = await c.send(new InvokeCommand({ FunctionName: "echo", InvocationType, Payload: "{}" })).then(
        (r) => (r.FunctionError ? `function-error` : `ok`),
        (e: { name: string; message?: string; $metadata?: { httpStatusCode?: number } }) =>
          `${e.name}:${e.$metadata?.httpStatusCode ?? "no status"}:${e.message ?? ""}`,
      );
      outcomes.push({ at: Date.now(), kind, node, result });
    };
    // Three callers, each alternating between the nodes.
    const load = Promise.all(
      [0, 1, 2].map(async (k) => {
        for (let i = k; running; i++) {
          const c = i % 2 === 0 ? ca : cb;
          await Promise.all([attempt("event", c), attempt("sync", c)]);
          await new Promise((r) => setTimeout(r, 10));
        }
      }),
    );

    let down = 0;
    let up = 0;
    try {
      await eventually(
        "requests before the outage",
        () => Promise.resolve(outcomes.filter((o) => o.kind === "event").length >= 6 ? true : undefined),
        60_000,
      );
      down = Date.now();
      await server.stop("fast");
      // The outage lasts until requests have felt it, however slow the machine is today.
      await eventually(
        "Event invocations failing during the outage",
        () =>
          Promise.resolve(
            outcomes.filter((o) => o.at > down && o.kind === "event" && o.result !== "ok").length >= 6
              ? true
              : undefined,
          ),
        60_000,
      );
      await new Promise((r) => setTimeout(r, 1000));
      await server.start();
      up = Date.now();
      // Recovery: Event invocations succeed again on both nodes.
      await eventually(
        "Event invocations accepted again on both nodes",
        () => {
          const recent = outcomes.filter((o) => o.kind === "event" && o.at > up).slice(-6);
          return Promise.resolve(recent.length === 6 && recent.every((o) => o.result === "ok") ? true : undefined);
        },
        60_000,
      ).catch((e: Error) => {
        const last = outcomes.slice(-12).map((o) => `${o.at - up}ms ${o.node} ${o.kind} ${o.result}`);
        throw new Error(`${e.message}; last outcomes:\n${last.join("\n")}\nnode a:\n${a.output().slice(-3000)}`);
      });
    } finally {
      // Whatever happened above, the callers stop: a test never leaves requests running.
      running = false;
      await load;
    }

    const during = outcomes.filter((o) => o.at > down && o.at < up);
    const eventFailures = during.filter((o) => o.kind === "event" && o.result !== "ok");
    t.diagnostic(
      `${outcomes.length} requests; during the outage: ${during.length}, ` +
        `failed Event invocations ${eventFailures.length} (${[...new Set(eventFailures.map((o) => o.result))].join(", ")})`,
    );
    assert.ok(eventFailures.length > 0, "Event invocations need the database: some failed");
    for (const o of outcomes.filter((x) => x.result !== "ok")) {
      assert.equal(
        o.result.split(":").slice(0, 2).join(":"),
        "ServiceException:500",
        `every failure is AWS's ServiceException (${o.kind})`,
      );
    }
    // A synchronous invocation runs on the concurrency slots its node holds, without the database;
    // one that needs more than the node holds must ask the database, and fails as above (checked).
    const syncDuring = during.filter((o) => o.kind === "sync");
    assert.ok(
      syncDuring.filter((o) => o.result === "ok").length > 0,
      "synchronous invocations within the node's slots go on during the outage",
    );
    assert.equal(a.child.exitCode, null, "node a still runs");
    assert.equal(b.child.exitCode, null, "node b still runs");

    // A change made through a after the outage reaches b: its notifications flow again.
    await ca.send(new UpdateFunctionConfigurationCommand({ FunctionName: "echo", Description: "after the outage" }));
    await eventually("b to see a's change", async () => {
      const c = await cb.send(new GetFunctionConfigurationCommand({ FunctionName: "echo" }));
      return c.Description === "after the outage" ? true : undefined;
    });
  });
});
