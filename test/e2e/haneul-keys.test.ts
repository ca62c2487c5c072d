/**
 * `haneul keys` against a running node: a user with a managed or a file policy and its key,
 * listed, used with the SDK (allowed and refused with AWS's text), then deleted with its key.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { CreateFunctionCommand, LambdaClient, ListFunctionsCommand } from "@aws-sdk/client-lambda";
import { HANDLER_ZIP } from "../helpers/control-fixture.js";
import {
  AKID,
  NODE_ACCOUNT,
  NODE_REGION,
  NODE_ROLE,
  SECRET,
  startLambdaNode,
  type LambdaNode,
} from "../helpers/lambda-node.js";
import { CLI } from "../helpers/paths.js";

let node: LambdaNode;
let dir: string;

function keys(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, "keys", ...args, "--endpoint", node.url, "--data", dir], {
      env: { PATH: "/usr/bin:/bin", HANEUL_ACCESS_KEY_ID: AKID, HANEUL_SECRET_ACCESS_KEY: SECRET },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function clientFor(out: string): LambdaClient {
  const id = /AWS_ACCESS_KEY_ID=(\S+)/.exec(out)?.[1] ?? "";
  const secret = /AWS_SECRET_ACCESS_KEY=(\S+)/.exec(out)?.[1] ?? "";
  return new LambdaClient({
    region: NODE_REGION,
    endpoint: node.url,
    credentials: { accessKeyId: id, secretAccessKey: secret },
    maxAttempts: 1,
  });
}

describe("haneul keys", () => {
  before(async () => {
    node = await startLambdaNode();
    dir = await mkdtemp(join(tmpdir(), "haneul-keys-"));
  });
  after(async () => {
    await node?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test("create --managed-policy, list, use, delete", async () => {
    const created = await keys("create", "--user", "ci", "--managed-policy", "AWSLambda_ReadOnlyAccess");
    assert.equal(created.code, 0, created.stderr);
    const listed = await keys("list");
    assert.match(listed.stdout, /^ci\tkeys: AKIA[A-Z2-7]{16} \(Active\)\tpolicies: AWSLambda_ReadOnlyAccess$/m);
    const ci = clientFor(created.stdout);
    assert.ok(Array.isArray((await ci.send(new ListFunctionsCommand({}))).Functions));
    await assert.rejects(
      ci.send(
        new CreateFunctionCommand({
          FunctionName: "nope",
          Runtime: "nodejs20.x",
          Role: NODE_ROLE,
          Handler: "index.handler",
          Code: { ZipFile: HANDLER_ZIP },
        }),
      ),
      {
        name: "AccessDeniedException",
        message: `User: arn:aws:iam::${NODE_ACCOUNT}:user/ci is not authorized to perform: lambda:CreateFunction on resource: arn:aws:lambda:${NODE_REGION}:${NODE_ACCOUNT}:function:nope because no identity-based policy allows the lambda:CreateFunction action`,
      },
    );
    const deleted = await keys("delete", "--user", "ci");
    assert.equal(deleted.code, 0, deleted.stderr);
    await assert.rejects(ci.send(new ListFunctionsCommand({})), { name: "UnrecognizedClientException" });
    ci.destroy();
    assert.match((await keys("list")).stdout, /^no users$/m);
  });

  test("create --policy-file gives the user that policy; bad input exits 2 with one line", async () => {
    const file = join(dir, "p.json");
    await writeFile(
      file,
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "lambda:ListFunctions", Resource: "*" }],
      }),
    );
    const created = await keys("create", "--user", "lister", "--policy-file", file);
    assert.equal(created.code, 0, created.stderr);
    const lister = clientFor(created.stdout);
    assert.ok((await lister.send(new ListFunctionsCommand({}))).Functions);
    lister.destroy();
    const bad = await keys("create", "--user", "x");
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^haneul keys: keys create needs exactly one of --policy-file and --managed-policy$/m);
    const exists = await keys("create", "--user", "lister", "--managed-policy", "ReadOnlyAccess");
    assert.equal(exists.code, 1);
    assert.match(exists.stderr, /EntityAlreadyExists.*User with name lister already exists\./);
  });
});
