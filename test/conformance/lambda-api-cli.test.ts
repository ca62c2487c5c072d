/**
 * The Lambda API through the real AWS CLI v2 (`/usr/bin/aws`, botocore's own serializers, signer,
 * paginators and error printing) against a real node: create from a `fileb://` zip, the three
 * invocation types with a log tail, code updates, versions with their preconditions, a weighted
 * alias (its split measured through SDK v3 on the alias the CLI made), concurrency, event-invoke
 * configs, paging and the error paths with the CLI's exit status and error line.
 *
 * Each CLI call costs about half a second of Python start-up, so independent calls run in parallel.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { CreateFunctionCommand, DeleteFunctionCommand, InvokeCommand } from "@aws-sdk/client-lambda";
import { zipSync } from "fflate";
import {
  functionArn as arn,
  type LambdaNode,
  NODE_ACCOUNT,
  NODE_REGION,
  NODE_ROLE as ROLE,
  startLambdaNode,
} from "../helpers/lambda-node.js";
import { tempDir, type TempDir } from "../helpers/temp-dir.js";
import { invocationLogLines } from "../../src/domain/log-lines.js";

/** Debian's awscli 2.x; a pyenv `aws` v1 shim may come first on PATH. */
const AWS_CLI = "/usr/bin/aws";
/** The CLI's exit status for an error answered by the service. */
const SERVICE_ERROR = 254;

/** A zip whose handler logs the event, answers with `tag`, and can fail. */
function code(tag: string): Buffer {
  const source = `
exports.handler = async (event, context) => {
  console.log("hello from " + ${JSON.stringify(tag)} + " " + JSON.stringify(event));
  if (event && event.fail) throw new Error("boom");
  return { tag: ${JSON.stringify(tag)}, version: context.functionVersion, env: process.env.GREETING, event };
};`;
  return Buffer.from(zipSync({ "index.js": new TextEncoder().encode(source) }));
}
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("base64");

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

let node: LambdaNode;
let homeDir: TempDir | undefined;
let home: string;
let env: Record<string, string>;
const zips: Record<string, Buffer> = { v1: code("v1"), v2: code("v2") };

/** Runs `aws lambda <args>` against the node; never throws. */
function aws(...args: string[]): Promise<Run> {
  return awsWith(env, [...args, "--output", "json"]);
}

