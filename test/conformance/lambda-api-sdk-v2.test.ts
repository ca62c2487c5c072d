/**
 * The Lambda API through the real aws-sdk v2 (its own rest-json protocol, SigV4 signer and error
 * parser) against a real node: the same journey as the SDK v3 conformance test — functions, code,
 * versions, aliases and weighted routing, concurrency, event-invoke configs, the three invocation
 * types, paging and the error paths.
 */
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { after, before, describe, test } from "node:test";
import type AwsSdkV2 from "aws-sdk";
import { zipSync } from "fflate";
import {
  functionArn as arn,
  type LambdaNode,
  NODE_REGION,
  NODE_ROLE as ROLE,
  startLambdaNode,
} from "../helpers/lambda-node.js";

const require = createRequire(import.meta.url);
(require("aws-sdk/lib/maintenance_mode_message.js") as { suppress: boolean }).suppress = true;
const AWS = require("aws-sdk") as typeof AwsSdkV2;
type Lambda = AwsSdkV2.Lambda;

/** A zip whose handler answers with `tag`, logs a line, and can fail or sleep. */
function code(tag: string): Buffer {
  const source = `
exports.handler = async (event, context) => {
  console.log("hello from " + ${JSON.stringify(tag)});
  if (event && event.fail) throw new Error("boom");
  if (event && event.sleepMs) await new Promise((r) => setTimeout(r, event.sleepMs));
  return { tag: ${JSON.stringify(tag)}, version: context.functionVersion, env: process.env.GREETING, event };
};`;
  return Buffer.from(zipSync({ "index.js": new TextEncoder().encode(source) }));
}

/** The parsed JSON of an Invoke answer (v2 hands the blob back as a Buffer or a string). */
const json = (out: AwsSdkV2.Lambda.InvocationResponse): Record<string, unknown> =>
  JSON.parse(Buffer.from((out.Payload ?? "") as Uint8Array | string).toString("utf8")) as Record<string, unknown>;

/** The HTTP status and request id of a v2 answer. */
const meta = (out: { $response: AwsSdkV2.Response<unknown, AwsSdkV2.AWSError> }) => ({
  status: out.$response.httpResponse.statusCode,
  requestId: out.$response.requestId,
});

/** An assert.rejects validator for an aws-sdk v2 service error. */
function v2Error(code: string, status: number, message?: string | RegExp) {
  return (e: unknown) => {
    const err = e as AwsSdkV2.AWSError;
    assert.equal(err.code, code, err.message);
    assert.equal(err.statusCode, status);
    assert.equal(err.retryable, status === 429 || status >= 500);
    if (typeof message === "string") assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    return true;
  };
}

let node: LambdaNode;
let lambda: Lambda;
before(async () => {
  // Seeded draws: the alias split over 1000 calls below is the same on every run.
  node = await startLambdaNode({ randomSeed: 1 });
  const { accessKeyId, secretAccessKey } = await node.client.config.credentials();
  lambda = new AWS.Lambda({
    endpoint: node.url,
    region: NODE_REGION,
    credentials: { accessKeyId, secretAccessKey },
    maxRetries: 0,
  });
});
after(async () => {
  await node.close();
});

const create = (name: string, extra: Partial<AwsSdkV2.Lambda.CreateFunctionRequest> = {}) =>
  lambda
    .createFunction({
      FunctionName: name,
      Runtime: "nodejs20.x",
      Role: ROLE,
      Handler: "index.handler",
      Code: { ZipFile: code("v1") },
      ...extra,
    })
    .promise();

