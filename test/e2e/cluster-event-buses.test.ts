/**
 * EventBridge in a cluster: two `haneul server` nodes on one PostgreSQL database (--time-scale 60).
 * A rule put through one node matches events put through the other (the change log), and a
 * schedule is fired by the leader only, each tick once. The target function has no concurrency,
 * so its events wait in the shared queue, where the test counts and reads them.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  DisableRuleCommand,
} from "@aws-sdk/client-eventbridge";
import { AddPermissionCommand, CreateFunctionCommand, PutFunctionConcurrencyCommand } from "@aws-sdk/client-lambda";
import { zipSync } from "fflate";
import pg from "pg";
import { eventually, startCluster } from "../helpers/cluster.js";
import { createTestDatabase } from "../helpers/postgres.js";
import { SERVER_ACCOUNT, SERVER_KEY, SERVER_REGION, SERVER_ROLE, type ServerNode } from "../helpers/server-node.js";

const TARGET = `arn:aws:lambda:${SERVER_REGION}:${SERVER_ACCOUNT}:function:target`;

describe("event buses in a cluster", { concurrency: false }, () => {
  let nodes: ServerNode[];
  let db: pg.Client;
  const clients: EventBridgeClient[] = [];
  const events = (node: ServerNode) => {
    const c = new EventBridgeClient({
      region: SERVER_REGION,
      endpoint: node.apiUrl,
      credentials: SERVER_KEY,
      maxAttempts: 1,
    });
    clients.push(c);
    return c;
  };
  const queued = async () =>
    (
      await db.query<{ payload: Buffer }>(
        "SELECT payload FROM async_events WHERE function_name = 'target' ORDER BY enqueued_at",
      )
    ).rows.map((r) => JSON.parse(r.payload.toString()) as Record<string, unknown>);

  before(async () => {
    const url = await createTestDatabase();
    nodes = await startCluster(url, 2, ["--time-scale", "60", "--catch-up-ms", "500"]);
    db = new pg.Client({ connectionString: url });
    await db.connect();
  });
  after(async () => {
    for (const c of clients) c.destroy();
    await db?.end().catch(() => undefined);
    await Promise.allSettled((nodes ?? []).map((n) => n.close()));
  });

  it("a rule put on one node matches events put on the other; a schedule fires on the leader only, once per tick", async () => {
    const [n1, n2] = nodes as [ServerNode, ServerNode];
    await n1.client.send(
      new CreateFunctionCommand({
        FunctionName: "target",
        Runtime: "nodejs20.x",
        Role: SERVER_ROLE,
        Handler: "index.handler",
        Code: { ZipFile: zipSync({ "index.js": new TextEncoder().encode("exports.handler = async () => null;") }) },
      }),
    );
    await n1.client.send(
      new PutFunctionConcurrencyCommand({ FunctionName: "target", ReservedConcurrentExecutions: 0 }),
    );
    await n1.client.send(
      new AddPermissionCommand({
        FunctionName: "target",
        StatementId: "e",
        Action: "lambda:InvokeFunction",
        Principal: "events.amazonaws.com",
      }),
    );
    const one = events(n1);
    const two = events(n2);
    await one.send(new PutRuleCommand({ Name: "from-one", EventPattern: '{"source":["two"]}' }));
    await one.send(new PutTargetsCommand({ Rule: "from-one", Targets: [{ Id: "t", Arn: TARGET }] }));
    const sent = await eventually("the rule on node 2", async () => {
      const out = await two.send(
        new PutEventsCommand({ Entries: [{ Source: "two", DetailType: "d", Detail: '{"n":1}' }] }),
      );
      return (await queued()).length > 0 ? out : undefined;
    });
    const got = await queued();
    assert.equal(got.at(-1)?.["id"], sent.Entries?.[0]?.EventId);
    assert.equal(got.at(-1)?.["source"], "two");

    await two.send(new PutRuleCommand({ Name: "tick", ScheduleExpression: "rate(1 minute)" }));
    await two.send(new PutTargetsCommand({ Rule: "tick", Targets: [{ Id: "t", Arn: TARGET }] }));
    await new Promise((r) => setTimeout(r, 6000));
    await one.send(new DisableRuleCommand({ Name: "tick" }));
    const ticks = (await queued())
      .filter((e) => e["detail-type"] === "Scheduled Event")
      .map((e) => e["time"] as string);
    assert.ok(ticks.length >= 2 && ticks.length <= 8, `about one tick a real second: ${ticks.length}`);
    assert.equal(new Set(ticks).size, ticks.length, `no tick fired twice: ${ticks.join(", ")}`);
  });
});