/** Runs `aws lambda <args>` with the environment `withEnv`. */
function awsWith(withEnv: Record<string, string>, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(AWS_CLI, ["lambda", ...args, "--endpoint-url", node.url], {
      env: withEnv,
      cwd: home,
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

/** Runs a CLI call that must succeed and returns its parsed JSON output ({} when it prints nothing). */
async function ok<T = Record<string, unknown>>(...args: string[]): Promise<T> {
  const r = await aws(...args);
  assert.equal(r.code, 0, `aws lambda ${args.join(" ")}\n${r.stderr}`);
  return (r.stdout.trim() === "" ? {} : JSON.parse(r.stdout)) as T;
}

/** Runs a CLI call that must fail with a service error; checks the exit status and the error line. */
async function fails(operation: string, type: string, message: string | RegExp, ...args: string[]): Promise<void> {
  const r = await aws(...args);
  assert.equal(r.code, SERVICE_ERROR, `aws lambda ${args.join(" ")}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  assert.equal(r.stdout, "");
  // With AWS_MAX_ATTEMPTS=1 botocore adds " (reached max retries: 0)" to every error line.
  const prefix = `An error occurred (${type}) when calling the ${operation} operation (reached max retries: 0): `;
  const line = r.stderr.trim();
  assert.ok(line.startsWith(prefix), `expected "${prefix}…", got: ${line}`);
  const text = line.slice(prefix.length);
  if (typeof message === "string") assert.equal(text, message, line);
  else assert.match(text, message);
}

/** `aws lambda invoke` with a raw JSON payload; returns the CLI's JSON and the response file's content. */
async function invoke(
  name: string,
  payload: unknown,
  ...extra: string[]
): Promise<{ out: Record<string, unknown>; body: string }> {
  const file = join(home, `out-${Math.random().toString(36).slice(2)}.json`);
  const out = await ok(
    "invoke",
    "--function-name",
    name,
    "--cli-binary-format",
    "raw-in-base64-out",
    "--payload",
    JSON.stringify(payload),
    ...extra,
    file,
  );
  const body = await readFile(file, "utf8").catch(() => "");
  await rm(file, { force: true });
  return { out, body };
}

before(async () => {
  const version = await new Promise<string>((resolve, reject) => {
    const child = spawn(AWS_CLI, ["--version"], { env: { PATH: "/usr/bin:/bin" } });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("close", () => resolve(out));
  });
  assert.match(version, /^aws-cli\/2\./, `${AWS_CLI} must be the AWS CLI v2 (apt-get install -y awscli)`);
  // Seeded draws: the alias split over 1000 calls below is the same on every run.
  node = await startLambdaNode({ randomSeed: 1 });
  homeDir = tempDir("cli");
  home = homeDir.path;
  const { accessKeyId, secretAccessKey } = await node.client.config.credentials();
  env = {
    PATH: "/usr/bin:/bin",
    HOME: home,
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: secretAccessKey,
    AWS_DEFAULT_REGION: NODE_REGION,
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
    AWS_MAX_ATTEMPTS: "1",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_PAGER: "",
  };
  await writeFile(join(home, "v1.zip"), zips.v1 as Buffer);
  await writeFile(join(home, "v2.zip"), zips.v2 as Buffer);
  await writeFile(join(home, "big.json"), `"${"x".repeat(6_291_456)}"`);
});
after(async () => {
  await node?.close();
  await homeDir?.remove();
});

describe("Lambda API with the AWS CLI v2", { concurrency: false }, () => {
  let v1: Record<string, string>;
  let v2sha: string;

  test("create-function from a fileb:// zip; get-function; invoke sync (log tail), error, DryRun and Event", async () => {
    const created = await ok(
      "create-function",
      "--function-name",
      "hello",
      "--runtime",
      "nodejs20.x",
      "--role",
      ROLE,
      "--handler",
      "index.handler",
      "--environment",
      "Variables={GREETING=hi}",
      "--zip-file",
      "fileb://v1.zip",
    );
    assert.deepEqual(
      [created.FunctionArn, created.State, created.CodeSha256, created.CodeSize, created.Version],
      [arn("hello"), "Active", sha256(zips.v1 as Buffer), (zips.v1 as Buffer).length, "$LATEST"],
    );

    const [got, sync, failed, dry, event] = await Promise.all([
      ok("get-function", "--function-name", "hello"),
      invoke("hello", { a: 1 }, "--log-type", "Tail"),
      invoke("hello", { fail: true }),
      invoke("hello", {}, "--invocation-type", "DryRun"),
      invoke("hello", { async: "cli" }, "--invocation-type", "Event"),
    ]);
    const conf = got.Configuration as Record<string, unknown>;
    assert.deepEqual([conf.CodeSha256, conf.Environment], [created.CodeSha256, { Variables: { GREETING: "hi" } }]);
    assert.equal((got.Code as Record<string, unknown>).RepositoryType, "S3");

    assert.deepEqual(
      [sync.out.StatusCode, sync.out.ExecutedVersion, sync.out.FunctionError],
      [200, "$LATEST", undefined],
    );
    assert.deepEqual(JSON.parse(sync.body), { tag: "v1", version: "$LATEST", env: "hi", event: { a: 1 } });
    const log = Buffer.from(String(sync.out.LogResult), "base64").toString("utf8");
    const id = /^START RequestId: ([0-9a-f-]{36}) Version: \$LATEST$/m.exec(log)?.[1];
    assert.ok(id, log);
    assert.match(log, /hello from v1 \{"a":1\}/);
    assert.match(log, new RegExp(`^END RequestId: ${id}$`, "m"));
    assert.match(log, new RegExp(`^REPORT RequestId: ${id}\\tDuration: `, "m"));

    assert.deepEqual([failed.out.StatusCode, failed.out.FunctionError], [200, "Unhandled"]);
    const error = JSON.parse(failed.body) as Record<string, unknown>;
    assert.deepEqual([error.errorType, error.errorMessage], ["Error", "boom"]);

    assert.deepEqual([dry.out.StatusCode, dry.body], [204, ""]);
    assert.equal(event.out.StatusCode, 202);
    // The queued event runs soon after the 202.
    await node.recordWhere(
      (r) => invocationLogLines(r).some((l) => l.includes('{"async":"cli"}')),
      "the Event invocation",
    );
  });

  test("update-function-code, publish-version with --code-sha256 / --revision-id and their errors", async () => {
    v1 = await ok("publish-version", "--function-name", "hello", "--description", "first");
    assert.deepEqual([v1.Version, v1.FunctionArn, v1.Description], ["1", arn("hello", "1"), "first"]);
    const updated = await ok("update-function-code", "--function-name", "hello", "--zip-file", "fileb://v2.zip");
    v2sha = sha256(zips.v2 as Buffer);
    assert.deepEqual([updated.CodeSha256, updated.Version], [v2sha, "$LATEST"]);
    await Promise.all([
      fails(
        "PublishVersion",
        "InvalidParameterValueException",
        `CodeSHA256 (${v1.CodeSha256}) is different from current CodeSHA256 in $LATEST (${v2sha}). Please try again with the CodeSHA256 in $LATEST.`,
        "publish-version",
        "--function-name",
        "hello",
        "--code-sha256",
        v1.CodeSha256 as string,
      ),
      fails(
        "PublishVersion",
        "PreconditionFailedException",
        /^The Revision Id provided does not match the latest Revision Id/,
        "publish-version",
        "--function-name",
        "hello",
        "--revision-id",
        v1.RevisionId as string,
      ),
    ]);
    const v2 = await ok(
      "publish-version",
      "--function-name",
      "hello",
      "--code-sha256",
      v2sha,
      "--revision-id",
      String(updated.RevisionId),
    );
    assert.deepEqual([v2.Version, v2.FunctionArn], ["2", arn("hello", "2")]);
    const [one, two, latest] = await Promise.all([
      invoke("hello:1", {}),
      invoke("hello", {}, "--qualifier", "2"),
      invoke(arn("hello"), {}),
    ]);
    assert.deepEqual(
      [one.out.ExecutedVersion, JSON.parse(one.body).tag, two.out.ExecutedVersion, JSON.parse(two.body).tag],
      ["1", "v1", "2", "v2"],
    );
    assert.deepEqual([latest.out.ExecutedVersion, JSON.parse(latest.body).tag], ["$LATEST", "v2"]);
  });

  test("create-alias with --routing-config: 1000 SDK v3 calls split within 3 points of 10/90", async () => {
    const alias = await ok(
      "create-alias",
      "--function-name",
      "hello",
      "--name",
      "live",
      "--function-version",
      "1",
      "--routing-config",
      '{"AdditionalVersionWeights":{"2":0.1}}',
    );
    assert.deepEqual(
      [alias.AliasArn, alias.FunctionVersion, alias.RoutingConfig],
      [arn("hello", "live"), "1", { AdditionalVersionWeights: { "2": 0.1 } }],
    );
    const counts: Record<string, number> = {};
    const worker = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const out = await node.client.send(new InvokeCommand({ FunctionName: "hello", Qualifier: "live" }));
        const executed = out.ExecutedVersion ?? "?";
        counts[executed] = (counts[executed] ?? 0) + 1;
      }
    };
    // Meanwhile the CLI reads the alias and is refused a duplicate.
    const [got] = await Promise.all([
      ok("get-alias", "--function-name", "hello", "--name", "live"),
      fails(
        "CreateAlias",
        "ResourceConflictException",
        `Alias already exists: ${arn("hello", "live")}`,
        "create-alias",
        "--function-name",
        "hello",
        "--name",
        "live",
        "--function-version",
        "2",
      ),
      worker(250),
      worker(250),
      worker(250),
      worker(250),
    ]);
    assert.equal((counts["1"] ?? 0) + (counts["2"] ?? 0), 1000, JSON.stringify(counts));
    const share = (counts["2"] ?? 0) / 10;
    assert.ok(share >= 7 && share <= 13, `version 2 took ${share} % of calls`);
    assert.equal(got.RevisionId, alias.RevisionId);

    const moved = await ok(
      "update-alias",
      "--function-name",
      "hello",
      "--name",
      "live",
      "--function-version",
      "2",
      "--routing-config",
      '{"AdditionalVersionWeights":{}}',
      "--revision-id",
      String(alias.RevisionId),
    );
    assert.deepEqual([moved.FunctionVersion, moved.RoutingConfig], ["2", undefined]);
    const [listed, viaAlias] = await Promise.all([
      ok<{ Aliases: { Name: string }[] }>("list-aliases", "--function-name", "hello"),
      invoke("hello:live", {}),
    ]);
    assert.deepEqual(
      listed.Aliases.map((a) => a.Name),
      ["live"],
    );
    assert.equal(viaAlias.out.ExecutedVersion, "2");
  });

  test("put-function-concurrency 0 throttles (429 TooManyRequestsException); delete lets calls through", async () => {
    const put = await ok(
      "put-function-concurrency",
      "--function-name",
      "hello",
      "--reserved-concurrent-executions",
      "0",
    );
    assert.deepEqual(put, { ReservedConcurrentExecutions: 0 });
    const [got] = await Promise.all([
      ok("get-function-concurrency", "--function-name", "hello"),
      fails(
        "Invoke",
        "TooManyRequestsException",
        "Rate Exceeded.",
        "invoke",
        "--function-name",
        "hello",
        join(home, "throttled.json"),
      ),
    ]);
    assert.deepEqual(got, { ReservedConcurrentExecutions: 0 });
    // The 429 the CLI saw carries AWS's Reason (the CLI does not print it; the SDK v3 does read it).
    await assert.rejects(node.client.send(new InvokeCommand({ FunctionName: "hello" })), {
      name: "TooManyRequestsException",
      Reason: "ReservedFunctionConcurrentInvocationLimitExceeded",
    });
    await ok("delete-function-concurrency", "--function-name", "hello");
    const [cleared, after] = await Promise.all([
      ok("get-function-concurrency", "--function-name", "hello"),
      invoke("hello", {}),
    ]);
    assert.deepEqual(cleared, {});
    assert.equal(after.out.StatusCode, 200);
  });

  test("put/update/get/list/delete-function-event-invoke-config", async () => {
    const put = await ok(
      "put-function-event-invoke-config",
      "--function-name",
      "hello",
      "--qualifier",
      "live",
      "--maximum-retry-attempts",
      "1",
    );
    assert.deepEqual([put.FunctionArn, put.MaximumRetryAttempts], [arn("hello", "live"), 1]);
    const modified = Date.parse(String(put.LastModified));
    assert.ok(Math.abs(modified - Date.now()) < 60_000, `LastModified ${String(put.LastModified)}`);
    const upd = await ok(
      "update-function-event-invoke-config",
      "--function-name",
      "hello",
      "--qualifier",
      "live",
      "--maximum-event-age-in-seconds",
      "120",
    );
    assert.deepEqual([upd.MaximumRetryAttempts, upd.MaximumEventAgeInSeconds], [1, 120]);
    const [got, list] = await Promise.all([
      ok("get-function-event-invoke-config", "--function-name", "hello:live"),
      ok<{ FunctionEventInvokeConfigs: { FunctionArn: string }[] }>(
        "list-function-event-invoke-configs",
        "--function-name",
        "hello",
      ),
      fails(
        "PutFunctionEventInvokeConfig",
        "ValidationException",
        /Value '5' at 'maximumRetryAttempts'/,
        "put-function-event-invoke-config",
        "--function-name",
        "hello",
        "--maximum-retry-attempts",
        "5",
      ),
    ]);
    assert.deepEqual([got.MaximumRetryAttempts, got.MaximumEventAgeInSeconds], [1, 120]);
    assert.deepEqual(
      list.FunctionEventInvokeConfigs.map((c) => c.FunctionArn),
      [arn("hello", "live")],
    );
    await ok("delete-function-event-invoke-config", "--function-name", "hello", "--qualifier", "live");
    await fails(
      "GetFunctionEventInvokeConfig",
      "ResourceNotFoundException",
      `The function ${arn("hello", "live")} doesn't have an EventInvokeConfig`,
      "get-function-event-invoke-config",
      "--function-name",
      "hello",
      "--qualifier",
      "live",
    );
  });

  test("error paths: exit status 254 and `An error occurred (Type) when calling the Op operation: message`", async () => {
    const create = (name: string, options: Record<string, string> = {}) =>
      Object.entries({
        "--function-name": name,
        "--runtime": "nodejs20.x",
        "--role": ROLE,
        "--handler": "index.handler",
        "--zip-file": "fileb://v1.zip",
        ...options,
      }).reduce((args, [flag, value]) => [...args, flag, value], ["create-function"]);
    // AWS's exact error line, with the CLI's default retry settings (a 404 is not retried).
    const defaults: Record<string, string> = { ...env };
    delete defaults.AWS_MAX_ATTEMPTS;
    const plain = await awsWith(defaults, ["get-function", "--function-name", "missing"]);
    assert.equal(plain.code, SERVICE_ERROR);
    assert.equal(
      plain.stderr.trim(),
      `An error occurred (ResourceNotFoundException) when calling the GetFunction operation: Function not found: ${arn("missing")}`,
    );
    await Promise.all([
      fails(
        "GetFunction",
        "ResourceNotFoundException",
        `Function not found: ${arn("missing")}`,
        "get-function",
        "--function-name",
        "missing",
      ),
      fails(
        "Invoke",
        "ResourceNotFoundException",
        `Function not found: ${arn("hello", "9")}`,
        "invoke",
        "--function-name",
        "hello:9",
        join(home, "missing.json"),
      ),
      fails("CreateFunction", "ResourceConflictException", "Function already exist: hello", ...create("hello")),
      fails(
        "CreateFunction",
        "InvalidParameterValueException",
        /^Value python3.12 at 'runtime'/,
        ...create("badrt", { "--runtime": "python3.12" }),
      ),
      // The CLI checks MemorySize's minimum itself, not Timeout's maximum: the node refuses it.
      fails(
        "CreateFunction",
        "ValidationException",
        /Value '901' at 'timeout' failed to satisfy constraint/,
        ...create("badtimeout", { "--timeout": "901" }),
      ),
      fails(
        "GetAlias",
        "ResourceNotFoundException",
        `Cannot find alias arn: ${arn("hello", "nope")}`,
        "get-alias",
        "--function-name",
        "hello",
        "--name",
        "nope",
      ),
      fails(
        "DeleteFunction",
        "ResourceConflictException",
        "Unable to delete version because the following aliases reference it: [live]",
        "delete-function",
        "--function-name",
        "hello",
        "--qualifier",
        "2",
      ),
      fails(
        "Invoke",
        "RequestEntityTooLargeException",
        "Request must be smaller than 6291456 bytes for the InvokeFunction operation",
        "invoke",
        "--function-name",
        "hello",
        "--payload",
        "fileb://big.json",
        join(home, "big-out.json"),
      ),
    ]);
    // Nothing was created by the refused calls.
    const names = await ok<{ Functions: { FunctionName: string }[] }>("list-functions");
    assert.deepEqual(
      names.Functions.map((f) => f.FunctionName),
      ["hello"],
    );
  });

  test("list-functions --max-items / --starting-token; server-side pages with --page-size", async () => {
    // Made through SDK v3: create-function through the CLI is covered above, and CLI calls are slow.
    for (let i = 0; i < 5; i++) {
      await node.client.send(
        new CreateFunctionCommand({
          FunctionName: `page-${i}`,
          Runtime: "nodejs20.x",
          Role: ROLE,
          Handler: "index.handler",
          Code: { ZipFile: zips.v1 },
        }),
      );
    }
    type Listing = { Functions: { FunctionName: string }[]; NextToken?: string };
    const names = (l: Listing) => l.Functions.map((f) => f.FunctionName);
    const first = await ok<Listing>("list-functions", "--max-items", "2");
    assert.deepEqual(names(first), ["hello", "page-0"]);
    assert.ok(first.NextToken, JSON.stringify(first));
    const second = await ok<Listing>("list-functions", "--max-items", "2", "--starting-token", first.NextToken);
    assert.deepEqual(names(second), ["page-1", "page-2"]);
    assert.ok(second.NextToken);
    const [third, paged, versions, all] = await Promise.all([
      ok<Listing>("list-functions", "--max-items", "2", "--starting-token", second.NextToken),
      // --page-size makes the CLI send MaxItems and follow NextMarker across server pages.
      ok<Listing>("list-functions", "--page-size", "2"),
      ok<{ Versions: { Version: string }[] }>(
        "list-versions-by-function",
        "--function-name",
        "hello",
        "--page-size",
        "1",
      ),
      ok<{ Functions: { FunctionName: string; Version: string }[] }>(
        "list-functions",
        "--function-version",
        "ALL",
        "--page-size",
        "3",
      ),
    ]);
    assert.deepEqual(names(third), ["page-3", "page-4"]);
    assert.equal(third.NextToken, undefined);
    assert.deepEqual(names(paged), ["hello", "page-0", "page-1", "page-2", "page-3", "page-4"]);
    assert.deepEqual(
      versions.Versions.map((v) => v.Version),
      ["$LATEST", "1", "2"],
    );
    assert.deepEqual(
      all.Functions.map((f) => `${f.FunctionName}:${f.Version}`),
      ["hello:$LATEST", "hello:1", "hello:2", ...[0, 1, 2, 3, 4].map((i) => `page-${i}:$LATEST`)],
    );
  });

  test("add-permission / get-policy / remove-permission, tag-resource / list-tags / untag-resource, get-account-settings", async () => {
    const sourceArn = `arn:aws:execute-api:${NODE_REGION}:${NODE_ACCOUNT}:api1/*/*/*`;
    const grant = [
      "add-permission",
      "--function-name",
      "hello",
      "--statement-id",
      "apigateway-invoke",
      "--action",
      "lambda:InvokeFunction",
      "--principal",
      "apigateway.amazonaws.com",
    ];
    const added = await ok<{ Statement: string }>(...grant, "--source-arn", sourceArn);
    assert.deepEqual(JSON.parse(added.Statement), {
      Sid: "apigateway-invoke",
      Effect: "Allow",
      Principal: { Service: "apigateway.amazonaws.com" },
      Action: "lambda:InvokeFunction",
      Resource: arn("hello"),
      Condition: { ArnLike: { "AWS:SourceArn": sourceArn } },
    });
    await fails(
      "AddPermission",
      "ResourceConflictException",
      "The statement id (apigateway-invoke) provided already exists. Please provide a new statement id, or remove the existing statement.",
      ...grant,
    );
    const policy = await ok<{ Policy: string; RevisionId: string }>("get-policy", "--function-name", "hello");
    const cfg = await ok<{ RevisionId: string }>("get-function-configuration", "--function-name", "hello");
    assert.equal(policy.RevisionId, cfg.RevisionId);
    assert.deepEqual(JSON.parse(policy.Policy), {
      Version: "2012-10-17",
      Id: "default",
      Statement: [JSON.parse(added.Statement)],
    });
    await ok("remove-permission", "--function-name", "hello", "--statement-id", "apigateway-invoke");
    await fails(
      "GetPolicy",
      "ResourceNotFoundException",
      "The resource you requested does not exist.",
      "get-policy",
      "--function-name",
      "hello",
    );

    await ok("tag-resource", "--resource", arn("hello"), "--tags", "team=core,stage=dev");
    await ok("untag-resource", "--resource", arn("hello"), "--tag-keys", "stage");
    assert.deepEqual(await ok("list-tags", "--resource", arn("hello")), { Tags: { team: "core" } });
    await fails(
      "TagResource",
      "InvalidParameterValueException",
      "Tags on function aliases and versions are not supported. Please specify a function ARN.",
      "tag-resource",
      "--resource",
      arn("hello", "1"),
      "--tags",
      "a=b",
    );

    const settings = await ok<{ AccountLimit: Record<string, number>; AccountUsage: Record<string, number> }>(
      "get-account-settings",
    );
    assert.equal(settings.AccountLimit["ConcurrentExecutions"], 1000);
    assert.equal(settings.AccountLimit["CodeSizeZipped"], 52428800);
    assert.ok((settings.AccountUsage["FunctionCount"] ?? 0) >= 1);
    assert.ok((settings.AccountUsage["TotalCodeSize"] ?? 0) > 0);
  });

  test("delete-alias, delete-function --qualifier, delete-function", async () => {
    await ok("delete-alias", "--function-name", "hello", "--name", "live");
    await ok("delete-function", "--function-name", "hello", "--qualifier", "1");
    const versions = await ok<{ Versions: { Version: string }[] }>(
      "list-versions-by-function",
      "--function-name",
      "hello",
    );
    assert.deepEqual(
      versions.Versions.map((v) => v.Version),
      ["$LATEST", "2"],
    );
    await ok("delete-function", "--function-name", "hello");
    for (let i = 0; i < 5; i++) await node.client.send(new DeleteFunctionCommand({ FunctionName: `page-${i}` }));
    await fails(
      "GetFunctionConfiguration",
      "ResourceNotFoundException",
      `Function not found: ${arn("hello")}`,
      "get-function-configuration",
      "--function-name",
      "hello",
    );
    assert.deepEqual(await ok("list-functions"), { Functions: [] });
  });
});
