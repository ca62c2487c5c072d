/**
 * `haneul server` as a real child process, stopped with SIGTERM and started again on the same data
 * directory: functions, code, configuration, versions, aliases and settings are all still there and
 * work, and an Event invocation accepted just before the stop still runs (exactly once). Requests
 * that are not signed, or signed with a wrong secret, are refused with 403 and change nothing.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  AddPermissionCommand,
  CreateAliasCommand,
  CreateFunctionCommand,
  GetFunctionCommand,
  type GetFunctionCommandOutput,
  GetFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand,
  GetFunctionEventInvokeConfigCommand,
  GetPolicyCommand,
  InvokeCommand,
  LambdaClient,
  ListAliasesCommand,
  ListFunctionsCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  PutFunctionEventInvokeConfigCommand,
  TagResourceCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
} from "@aws-sdk/client-lambda";
import { zipSync } from "fflate";
import { SqliteStore } from "../../src/adapters/sqlite/sqlite-store.js";
import { HANDLERS } from "../helpers/paths.js";
import { startServerProcess, type ServerProcess } from "../helpers/server-process.js";
import { tempDir, type TempDir } from "../helpers/temp-dir.js";
import { createFunctionRole } from "../helpers/iam.js";

const REGION = "us-east-1";
const ACCOUNT = "000000000000";
const AKID = "AKIAHANEULRESTART001";
const SECRET = "restart/Secret+0123456789abcdefghijklmno";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/restart`;
const arn = (name: string, q?: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}${q ? `:${q}` : ""}`;

/** The cjs fixture handlers as a deployment package. */
const fixtureZip = zipSync({ "index.js": readFileSync(join(HANDLERS, "cjs", "index.js")) });
/** A one-line package, to tell code versions apart. */
const tagZip = (tag: string) =>
  zipSync({ "index.js": new TextEncoder().encode(`exports.handler = async () => ({ tag: ${JSON.stringify(tag)} });`) });

const payload = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const parse = (p: Uint8Array | undefined): unknown => JSON.parse(Buffer.from(p ?? new Uint8Array()).toString("utf8"));

interface Server extends ServerProcess {
  readonly client: LambdaClient;
}

async function startServer(dataDir: string): Promise<Server> {
  const server = await startServerProcess({
    args: ["--data", dataDir, "--api-port", "0", "--gateway-port", "0", "--account-id", ACCOUNT],
    env: { HANEUL_ACCESS_KEY_ID: AKID, HANEUL_SECRET_ACCESS_KEY: SECRET },
  });
  const client = new LambdaClient({
    region: REGION,
    endpoint: server.apiUrl,
    credentials: { accessKeyId: AKID, secretAccessKey: SECRET },
    maxAttempts: 1,
  });
  return {
    ...server,
    client,
    stop() {
      client.destroy();
      return server.stop();
    },
  };
}

/** A raw HTTP request (no client logic in between). */
function send(url: string, method: string, path: string, headers: Record<string, string>, body?: string) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const u = new URL(url);
    const req = request({ host: u.hostname, port: u.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }),
      );
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** An assert.rejects validator for an SDK v3 403. */
const forbidden = (name: string) => (e: unknown) => {
  const err = e as { name: string; $metadata?: { httpStatusCode?: number } };
  assert.equal(err.name, name);
  assert.equal(err.$metadata?.httpStatusCode, 403);
  return true;
};

