/**
 * A function runs on the Node.js major its runtime names. Majors other than the node's own are
 * fetched from the npm registry into the runtimes cache (the function is Pending meanwhile, as
 * Lambda's are while created, then Active); one that cannot be fetched leaves the function Failed
 * with InvalidRuntime, and Invoke answers InvalidRuntimeException. Real server, real SDK v3.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  CreateFunctionCommand,
  type Runtime,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  LambdaClient,
  waitUntilFunctionActiveV2,
} from "@aws-sdk/client-lambda";
import { zipSync } from "fflate";
import { loadServerConfig } from "../../src/config/server-config.js";
import { startNode, type RunningNode } from "../../src/main.js";
import { ROOT } from "../helpers/paths.js";

const AKID = "AKIAHANEULRUNTIMES01";
const SECRET = "runtimes/Secret+0123456789abcdefghijklm";
const ROLE = "arn:aws:iam::000000000000:role/runtimes";

const CODE = zipSync({
  "index.js": Buffer.from(
    "exports.handler = async () => ({ node: process.version, env: process.env.AWS_EXECUTION_ENV });\n" +
      "exports.callback = (event, context, callback) => callback(null, 'called back');\n",
  ),
});

interface Node {
  readonly node: RunningNode;
  readonly client: LambdaClient;
  close(): Promise<void>;
}

/** A node whose runtimes cache is `runtimesDir`, running npm with `home`. */
async function startWith(runtimesDir: string, home: string): Promise<Node> {
  const dataDir = mkdtempSync(join(ROOT, ".haneul", "test-runtimes-"));
  const env = {
    HANEUL_ACCESS_KEY_ID: AKID,
    HANEUL_SECRET_ACCESS_KEY: SECRET,
    HANEUL_RUNTIMES_DIR: runtimesDir,
    HOME: home,
    PATH: process.env["PATH"],
  };
  const config = loadServerConfig(env, ["--data", dataDir, "--api-port", "0", "--gateway-port", "0", "--spares", "0"]);
  const node = await startNode(config);
  const client = new LambdaClient({
    region: "us-east-1",
    endpoint: node.apiUrl,
    credentials: { accessKeyId: AKID, secretAccessKey: SECRET },
    maxAttempts: 1,
  });
  return {
    node,
    client,
    async close() {
      client.destroy();
      await node.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const create = (client: LambdaClient, name: string, runtime: string, handler = "index.handler") =>
  client.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: runtime as Runtime,
      Role: ROLE,
      Handler: handler,
      Code: { ZipFile: CODE },
    }),
  );

const invoke = async (client: LambdaClient, name: string) => {
  const out = await client.send(new InvokeCommand({ FunctionName: name }));
  return {
    error: out.FunctionError,
    body: JSON.parse(Buffer.from(out.Payload ?? []).toString()) as Record<string, string>,
  };
};

describe("Node.js runtimes", () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const tempDir = (prefix: string) => {
    const d = mkdtempSync(join(ROOT, ".haneul", prefix));
    dirs.push(d);
    return d;
  };

  describe("fetched into a fresh cache", () => {
    let n: Node;
    before(async () => {
      n = await startWith(tempDir("runtimes-cache-"), homedir());
    });
    after(() => n.close());

    it("a nodejs22.x function is Pending while Node.js 22 is fetched, then Active, and runs on Node.js 22", async () => {
      const created = await create(n.client, "on22", "nodejs22.x");
      assert.equal(created.State, "Pending");
      assert.equal(created.StateReasonCode, "Creating");
      assert.equal(created.LastUpdateStatus, "InProgress");
      await assert.rejects(n.client.send(new InvokeCommand({ FunctionName: "on22" })), {
        name: "ResourceConflictException",
        message:
          "The operation cannot be performed at this time. The function is currently in the following state: Pending",
      });
      await waitUntilFunctionActiveV2({ client: n.client, maxWaitTime: 120, minDelay: 1 }, { FunctionName: "on22" });
      const { body } = await invoke(n.client, "on22");
      assert.match(body.node ?? "", /^v22\./);
      assert.equal(body.env, "AWS_Lambda_nodejs22.x");
    });

    it("nodejs24.x runs on Node.js 24, where callback handlers are refused as on AWS", async () => {
      await create(n.client, "on24", "nodejs24.x");
      await waitUntilFunctionActiveV2({ client: n.client, maxWaitTime: 120, minDelay: 1 }, { FunctionName: "on24" });
      assert.match((await invoke(n.client, "on24")).body.node ?? "", /^v24\./);
      await create(n.client, "cb24", "nodejs24.x", "index.callback");
      const cb = await invoke(n.client, "cb24");
      assert.equal(cb.error, "Unhandled");
      assert.equal(cb.body.errorType, "Runtime.CallbackHandlerDeprecated");
    });

    it("the node's own major needs nothing fetched", async () => {
      const own = `nodejs${process.versions.node.split(".")[0]}.x`;
      const created = await create(n.client, "own", own);
      assert.equal(created.State, "Active");
      assert.equal((await invoke(n.client, "own")).body.node, process.version);
    });
  });

  it("a major that cannot be fetched leaves the function Failed (InvalidRuntime) and Invoke refused", async () => {
    // npm pointed at a registry that is not there, with an empty cache: as on a machine offline.
    const home = tempDir("runtimes-offline-home-");
    writeFileSync(join(home, ".npmrc"), "registry=http://127.0.0.1:9/\nfetch-retries=0\n");
    const n = await startWith(tempDir("runtimes-offline-cache-"), home);
    try {
      await create(n.client, "offline", "nodejs18.x");
      await assert.rejects(
        waitUntilFunctionActiveV2({ client: n.client, maxWaitTime: 60, minDelay: 1 }, { FunctionName: "offline" }),
      );
      const config = await n.client.send(new GetFunctionConfigurationCommand({ FunctionName: "offline" }));
      assert.equal(config.State, "Failed");
      assert.equal(config.StateReasonCode, "InvalidRuntime");
      assert.match(
        config.StateReason ?? "",
        /Node\.js 18 is not installed and could not be fetched from the npm registry/,
      );
      await assert.rejects(n.client.send(new InvokeCommand({ FunctionName: "offline" })), {
        name: "InvalidRuntimeException",
        message: /Node\.js 18 is not installed/,
      });
    } finally {
      await n.close();
    }
  });
});