describe("Lambda API with aws-sdk v2", { concurrency: false }, () => {
  test("create from a zip, get it back, invoke it synchronously with a log tail", async () => {
    const created = await create("hello", { Environment: { Variables: { GREETING: "hi" } } });
    assert.equal(meta(created).status, 201);
    assert.deepEqual(
      [created.FunctionArn, created.State, created.LastUpdateStatus, created.PackageType, created.Version],
      [arn("hello"), "Active", "Successful", "Zip", "$LATEST"],
    );
    assert.match(created.LastModified ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    assert.match(created.RevisionId ?? "", /^[0-9a-f-]{36}$/);
    assert.equal(created.CodeSize, code("v1").length);
    const got = await lambda.getFunction({ FunctionName: "hello" }).promise();
    assert.equal(got.Configuration?.CodeSha256, created.CodeSha256);
    assert.equal(got.Code?.RepositoryType, "S3");
    assert.deepEqual(got.Configuration?.Environment?.Variables, { GREETING: "hi" });

    const out = await lambda
      .invoke({ FunctionName: "hello", Payload: JSON.stringify({ a: 1 }), LogType: "Tail" })
      .promise();
    assert.equal(out.StatusCode, 200);
    assert.equal(out.ExecutedVersion, "$LATEST");
    assert.equal(out.FunctionError, undefined);
    assert.deepEqual(json(out), { tag: "v1", version: "$LATEST", env: "hi", event: { a: 1 } });
    const log = Buffer.from(out.LogResult ?? "", "base64").toString("utf8");
    const requestId = meta(out).requestId;
    assert.match(requestId, /^[0-9a-f-]{36}$/);
    assert.match(log, new RegExp(`^START RequestId: ${requestId} Version: \\$LATEST$`, "m"));
    assert.match(log, /hello from v1/);
    assert.match(log, new RegExp(`^END RequestId: ${requestId}$`, "m"));
    assert.match(log, new RegExp(`^REPORT RequestId: ${requestId}\\tDuration: [\\d.]+ ms\\t`, "m"));
    assert.ok(log.endsWith("\n"));
  });

  test("function errors: 200 with FunctionError Unhandled and the error body", async () => {
    const out = await lambda.invoke({ FunctionName: "hello", Payload: JSON.stringify({ fail: true }) }).promise();
    assert.equal(out.StatusCode, 200);
    assert.equal(out.FunctionError, "Unhandled");
    const body = json(out);
    assert.deepEqual([body.errorType, body.errorMessage], ["Error", "boom"]);
    assert.ok(Array.isArray(body.trace));
  });

  test("DryRun answers 204; Event answers 202 and runs later with the same request id", async () => {
    const dry = await lambda.invoke({ FunctionName: "hello", InvocationType: "DryRun" }).promise();
    assert.equal(dry.StatusCode, 204);
    const ev = await lambda
      .invoke({ FunctionName: "hello", InvocationType: "Event", Payload: JSON.stringify({ async: true }) })
      .promise();
    assert.equal(ev.StatusCode, 202);
    const record = await node.recordOf(meta(ev).requestId);
    assert.equal(record.outcome, "ok");
    const old = await lambda
      .invokeAsync({ FunctionName: "hello", InvokeArgs: JSON.stringify({ legacy: true }) })
      .promise();
    assert.equal(old.Status, 202);
    await node.recordOf(meta(old).requestId);
  });

  test("update code and configuration, publish versions (CodeSha256 / RevisionId preconditions)", async () => {
    const cfg = await lambda
      .updateFunctionConfiguration({
        FunctionName: "hello",
        Timeout: 9,
        Environment: { Variables: { GREETING: "yo" } },
      })
      .promise();
    assert.deepEqual([cfg.Timeout, cfg.Environment?.Variables], [9, { GREETING: "yo" }]);
    // A publish guarded by the current CodeSha256 and RevisionId goes through.
    const v1 = await lambda
      .publishVersion({
        FunctionName: "hello",
        Description: "first",
        CodeSha256: cfg.CodeSha256,
        RevisionId: cfg.RevisionId,
      })
      .promise();
    assert.deepEqual(
      [meta(v1).status, v1.Version, v1.FunctionArn, v1.Description],
      [201, "1", arn("hello", "1"), "first"],
    );
    const updated = await lambda.updateFunctionCode({ FunctionName: "hello", ZipFile: code("v2") }).promise();
    assert.equal(updated.Version, "$LATEST");
    assert.notEqual(updated.CodeSha256, v1.CodeSha256);
    assert.notEqual(updated.RevisionId, cfg.RevisionId);
    await assert.rejects(
      lambda.publishVersion({ FunctionName: "hello", CodeSha256: v1.CodeSha256 }).promise(),
      v2Error(
        "InvalidParameterValueException",
        400,
        `CodeSHA256 (${v1.CodeSha256}) is different from current CodeSHA256 in $LATEST (${updated.CodeSha256}). Please try again with the CodeSHA256 in $LATEST.`,
      ),
    );
    await assert.rejects(
      lambda.publishVersion({ FunctionName: "hello", RevisionId: cfg.RevisionId }).promise(),
      v2Error("PreconditionFailedException", 412, /^The Revision Id provided does not match the latest Revision Id/),
    );
    await assert.rejects(
      lambda.updateFunctionCode({ FunctionName: "hello", ZipFile: code("v3"), RevisionId: cfg.RevisionId }).promise(),
      v2Error("PreconditionFailedException", 412),
    );
    const v2 = await lambda
      .publishVersion({ FunctionName: "hello", CodeSha256: updated.CodeSha256, RevisionId: updated.RevisionId })
      .promise();
    assert.deepEqual([v2.Version, v2.FunctionArn], ["2", arn("hello", "2")]);
    const again = await lambda.publishVersion({ FunctionName: "hello" }).promise();
    assert.equal(again.Version, "2", "nothing changed: the last version comes back");

    assert.equal(json(await lambda.invoke({ FunctionName: "hello", Qualifier: "1" }).promise()).tag, "v1");
    assert.equal(json(await lambda.invoke({ FunctionName: "hello:2" }).promise()).tag, "v2");
    assert.equal(json(await lambda.invoke({ FunctionName: arn("hello") }).promise()).tag, "v2");
    const conf1 = await lambda.getFunctionConfiguration({ FunctionName: "hello", Qualifier: "1" }).promise();
    assert.deepEqual([conf1.Version, conf1.Timeout, conf1.CodeSha256], ["1", 9, v1.CodeSha256]);
  });

  test("an alias with 10/90 weights routes about 10 % of 1000 calls to the extra version", async () => {
    const alias = await lambda
      .createAlias({
        FunctionName: "hello",
        Name: "live",
        FunctionVersion: "1",
        RoutingConfig: { AdditionalVersionWeights: { "2": 0.1 } },
      })
      .promise();
    assert.deepEqual(
      [meta(alias).status, alias.AliasArn, alias.FunctionVersion, alias.RoutingConfig?.AdditionalVersionWeights],
      [201, arn("hello", "live"), "1", { "2": 0.1 }],
    );
    const counts: Record<string, number> = {};
    const worker = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const out = await lambda.invoke({ FunctionName: "hello", Qualifier: "live" }).promise();
        const executed = out.ExecutedVersion ?? "?";
        counts[executed] = (counts[executed] ?? 0) + 1;
        assert.equal(json(out).version, executed);
      }
    };
    await Promise.all([worker(250), worker(250), worker(250), worker(250)]);
    assert.equal((counts["1"] ?? 0) + (counts["2"] ?? 0), 1000, JSON.stringify(counts));
    const share = (counts["2"] ?? 0) / 10;
    assert.ok(share >= 7 && share <= 13, `version 2 took ${share} % of calls`);

    const got = await lambda.getAlias({ FunctionName: "hello", Name: "live" }).promise();
    assert.equal(got.RevisionId, alias.RevisionId);
    await assert.rejects(
      lambda.updateAlias({ FunctionName: "hello", Name: "live", FunctionVersion: "2", RevisionId: "stale" }).promise(),
      v2Error("PreconditionFailedException", 412),
    );
    const moved = await lambda
      .updateAlias({
        FunctionName: "hello",
        Name: "live",
        FunctionVersion: "2",
        RoutingConfig: {},
        RevisionId: alias.RevisionId,
      })
      .promise();
    assert.deepEqual([moved.FunctionVersion, moved.RoutingConfig], ["2", undefined]);
    const listed = await lambda.listAliases({ FunctionName: "hello" }).promise();
    assert.deepEqual(
      listed.Aliases?.map((a) => a.Name),
      ["live"],
    );
    await assert.rejects(
      lambda.createAlias({ FunctionName: "hello", Name: "live", FunctionVersion: "1" }).promise(),
      v2Error("ResourceConflictException", 409, `Alias already exists: ${arn("hello", "live")}`),
    );
    await assert.rejects(
      lambda.deleteFunction({ FunctionName: "hello", Qualifier: "2" }).promise(),
      v2Error(
        "ResourceConflictException",
        409,
        "Unable to delete version because the following aliases reference it: [live]",
      ),
    );
    await assert.rejects(
      lambda
        .createAlias({
          FunctionName: "hello",
          Name: "bad",
          FunctionVersion: "1",
          RoutingConfig: { AdditionalVersionWeights: { "1": 0.5 } },
        })
        .promise(),
      v2Error(
        "InvalidParameterValueException",
        400,
        "Invalid function version 1. Function version 1 is already included in routing configuration.",
      ),
    );
  });

  test("reserved concurrency 0 throttles with 429 and a Reason; deleting it lets calls through", async () => {
    const put = await lambda
      .putFunctionConcurrency({ FunctionName: "hello", ReservedConcurrentExecutions: 0 })
      .promise();
    assert.equal(put.ReservedConcurrentExecutions, 0);
    const got = await lambda.getFunctionConcurrency({ FunctionName: "hello" }).promise();
    assert.equal(got.ReservedConcurrentExecutions, 0);
    await assert.rejects(lambda.invoke({ FunctionName: "hello" }).promise(), (e: unknown) => {
      v2Error("TooManyRequestsException", 429, "Rate Exceeded.")(e);
      assert.equal((e as { Reason?: string }).Reason, "ReservedFunctionConcurrentInvocationLimitExceeded");
      return true;
    });
    const del = await lambda.deleteFunctionConcurrency({ FunctionName: "hello" }).promise();
    assert.equal(meta(del).status, 204);
    const cleared = await lambda.getFunctionConcurrency({ FunctionName: "hello" }).promise();
    assert.equal(cleared.ReservedConcurrentExecutions, undefined);
    assert.equal((await lambda.invoke({ FunctionName: "hello" }).promise()).StatusCode, 200);
    await assert.rejects(
      lambda.putFunctionConcurrency({ FunctionName: "hello", ReservedConcurrentExecutions: 901 }).promise(),
      v2Error("InvalidParameterValueException", 400, /below its minimum value of \[100\]\.$/),
    );
  });

  test("event invoke config: put, update, get (LastModified a date), list, delete", async () => {
    const put = await lambda
      .putFunctionEventInvokeConfig({ FunctionName: "hello", Qualifier: "live", MaximumRetryAttempts: 1 })
      .promise();
    assert.equal(put.FunctionArn, arn("hello", "live"));
    assert.ok(put.LastModified instanceof Date, `LastModified: ${String(put.LastModified)}`);
    assert.ok(Math.abs(put.LastModified.getTime() - Date.now()) < 60_000);
    const upd = await lambda
      .updateFunctionEventInvokeConfig({ FunctionName: "hello", Qualifier: "live", MaximumEventAgeInSeconds: 120 })
      .promise();
    assert.deepEqual([upd.MaximumRetryAttempts, upd.MaximumEventAgeInSeconds], [1, 120]);
    // Put replaces: the unset field goes away.
    const replaced = await lambda
      .putFunctionEventInvokeConfig({ FunctionName: "hello", Qualifier: "live", MaximumEventAgeInSeconds: 300 })
      .promise();
    assert.deepEqual([replaced.MaximumRetryAttempts, replaced.MaximumEventAgeInSeconds], [undefined, 300]);
    const got = await lambda.getFunctionEventInvokeConfig({ FunctionName: "hello:live" }).promise();
    assert.equal(got.MaximumEventAgeInSeconds, 300);
    const list = await lambda.listFunctionEventInvokeConfigs({ FunctionName: "hello" }).promise();
    assert.deepEqual(
      list.FunctionEventInvokeConfigs?.map((c) => c.FunctionArn),
      [arn("hello", "live")],
    );
    const del = await lambda.deleteFunctionEventInvokeConfig({ FunctionName: "hello", Qualifier: "live" }).promise();
    assert.equal(meta(del).status, 204);
    await assert.rejects(
      lambda.getFunctionEventInvokeConfig({ FunctionName: "hello", Qualifier: "live" }).promise(),
      v2Error(
        "ResourceNotFoundException",
        404,
        `The function ${arn("hello", "live")} doesn't have an EventInvokeConfig`,
      ),
    );
    await assert.rejects(
      lambda.putFunctionEventInvokeConfig({ FunctionName: "hello", MaximumRetryAttempts: 5 }).promise(),
      v2Error("ValidationException", 400, /Value '5' at 'maximumRetryAttempts'/),
    );
  });

  test("ListFunctions pages with MaxItems/Marker, the v2 paginator sees every function, versions page too", async () => {
    for (let i = 0; i < 5; i++) await create(`page-${i}`);
    const first = await lambda.listFunctions({ MaxItems: 2 }).promise();
    assert.deepEqual(
      first.Functions?.map((f) => f.FunctionName),
      ["hello", "page-0"],
    );
    assert.ok(first.NextMarker);
    const names: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const page = await lambda.listFunctions({ MaxItems: 2, ...(marker ? { Marker: marker } : {}) }).promise();
      names.push(...(page.Functions ?? []).map((f) => f.FunctionName ?? ""));
      marker = page.NextMarker ?? undefined;
      pages++;
    } while (marker);
    assert.deepEqual(names, ["hello", "page-0", "page-1", "page-2", "page-3", "page-4"]);
    assert.equal(pages, 3);

    // The SDK's own paginator (eachPage follows NextMarker through the pagination model).
    const viaSdk = await new Promise<string[]>((resolve, reject) => {
      const seen: string[] = [];
      lambda.listFunctions({ MaxItems: 4 }).eachPage((err, data) => {
        if (err) {
          reject(err);
          return false;
        }
        if (data === null) {
          resolve(seen);
          return false;
        }
        seen.push(...(data.Functions ?? []).map((f) => f.FunctionName ?? ""));
        return true;
      });
    });
    assert.deepEqual(viaSdk, names);

    const all = await lambda.listFunctions({ FunctionVersion: "ALL" }).promise();
    assert.deepEqual(
      all.Functions?.filter((f) => f.FunctionName === "hello").map((f) => f.Version),
      ["$LATEST", "1", "2"],
    );
    const versions: string[] = [];
    marker = undefined;
    do {
      const page = await lambda
        .listVersionsByFunction({ FunctionName: "hello", MaxItems: 1, ...(marker ? { Marker: marker } : {}) })
        .promise();
      assert.ok((page.Versions ?? []).length <= 1);
      versions.push(...(page.Versions ?? []).map((v) => v.Version ?? ""));
      marker = page.NextMarker ?? undefined;
    } while (marker);
    assert.deepEqual(versions, ["$LATEST", "1", "2"]);
    const whole = await lambda.listVersionsByFunction({ FunctionName: "hello" }).promise();
    assert.deepEqual(
      whole.Versions?.map((v) => v.FunctionArn),
      [arn("hello", "$LATEST"), arn("hello", "1"), arn("hello", "2")],
    );
    assert.equal(whole.NextMarker, undefined);
  });

  test("error paths answer with AWS's codes, statuses and messages", async () => {
    await assert.rejects(
      lambda.getFunction({ FunctionName: "missing" }).promise(),
      v2Error("ResourceNotFoundException", 404, `Function not found: ${arn("missing")}`),
    );
    await assert.rejects(
      lambda.invoke({ FunctionName: "missing" }).promise(),
      v2Error("ResourceNotFoundException", 404, `Function not found: ${arn("missing")}`),
    );
    await assert.rejects(
      lambda.invoke({ FunctionName: "hello", Qualifier: "9" }).promise(),
      v2Error("ResourceNotFoundException", 404, `Function not found: ${arn("hello", "9")}`),
    );
    await assert.rejects(create("hello"), v2Error("ResourceConflictException", 409, "Function already exist: hello"));
    await assert.rejects(
      create("badzip", { Code: { ZipFile: Buffer.from("not a zip") } }),
      v2Error(
        "InvalidParameterValueException",
        400,
        "Could not unzip uploaded file. Please check your file, then try to upload again.",
      ),
    );
    await assert.rejects(
      create("badrt", { Runtime: "python3.12" }),
      v2Error("InvalidParameterValueException", 400, /^Value python3.12 at 'runtime'/),
    );
    await assert.rejects(
      create("badtimeout", { Timeout: 901 }),
      v2Error("ValidationException", 400, /Value '901' at 'timeout'/),
    );
    await assert.rejects(
      lambda.getFunctionConfiguration({ FunctionName: "hello:1", Qualifier: "2" }).promise(),
      v2Error(
        "InvalidParameterValueException",
        400,
        "The derived qualifier from the function name does not match the specified qualifier.",
      ),
    );
    await assert.rejects(
      lambda.deleteFunction({ FunctionName: "hello", Qualifier: "$LATEST" }).promise(),
      v2Error(
        "InvalidParameterValueException",
        400,
        "$LATEST version cannot be deleted without deleting the function.",
      ),
    );
    await assert.rejects(
      lambda.getAlias({ FunctionName: "hello", Name: "nope" }).promise(),
      v2Error("ResourceNotFoundException", 404, `Cannot find alias arn: ${arn("hello", "nope")}`),
    );
    await assert.rejects(
      lambda.invoke({ FunctionName: "hello", Payload: "not json" }).promise(),
      v2Error("InvalidRequestContentException", 400, /^Could not parse request body into json/),
    );
    await assert.rejects(
      lambda.invoke({ FunctionName: "hello", Payload: Buffer.alloc(6_291_457, 32) }).promise(),
      v2Error(
        "RequestEntityTooLargeException",
        413,
        "Request must be smaller than 6291456 bytes for the InvokeFunction operation",
      ),
    );
    await assert.rejects(
      lambda
        .invoke({ FunctionName: "hello", InvocationType: "Event", Payload: JSON.stringify("x".repeat(1_048_577)) })
        .promise(),
      v2Error(
        "RequestEntityTooLargeException",
        413,
        "Request must be smaller than 1048576 bytes for the InvokeFunction operation",
      ),
    );
    // The node is still fine after refusing oversized bodies.
    assert.equal((await lambda.invoke({ FunctionName: "hello" }).promise()).StatusCode, 200);
  });

  test("deleting versions, aliases and the function", async () => {
    assert.equal(meta(await lambda.deleteAlias({ FunctionName: "hello", Name: "live" }).promise()).status, 204);
    await lambda.deleteFunction({ FunctionName: "hello", Qualifier: "1" }).promise();
    const versions = await lambda.listVersionsByFunction({ FunctionName: "hello" }).promise();
    assert.deepEqual(
      versions.Versions?.map((v) => v.Version),
      ["$LATEST", "2"],
    );
    await lambda.deleteFunction({ FunctionName: "hello" }).promise();
    await assert.rejects(
      lambda.getFunctionConfiguration({ FunctionName: "hello" }).promise(),
      v2Error("ResourceNotFoundException", 404, `Function not found: ${arn("hello")}`),
    );
    for (let i = 0; i < 5; i++) await lambda.deleteFunction({ FunctionName: `page-${i}` }).promise();
    assert.deepEqual((await lambda.listFunctions({}).promise()).Functions, []);
  });
});
