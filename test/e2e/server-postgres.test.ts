/**
 * `haneul server --store postgres://…` as an operator runs it: a database it cannot open stops the
 * start with one line naming what failed; a node on PostgreSQL generates one access key that every
 * node of the database shares, and a second node on a fresh data directory runs code it has never
 * seen, fetched from the database.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand } from "@aws-sdk/client-iam";
import { CreateFunctionCommand, InvokeCommand, LambdaClient, ListFunctionsCommand } from "@aws-sdk/client-lambda";
import { zipSync } from "fflate";
import pg from "pg";
import { CLI, HANDLERS } from "../helpers/paths.js";
import { createTestDatabase } from "../helpers/postgres.js";
import { iamClient } from "../helpers/iam.js";
import { tempDir } from "../helpers/temp-dir.js";
import { SERVER_KEY, SERVER_REGION, SERVER_ROLE, startServerNode, type ServerNode } from "../helpers/server-node.js";

function refusedStart(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, "server", "--api-port", "0", "--gateway-port", "0", ...args], {
      env: { PATH: "/usr/bin:/bin", ...env },
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (out += c.toString()));
    child.on("exit", (code) => resolve({ code, out }));
  });
}

const fixtureZip = zipSync({ "index.js": readFileSync(join(HANDLERS, "cjs", "index.js")) });
const payload = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

describe("haneul server on PostgreSQL", { concurrency: false }, () => {
  let url: string;
  const nodes: ServerNode[] = [];
  before(async () => {
    url = await createTestDatabase();
  });
  after(async () => {
    for (const n of nodes) await n.close();
  });

  it("refuses to start when the database cannot be opened, naming what failed", async () => {
    const wrongPassword = new URL(url);
    wrongPassword.password = "wrong";
    const a = await refusedStart(["--store", wrongPassword.toString()]);
    assert.equal(a.code, 1, a.out);
    assert.match(
      a.out,
      /haneul server: cannot start: PostgreSQL at 127\.0\.0\.1:\d+ refused the password of user "haneul"/,
    );
    assert.doesNotMatch(a.out, /wrong/, "the password is never shown");

    const closed = new URL(url);
    closed.port = "1";
    const b = await refusedStart([], { DATABASE_URL: closed.toString() });
    assert.equal(b.code, 1, b.out);
    assert.match(b.out, /cannot connect to PostgreSQL at 127\.0\.0\.1:1: connection refused/);

    const c = await refusedStart([], { HANEUL_STORE: "mysql://u:secret@db/x" });
    assert.equal(c.code, 2, c.out);
    assert.match(c.out, /invalid HANEUL_STORE 'mysql:\/\/u:\*\*\*@db\/x'/);
  });

  it("shares its generated key with later nodes, which run code they fetch from the database", async () => {
    const first = await startServerNode({ args: ["--store", url], withKey: false });
    nodes.push(first);
    const id = /AWS_ACCESS_KEY_ID=(AKIA[A-Z0-9]{16})/.exec(first.output())?.[1];
    const secret = /AWS_SECRET_ACCESS_KEY=(\S{40})/.exec(first.output())?.[1];
    assert.ok(id && secret, first.output());
    const client = (node: ServerNode) =>
      new LambdaClient({
        region: SERVER_REGION,
        endpoint: node.apiUrl,
        credentials: { accessKeyId: id, secretAccessKey: secret },
        maxAttempts: 1,
      });
    const one = client(first);
    await one.send(
      new CreateFunctionCommand({
        FunctionName: "shared-code",
        Runtime: "nodejs20.x",
        Role: SERVER_ROLE,
        Handler: "index.handler",
        Code: { ZipFile: fixtureZip },
      }),
    );
    one.destroy();
    assert.equal(await first.stop(), 0);

    const second = await startServerNode({ args: ["--store", url], withKey: false });
    nodes.push(second);
    assert.doesNotMatch(second.output(), /A new access key was generated/);
    assert.match(second.output(), new RegExp(`Access key\\s+${id}`));
    const two = client(second);
    const out = await two.send(new InvokeCommand({ FunctionName: "shared-code", Payload: payload({ n: 1 }) }));
    assert.equal(out.FunctionError, undefined);
    assert.deepEqual(JSON.parse(Buffer.from(out.Payload ?? []).toString()), { echo: { n: 1 } });
    const queued = await two.send(
      new InvokeCommand({ FunctionName: "shared-code", InvocationType: "Event", Payload: payload({ n: 2 }) }),
    );
    assert.equal(queued.StatusCode, 202);
    two.destroy();

    const db = new pg.Client({ connectionString: url });
    await db.connect();
    const deadline = Date.now() + 15_000;
    let state = "";
    while (Date.now() < deadline && state !== "done") {
      const r = await db.query<{ state: string }>("SELECT state FROM async_events");
      state = r.rows[0]?.state ?? "";
      if (state !== "done") await new Promise((r) => setTimeout(r, 50));
    }
    const packages = await db.query<{ n: string }>("SELECT count(*) AS n FROM code_packages");
    await db.end();
    assert.equal(state, "done", "the Event invocation ran");
    assert.equal(packages.rows[0]?.n, "1", "the code is stored once");
  });

  it("agrees on one node secret: a user's key made on one node signs on the others; a node with another refuses", async (t) => {
    const shared = await createTestDatabase();
    const first = await startServerNode({ args: ["--store", shared] });
    nodes.push(first);
    const second = await startServerNode({ args: ["--store", shared] });
    nodes.push(second);
    const iam = iamClient({ endpoint: first.apiUrl, ...SERVER_KEY });
    await iam.send(new CreateUserCommand({ UserName: "dev" }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: "dev",
        PolicyName: "list",
        PolicyDocument: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: "lambda:ListFunctions", Resource: "*" }],
        }),
      }),
    );
    const made = await iam.send(new CreateAccessKeyCommand({ UserName: "dev" }));
    iam.destroy();
    const key = {
      accessKeyId: made.AccessKey?.AccessKeyId ?? "",
      secretAccessKey: made.AccessKey?.SecretAccessKey ?? "",
    };
    // The second node hears of the user through the change log and opens the key sealed by the first.
    const deadline = Date.now() + 10_000;
    let listed: unknown;
    for (;;) {
      const c = new LambdaClient({ region: SERVER_REGION, endpoint: second.apiUrl, credentials: key, maxAttempts: 1 });
      try {
        listed = await c.send(new ListFunctionsCommand({}));
        break;
      } catch (e) {
        if (Date.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, 100));
      } finally {
        c.destroy();
      }
    }
    assert.ok(listed);

    const dir = tempDir("refused");
    t.after(() => dir.remove());
    const other = await refusedStart(["--store", shared, "--data", dir.path], {
      HANEUL_NODE_SECRET: "another-secret-of-this-node",
      HANEUL_ACCESS_KEY_ID: SERVER_KEY.accessKeyId,
      HANEUL_SECRET_ACCESS_KEY: SERVER_KEY.secretAccessKey,
    });
    assert.equal(other.code, 1, other.out);
    assert.match(
      other.out,
      /cannot start: HANEUL_NODE_SECRET differs from the node secret this cluster's database was set up with/,
    );
  });
});
