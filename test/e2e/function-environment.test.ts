/**
 * What a function sees of the node it runs on, with the real `haneul server` process: the bundled
 * aws-sdk v2 and @aws-sdk/client-lambda v3 reach the node's API with no configuration in the
 * function (AWS_ENDPOINT_URL, AWS_REGION and a key of the function's execution role), and nothing of the server's
 * own environment leaks in: not the user's access key, not HANEUL_* settings, not other variables.
 */
import assert from "node:assert/strict";
import { writeFileSync, readFileSync } from "node:fs";
import { getPriority } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { CreateFunctionCommand, InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { zipSync } from "fflate";
import { HANDLERS } from "../helpers/paths.js";
import { startServerProcess, type ServerProcess } from "../helpers/server-process.js";
import { tempDir, type TempDir } from "../helpers/temp-dir.js";
import { createFunctionRole } from "../helpers/iam.js";

const REGION = "eu-west-1";
const ACCOUNT = "210987654321";
const AKID = "AKIAHANEULENVTEST001";
const SECRET = "envtest/Secret+0123456789abcdefghijklmno";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/env`;
/** The cjs fixture handlers as a deployment package. */
const fixtureZip = zipSync({ "index.js": readFileSync(join(HANDLERS, "cjs", "index.js")) });

describe("a function's view of its node", () => {
  let dataDir: TempDir | undefined;
  let server: ServerProcess | undefined;
  let apiUrl: string;
  let lambda: LambdaClient;
  const output = () => server?.output() ?? "";

  before(async () => {
    dataDir = tempDir("env", { inRepo: true });
    // A key file like a first start leaves behind (the configured key below takes precedence).
    writeFileSync(
      join(dataDir.path, "credentials"),
      "[haneul]\naws_access_key_id = AKIAFILEKEY000000001\naws_secret_access_key = file-secret-do-not-leak\n",
      { mode: 0o600 },
    );
    server = await startServerProcess({
      args: ["--data", dataDir.path, "--api-port", "0", "--gateway-port", "0", "--spares", "0"],
      env: {
        HANEUL_ACCESS_KEY_ID: AKID,
        HANEUL_SECRET_ACCESS_KEY: SECRET,
        HANEUL_REGION: REGION,
        HANEUL_ACCOUNT_ID: ACCOUNT,
        // The operator's own AWS credentials and settings, which must not reach functions.
        AWS_ACCESS_KEY_ID: "AKIAOPERATORKEY00001",
        AWS_SECRET_ACCESS_KEY: "operator-secret",
        AWS_SESSION_TOKEN: "operator-session",
        AWS_PROFILE: "operator",
        AWS_REGION: "ap-south-1",
        SERVER_ONLY_SECRET: "do-not-leak",
      },
    });
    apiUrl = server.apiUrl;
    lambda = new LambdaClient({
      region: REGION,
      endpoint: apiUrl,
      credentials: { accessKeyId: AKID, secretAccessKey: SECRET },
      maxAttempts: 1,
    });
    // As on AWS, a function calls the node with its execution role's permissions.
    await createFunctionRole({ endpoint: apiUrl, accessKeyId: AKID, secretAccessKey: SECRET }, "env", {
      actions: ["lambda:ListFunctions", "lambda:InvokeFunction"],
    });
    for (const [name, handler] of [
      ["lister", "index.sdkListFunctions"],
      ["env", "index.readEnv"],
      ["prio", "index.priority"],
    ] as const) {
      await lambda.send(
        new CreateFunctionCommand({
          FunctionName: name,
          Runtime: "nodejs20.x",
          Role: ROLE,
          Handler: handler,
          Code: { ZipFile: fixtureZip },
          Timeout: 30,
          Environment: { Variables: { FROM_CONFIG: "yes" } },
        }),
      );
    }
  });

  after(async () => {
    lambda?.destroy();
    if (server) assert.equal(await server.stop(), 0, output());
    await dataDir?.remove();
  });

  const invoke = async (name: string, event: unknown = {}) => {
    const out = await lambda.send(
      new InvokeCommand({ FunctionName: name, Payload: new TextEncoder().encode(JSON.stringify(event)) }),
    );
    const text = Buffer.from(out.Payload ?? new Uint8Array()).toString("utf8");
    assert.equal(out.FunctionError, undefined, text);
    return JSON.parse(text) as Record<string, unknown>;
  };

  it("aws-sdk v2 and SDK v3 inside a function list the node's functions with no configuration", async () => {
    assert.deepEqual(await invoke("lister"), { v2: ["env", "lister", "prio"], v3: ["env", "lister", "prio"] });
    // A warm instance does it again (the clients' connections and the instance key still work).
    assert.deepEqual(await invoke("lister"), { v2: ["env", "lister", "prio"], v3: ["env", "lister", "prio"] });
  });

  it("runs 10 nice steps below the server by default, so busy functions cannot starve it", async () => {
    const expected = Math.min(19, getPriority() + 10);
    assert.deepEqual(await invoke("prio"), { nice: expected, childNice: expected });
  });

  it("sees AWS_ENDPOINT_URL, the node's region and an instance key, and nothing of the server's environment", async () => {
    const env = (await invoke("env")) as Record<string, string>;
    assert.equal(env.AWS_ENDPOINT_URL, `http://127.0.0.1:${new URL(apiUrl).port}`);
    assert.equal(env.AWS_REGION, REGION);
    assert.equal(env.AWS_DEFAULT_REGION, REGION);
    assert.equal(env.AWS_LAMBDA_FUNCTION_NAME, "env");
    assert.equal(env.FROM_CONFIG, "yes");
    assert.match(env.AWS_ACCESS_KEY_ID ?? "", /^ASIA[A-Z2-7]{16}$/);
    assert.ok(env.AWS_SESSION_TOKEN, "a session token, as Lambda gives");
    assert.notEqual(env.AWS_ACCESS_KEY_ID, AKID, "not the user's key");
    assert.ok(env.AWS_SECRET_ACCESS_KEY, "an instance secret");
    assert.notEqual(env.AWS_SECRET_ACCESS_KEY, SECRET);
    assert.notEqual(env.AWS_SECRET_ACCESS_KEY, "operator-secret");
    assert.notEqual(env.AWS_SESSION_TOKEN, "operator-session");
    assert.equal(env.AWS_PROFILE, undefined);
    assert.equal(env.SERVER_ONLY_SECRET, undefined);
    assert.deepEqual(
      Object.keys(env).filter((k) => k.startsWith("HANEUL")),
      [],
    );
    const values = Object.values(env).join("\n");
    for (const secret of [SECRET, "operator-secret", "AKIAOPERATORKEY00001", AKID, "do-not-leak", "ap-south-1"]) {
      assert.ok(!values.includes(secret), `the function's environment contains ${secret}`);
    }
  });

  it("cannot read the node's store or credentials", async () => {
    const db = join(dataDir!.path, "haneul.db");
    const credentials = join(dataDir!.path, "credentials");
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: "snoop",
        Runtime: "nodejs20.x",
        Role: ROLE,
        Handler: "index.readFiles",
        Code: { ZipFile: fixtureZip },
      }),
    );
    const seen = await invoke("snoop", { paths: [db, `${db}-wal`, credentials] });
    for (const path of [db, `${db}-wal`, credentials]) {
      const file = seen[path] as { size?: number; head?: string; error?: string };
      assert.ok(file.error !== undefined || file.size === 0, `${path} is readable: ${JSON.stringify(file)}`);
    }
  });

  it("the instance key is never printed and the node accepts it", async () => {
    const env = await invoke("env", { names: ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"] });
    assert.doesNotMatch(output(), new RegExp(String(env.AWS_ACCESS_KEY_ID)), "never printed");
    const asInstance = new LambdaClient({
      region: REGION,
      endpoint: apiUrl,
      credentials: {
        accessKeyId: String(env.AWS_ACCESS_KEY_ID),
        secretAccessKey: String(env.AWS_SECRET_ACCESS_KEY),
        sessionToken: String(env.AWS_SESSION_TOKEN),
      },
      maxAttempts: 1,
    });
    try {
      const out = await asInstance.send(
        new InvokeCommand({ FunctionName: "env", Payload: Buffer.from('{"names":["AWS_REGION"]}') }),
      );
      assert.deepEqual(JSON.parse(Buffer.from(out.Payload ?? []).toString()), { AWS_REGION: REGION });
    } finally {
      asInstance.destroy();
    }
  });
});
