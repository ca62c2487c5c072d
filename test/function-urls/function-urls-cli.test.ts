/**
 * Function URLs as a user drives them: the AWS CLI v2 (/usr/bin/aws) against a real `haneul
 * server` for every URL operation and the permission that opens a NONE URL, and curl against the
 * URL itself (resolving `*.localhost` to the loopback address, as curl does): Forbidden before
 * the permission, the function's answer after it, a CORS preflight, and an AWS_IAM URL signed by
 * curl's own SigV4 (`--aws-sigv4`).
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { aws, writeZip } from "../helpers/cluster.js";
import { SERVER_KEY, SERVER_ROLE, startServerNode, type ServerNode } from "../helpers/server-node.js";

const run = promisify(execFile);

let node: ServerNode;
before(async () => {
  node = await startServerNode();
});
after(async () => {
  await node.close();
});

const lambda = (...args: string[]) => aws(node.apiUrl, ["lambda", ...args]) as Promise<Record<string, unknown>>;

/** curl's status line, headers and body: `-i` output. */
async function curl(...args: string[]): Promise<{ status: number; head: string; body: string }> {
  const { stdout } = await run("curl", ["-s", "-i", "--max-time", "20", ...args]);
  const split = stdout.indexOf("\r\n\r\n");
  const head = stdout.slice(0, split);
  return {
    status: Number(/^HTTP\/[\d.]+ (\d+)/.exec(head)?.[1]),
    head: head.toLowerCase(),
    body: stdout.slice(split + 4),
  };
}

describe("function URLs with the AWS CLI and curl", { concurrency: false }, () => {
  test("create, open with add-permission, call with curl, update, list, delete", async () => {
    const zip = writeZip(
      node.dataDir,
      "hello",
      `exports.handler = async (event) => ({ statusCode: 200, headers: { "content-type": "text/plain" },
        body: "hello " + event.rawPath + " " + (event.queryStringParameters || {}).who });`,
    );
    await lambda(
      ...["create-function", "--function-name", "cli-url", "--runtime", "nodejs20.x", "--role", SERVER_ROLE],
      ...["--handler", "index.handler", "--zip-file", `fileb://${zip}`],
    );
    const created = await lambda(
      ...["create-function-url-config", "--function-name", "cli-url", "--auth-type", "NONE"],
      ...["--cors", '{"AllowOrigins":["https://app.example"],"AllowMethods":["GET"],"MaxAge":60}'],
    );
    const url = String(created["FunctionUrl"]);
    assert.match(url, /^http:\/\/[a-z0-9]{32}\.lambda-url\.us-east-1\.localhost:\d+\/$/);
    assert.equal(created["AuthType"], "NONE");

    const closed = await curl(`${url}greet?who=cli`);
    assert.deepEqual([closed.status, closed.body], [403, '{"Message":"Forbidden"}']);
    await lambda(
      ...["add-permission", "--function-name", "cli-url", "--statement-id", "FunctionURLAllowPublicAccess"],
      ...["--action", "lambda:InvokeFunctionUrl", "--principal", "*", "--function-url-auth-type", "NONE"],
    );
    const open = await curl(`${url}greet?who=cli`);
    assert.deepEqual([open.status, open.body], [200, "hello /greet cli"]);
    const preflight = await curl(
      ...["-X", "OPTIONS", url, "-H", "Origin: https://app.example", "-H", "Access-Control-Request-Method: GET"],
    );
    assert.equal(preflight.status, 200);
    assert.match(preflight.head, /access-control-allow-origin: https:\/\/app\.example/);
    assert.match(preflight.head, /access-control-max-age: 60/);

    const got = await lambda("get-function-url-config", "--function-name", "cli-url");
    assert.equal(got["FunctionUrl"], url);
    const updated = await lambda("update-function-url-config", "--function-name", "cli-url", "--auth-type", "AWS_IAM");
    assert.equal(updated["AuthType"], "AWS_IAM");
    assert.equal((await curl(`${url}greet?who=anyone`)).status, 403, "unsigned");
    const signed = await curl(
      ...[
        "--aws-sigv4",
        "aws:amz:us-east-1:lambda",
        "--user",
        `${SERVER_KEY.accessKeyId}:${SERVER_KEY.secretAccessKey}`,
      ],
      `${url}greet?who=signed`,
    );
    assert.deepEqual([signed.status, signed.body], [200, "hello /greet signed"]);

    const listed = await lambda("list-function-url-configs", "--function-name", "cli-url");
    assert.deepEqual(
      (listed["FunctionUrlConfigs"] as { FunctionUrl: string }[]).map((c) => c.FunctionUrl),
      [url],
    );
    await lambda("delete-function-url-config", "--function-name", "cli-url");
    await assert.rejects(
      lambda("get-function-url-config", "--function-name", "cli-url"),
      /ResourceNotFoundException.*The resource you requested does not exist\./,
    );
    await assert.rejects(
      lambda(
        "create-function-url-config",
        "--function-name",
        "cli-url",
        "--auth-type",
        "NONE",
        "--qualifier",
        "$LATEST",
      ),
      /ValidationException/,
    );
    assert.equal((await curl(`${url}greet`)).status, 403, "the URL is gone");
  });
});