/** The stored view of a function: everything but the per-response metadata and the code's download URL. */
function stable(out: GetFunctionCommandOutput) {
  const { Configuration, Concurrency, Tags, Code } = out;
  return { Configuration, Concurrency, Tags, RepositoryType: Code?.RepositoryType };
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The endpoint a node hands its instances (AWS_ENDPOINT_URL): loopback and the API's port. */
const instanceEndpoint = (apiUrl: string) => `http://127.0.0.1:${new URL(apiUrl).port}`;

describe("haneul server restarted on the same data directory", { concurrency: false }, () => {
  let dataDir: TempDir | undefined;
  const servers: Server[] = [];
  const start = async () => {
    const s = await startServer(dataDir!.path);
    servers.push(s);
    return s;
  };

  before(() => {
    dataDir = tempDir("restart", { inRepo: true });
  });
  after(async () => {
    for (const s of servers) await s.stop();
    await dataDir?.remove();
  });

  it("keeps functions, code, versions, aliases and settings; accepted events run exactly once", async () => {
    const first = await start();
    let lambda = first.client;
    // The worker updates another function from inside: its role must allow it, as on AWS.
    await createFunctionRole({ endpoint: first.apiUrl, accessKeyId: AKID, secretAccessKey: SECRET }, "restart", {
      actions: ["lambda:UpdateFunctionConfiguration", "lambda:GetFunctionConfiguration"],
    });
    const create = (name: string, extra: Partial<ConstructorParameters<typeof CreateFunctionCommand>[0]> = {}) =>
      lambda.send(
        new CreateFunctionCommand({
          FunctionName: name,
          Runtime: "nodejs20.x",
          Role: ROLE,
          Handler: "index.handler",
          Code: { ZipFile: fixtureZip },
          ...extra,
        }),
      );
    await create("app", {
      Code: { ZipFile: tagZip("one") },
      Description: "the app",
      Timeout: 7,
      MemorySize: 256,
      Environment: { Variables: { STAGE: "one" } },
    });
    await lambda.send(new PublishVersionCommand({ FunctionName: "app", Description: "first" }));
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: "app", ZipFile: tagZip("two") }));
    await lambda.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: "app", Environment: { Variables: { STAGE: "two" } } }),
    );
    await lambda.send(new PublishVersionCommand({ FunctionName: "app", Description: "second" }));
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: "app", ZipFile: tagZip("three") }));
    await lambda.send(
      new CreateAliasCommand({
        FunctionName: "app",
        Name: "live",
        FunctionVersion: "1",
        RoutingConfig: { AdditionalVersionWeights: { "2": 0.25 } },
      }),
    );
    await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: "app", ReservedConcurrentExecutions: 7 }));
    await lambda.send(
      new PutFunctionEventInvokeConfigCommand({ FunctionName: "app", Qualifier: "live", MaximumRetryAttempts: 1 }),
    );
    const permission = (FunctionName: string, StatementId: string) =>
      new AddPermissionCommand({
        FunctionName,
        StatementId,
        Action: "lambda:InvokeFunction",
        Principal: "apigateway.amazonaws.com",
      });
    await lambda.send(permission("app", "api"));
    await lambda.send(permission("app:live", "live-api"));
    await lambda.send(
      new TagResourceCommand({
        Resource: (await lambda.send(new GetFunctionCommand({ FunctionName: "app" }))).Configuration?.FunctionArn,
        Tags: { team: "core" },
      }),
    );
    await create("marker");
    await create("worker", { Handler: "index.markFunction", Timeout: 30 });

    const snapshot = async () => ({
      app: stable(await lambda.send(new GetFunctionCommand({ FunctionName: "app" }))),
      app1: stable(await lambda.send(new GetFunctionCommand({ FunctionName: "app", Qualifier: "1" }))),
      app2: stable(await lambda.send(new GetFunctionCommand({ FunctionName: "app:2" }))),
      live: stable(await lambda.send(new GetFunctionCommand({ FunctionName: "app:live" }))),
      worker: stable(await lambda.send(new GetFunctionCommand({ FunctionName: "worker" }))),
      // "marker" changes when the events run: compared on its own.
      functions: (await lambda.send(new ListFunctionsCommand({ FunctionVersion: "ALL" }))).Functions?.filter(
        (f) => f.FunctionName !== "marker",
      ),
      versions: (await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: "app" }))).Versions,
      aliases: (await lambda.send(new ListAliasesCommand({ FunctionName: "app" }))).Aliases,
      concurrency: (await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: "app" })))
        .ReservedConcurrentExecutions,
      policy: (await lambda.send(new GetPolicyCommand({ FunctionName: "app" }))).Policy,
      livePolicy: (await lambda.send(new GetPolicyCommand({ FunctionName: "app", Qualifier: "live" }))).Policy,
      eventConfig: await lambda
        .send(new GetFunctionEventInvokeConfigCommand({ FunctionName: "app", Qualifier: "live" }))
        .then(({ $metadata: _, ...c }) => c),
    });
    const before = await snapshot();
    assert.equal(before.versions?.length, 3);
    assert.match(before.policy ?? "", /"Sid":"api"/);
    assert.match(before.livePolicy ?? "", /"Sid":"live-api"/);
    assert.deepEqual(before.app.Tags, { team: "core" });
    assert.deepEqual(before.aliases?.[0]?.RoutingConfig, { AdditionalVersionWeights: { "2": 0.25 } });

    // Accepted (stored, claimed and started at once), then SIGTERM right away: it is still running.
    const inFlight = await lambda.send(
      new InvokeCommand({
        FunctionName: "worker",
        InvocationType: "Event",
        Payload: payload({ marker: "marker", mark: "in-flight", sleepMs: 1500 }),
      }),
    );
    assert.equal(inFlight.StatusCode, 202);
    first.terminate();
    await first.waitFor(/SIGTERM received, stopping/);
    // While the node drains, the API still accepts: this event is stored, and runs after the restart.
    const queued = await lambda.send(
      new InvokeCommand({
        FunctionName: "worker",
        InvocationType: "Event",
        Payload: payload({ marker: "marker", mark: "queued" }),
      }),
    );
    assert.equal(queued.StatusCode, 202);
    assert.equal(await first.stop(), 0, first.output());
    assert.match(first.output(), /haneul server: stopped/);

    const second = await start();
    assert.notEqual(second.apiUrl, first.apiUrl);
    lambda = second.client;
    assert.deepEqual(await snapshot(), before);

    // Code and configuration of every qualifier work as before.
    const call = async (FunctionName: string, Qualifier?: string) => {
      const out = await lambda.send(new InvokeCommand({ FunctionName, Qualifier }));
      assert.equal(out.FunctionError, undefined, Buffer.from(out.Payload ?? []).toString());
      return [out.ExecutedVersion, parse(out.Payload)];
    };
    assert.deepEqual(await call("app"), ["$LATEST", { tag: "three" }]);
    assert.deepEqual(await call("app", "1"), ["1", { tag: "one" }]);
    assert.deepEqual(await call("app:2"), ["2", { tag: "two" }]);
    const routed = new Set<string>();
    for (let i = 0; i < 40 && routed.size < 2; i++) routed.add(String((await call("app", "live"))[0]));
    assert.deepEqual([...routed].sort(), ["1", "2"], "the alias still routes to both versions");

    // The in-flight event finished during the drain on the first node, the queued one ran on the
    // second; each exactly once.
    const expected = [`in-flight@${instanceEndpoint(first.apiUrl)}`, `queued@${instanceEndpoint(second.apiUrl)}`];
    const description = async () =>
      (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: "marker" }))).Description ?? "";
    const marks = await eventually("both events to have run", async () => {
      const d = (await description()).split(" ").filter(Boolean);
      return d.length >= 2 ? d : undefined;
    });
    assert.deepEqual(marks, expected);
    // Stopping drains the node: every event it took has finished. Then none may be left to run.
    assert.equal(await second.stop(), 0, second.output());
    const store = SqliteStore.open({ path: join(dataDir!.path, "haneul.db") });
    try {
      assert.equal(await store.nextEventDueAt(), undefined, "no event waits or runs");
      const marker = await store.getFunction("marker");
      assert.deepEqual(marker?.config.description.split(" "), expected, "no event ran twice");
    } finally {
      await store.close();
    }
  });

  it("refuses an unsigned and a wrongly signed CreateFunction with 403 and creates nothing", async () => {
    const server = servers.find((s) => s.child.exitCode === null && s.child.signalCode === null) ?? (await start());
    const list = async () =>
      (await server.client.send(new ListFunctionsCommand({}))).Functions?.map((f) => f.FunctionName);
    const before = await list();
    const body = JSON.stringify({
      FunctionName: "intruder",
      Runtime: "nodejs20.x",
      Role: ROLE,
      Handler: "index.handler",
      Code: { ZipFile: Buffer.from(fixtureZip).toString("base64") },
    });
    const unsigned = await send(
      server.apiUrl,
      "POST",
      "/2015-03-31/functions",
      { "content-type": "application/json" },
      body,
    );
    assert.equal(unsigned.status, 403, unsigned.body);
    assert.equal(unsigned.headers["x-amzn-errortype"], "MissingAuthenticationTokenException");

    const wrong = new LambdaClient({
      region: REGION,
      endpoint: server.apiUrl,
      credentials: { accessKeyId: AKID, secretAccessKey: "not-the-secret" },
      maxAttempts: 1,
    });
    const unknown = new LambdaClient({
      region: REGION,
      endpoint: server.apiUrl,
      credentials: { accessKeyId: "AKIAUNKNOWN000000000", secretAccessKey: SECRET },
      maxAttempts: 1,
    });
    try {
      const input = {
        FunctionName: "intruder",
        Runtime: "nodejs20.x" as const,
        Role: ROLE,
        Handler: "index.handler",
        Code: { ZipFile: fixtureZip },
      };
      await assert.rejects(wrong.send(new CreateFunctionCommand(input)), forbidden("InvalidSignatureException"));
      await assert.rejects(unknown.send(new CreateFunctionCommand(input)), forbidden("UnrecognizedClientException"));
    } finally {
      wrong.destroy();
      unknown.destroy();
    }
    await assert.rejects(server.client.send(new GetFunctionCommand({ FunctionName: "intruder" })), {
      name: "ResourceNotFoundException",
      message: `Function not found: ${arn("intruder")}`,
    });
    assert.deepEqual(await list(), before, "nothing changed");
  });
});
