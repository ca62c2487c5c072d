/**
 * The Lambda API through the real AWS SDK v3 against a real node (SigV4 HTTP on port 0, SQLite,
 * code store, real function processes): functions, code, versions, aliases and weighted routing,
 * concurrency, event-invoke configs, the three invocation types, paging and the error paths.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  DeleteAliasCommand,
  DeleteFunctionCommand,
  DeleteFunctionConcurrencyCommand,
  DeleteFunctionEventInvokeConfigCommand,
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand,
  GetFunctionEventInvokeConfigCommand,
  InvokeAsyncCommand,
  InvokeCommand,
  type InvokeCommandOutput,
  ListAliasesCommand,
  ListFunctionEventInvokeConfigsCommand,
  ListFunctionsCommand,
  ListVersionsByFunctionCommand,
  paginateListFunctions,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  PutFunctionEventInvokeConfigCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  UpdateFunctionEventInvokeConfigCommand,
} from "@aws-sdk/client-lambda";
import { zipSync } from "fflate";
import { functionArn as arn, type LambdaNode, NODE_ROLE as ROLE, startLambdaNode } from "../helpers/lambda-node.js";
import { sdkError } from "../helpers/sdk-error.js";

/** A zip whose handler answers with `tag`, logs a line, and can fail, sleep or read its environment. */
function code(tag: string): Uint8Array {
  const source = `
exports.handler = async (event, context) => {
  console.log("hello from " + ${JSON.stringify(tag)});
  if (event && event.fail) throw new Error("boom");
  if (event && event.sleepMs) await new Promise((r) => setTimeout(r, event.sleepMs));
  return { tag: ${JSON.stringify(tag)}, version: context.functionVersion, env: process.env.GREETING, event };
};`;
  return zipSync({ "index.js": new TextEncoder().encode(source) });
}

const json = (out: InvokeCommandOutput): Record<string, unknown> =>
  JSON.parse(Buffer.from(out.Payload ?? new Uint8Array()).toString("utf8")) as Record<string, unknown>;
const payload = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

let node: LambdaNode;
before(async () => {
  // Seeded draws: the alias split over 1000 calls below is the same on every run.
  node = await startLambdaNode({ randomSeed: 1 });
});
after(async () => {
  await node.close();
});

const create = (name: string, extra: Record<string, unknown> = {}) =>
  node.client.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: "nodejs20.x",
      Role: ROLE,
      Handler: "index.handler",
      Code: { ZipFile: code("v1") },
      ...extra,
    }),
  );

describe("Lambda API with the AWS SDK v3", { concurrency: false }, () => {
  test("create from a zip, get it back, invoke it synchronously with a log tail", async () => {
    const created = await create("hello", { Environment: { Variables: { GREETING: "hi" } } });
    assert.equal(created.$metadata.httpStatusCode, 201);
    assert.deepEqual(
      [created.FunctionArn, created.State, created.LastUpdateStatus, created.PackageType],
      [arn("hello"), "Active", "Successful", "Zip"],
    );
    assert.match(created.LastModified ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    const got = await node.client.send(new GetFunctionCommand({ FunctionName: "hello" }));
    assert.equal(got.Configuration?.CodeSha256, created.CodeSha256);
    assert.equal(got.Code?.RepositoryType, "S3");

    const out = await node.client.send(
      new InvokeCommand({ FunctionName: "hello", Payload: payload({ a: 1 }), LogType: "Tail" }),
    );
    assert.equal(out.StatusCode, 200);
    assert.equal(out.ExecutedVersion, "$LATEST");
    assert.equal(out.FunctionError, undefined);
    assert.deepEqual(json(out), { tag: "v1", version: "$LATEST", env: "hi", event: { a: 1 } });
    const log = Buffer.from(out.LogResult ?? "", "base64").toString("utf8");
    assert.match(log, /^START RequestId: [0-9a-f-]{36} Version: \$LATEST$/m);
    assert.match(log, /hello from v1/);
    assert.match(log, /^REPORT RequestId: /m);
    assert.ok(log.endsWith("\n"));
  });

  test("function errors: 200 with FunctionError Unhandled and the error body", async () => {
    const out = await node.client.send(new InvokeCommand({ FunctionName: "hello", Payload: payload({ fail: true }) }));
    assert.equal(out.StatusCode, 200);
    assert.equal(out.FunctionError, "Unhandled");
    assert.deepEqual([json(out).errorType, json(out).errorMessage], ["Error", "boom"]);
  });

  test("DryRun answers 204; Event answers 202 and runs later with the same request id", async () => {
    const dry = await node.client.send(new InvokeCommand({ FunctionName: "hello", InvocationType: "DryRun" }));
    assert.equal(dry.StatusCode, 204);
    const ev = await node.client.send(
      new InvokeCommand({ FunctionName: "hello", InvocationType: "Event", Payload: payload({ async: true }) }),
    );
    assert.equal(ev.StatusCode, 202);
    const requestId = ev.$metadata.requestId ?? "";
    const record = await node.recordOf(requestId);
    assert.equal(record.outcome, "ok");
    const old = await node.client.send(
      new InvokeAsyncCommand({ FunctionName: "hello", InvokeArgs: payload({ legacy: true }) }),
    );
    assert.equal(old.Status, 202);
    await node.recordOf(old.$metadata.requestId ?? "");
  });

  test("update code and configuration, publish versions, list them", async () => {
    const cfg = await node.client.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: "hello",
        Timeout: 9,
        Environment: { Variables: { GREETING: "yo" } },
      }),
    );
    assert.deepEqual([cfg.Timeout, cfg.Environment?.Variables], [9, { GREETING: "yo" }]);
    const v1 = await node.client.send(new PublishVersionCommand({ FunctionName: "hello", Description: "first" }));
    assert.deepEqual([v1.$metadata.httpStatusCode, v1.Version, v1.FunctionArn], [201, "1", arn("hello", "1")]);
    const updated = await node.client.send(
      new UpdateFunctionCodeCommand({ FunctionName: "hello", ZipFile: code("v2"), Publish: true }),
    );
    assert.deepEqual([updated.Version, updated.FunctionArn], ["2", arn("hello", "2")]);
    assert.notEqual(updated.CodeSha256, v1.CodeSha256);
    const again = await node.client.send(new PublishVersionCommand({ FunctionName: "hello" }));
    assert.equal(again.Version, "2", "nothing changed: the last version comes back");
    assert.equal(json(await node.client.send(new InvokeCommand({ FunctionName: "hello", Qualifier: "1" }))).tag, "v1");
    assert.equal(json(await node.client.send(new InvokeCommand({ FunctionName: "hello:2" }))).tag, "v2");
    assert.equal(json(await node.client.send(new InvokeCommand({ FunctionName: "hello" }))).tag, "v2");
    const versions = await node.client.send(new ListVersionsByFunctionCommand({ FunctionName: "hello" }));
    assert.deepEqual(
      versions.Versions?.map((v) => v.Version),
      ["$LATEST", "1", "2"],
    );
    await assert.rejects(
      node.client.send(new PublishVersionCommand({ FunctionName: "hello", CodeSha256: "nope" })),
      sdkError(
        "InvalidParameterValueException",
        400,
        `CodeSHA256 (nope) is different from current CodeSHA256 in $LATEST (${updated.CodeSha256}). Please try again with the CodeSHA256 in $LATEST.`,
      ),
    );
    await assert.rejects(
      node.client.send(
        new UpdateFunctionConfigurationCommand({ FunctionName: "hello", Timeout: 5, RevisionId: v1.RevisionId }),
      ),
      sdkError("PreconditionFailedException", 412, /^The Revision Id provided does not match the latest Revision Id/),
    );
  });

  test("an alias with 10/90 weights routes about 10 % of 1000 calls to the extra version", async () => {
    const alias = await node.client.send(
      new CreateAliasCommand({
        FunctionName: "hello",
        Name: "live",
        FunctionVersion: "1",
        RoutingConfig: { AdditionalVersionWeights: { "2": 0.1 } },
      }),
    );
    assert.deepEqual(
      [alias.$metadata.httpStatusCode, alias.AliasArn, alias.RoutingConfig?.AdditionalVersionWeights],
      [201, arn("hello", "live"), { "2": 0.1 }],
    );
    const counts: Record<string, number> = {};
    const worker = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const out = await node.client.send(new InvokeCommand({ FunctionName: "hello", Qualifier: "live" }));
        const executed = out.ExecutedVersion ?? "?";
        counts[executed] = (counts[executed] ?? 0) + 1;
        assert.equal(json(out).version, executed);
      }
    };
    await Promise.all([worker(250), worker(250), worker(250), worker(250)]);
    assert.equal((counts["1"] ?? 0) + (counts["2"] ?? 0), 1000);
    const share = (counts["2"] ?? 0) / 10;
    assert.ok(share >= 7 && share <= 13, `version 2 took ${share} % of calls`);
    const got = await node.client.send(new GetAliasCommand({ FunctionName: "hello", Name: "live" }));
    assert.equal(got.RevisionId, alias.RevisionId);
    const moved = await node.client.send(
      new UpdateAliasCommand({
        FunctionName: "hello",
        Name: "live",
        FunctionVersion: "2",
        RoutingConfig: {},
        RevisionId: alias.RevisionId,
      }),
    );
    assert.deepEqual([moved.FunctionVersion, moved.RoutingConfig], ["2", undefined]);
    const listed = await node.client.send(new ListAliasesCommand({ FunctionName: "hello" }));
    assert.deepEqual(
      listed.Aliases?.map((a) => a.Name),
      ["live"],
    );
    await assert.rejects(
      node.client.send(new DeleteFunctionCommand({ FunctionName: "hello", Qualifier: "2" })),
      sdkError(
        "ResourceConflictException",
        409,
        "Unable to delete version because the following aliases reference it: [live]",
      ),
    );
    await assert.rejects(
      node.client.send(
        new CreateAliasCommand({
          FunctionName: "hello",
          Name: "bad",
          FunctionVersion: "1",
          RoutingConfig: { AdditionalVersionWeights: { "1": 0.5 } },
        }),
      ),
      sdkError(
        "InvalidParameterValueException",
        400,
        "Invalid function version 1. Function version 1 is already included in routing configuration.",
      ),
    );
  });

  test("reserved concurrency 0 throttles with 429 and a Reason; deleting it lets calls through", async () => {
    const put = await node.client.send(
      new PutFunctionConcurrencyCommand({ FunctionName: "hello", ReservedConcurrentExecutions: 0 }),
    );
    assert.equal(put.ReservedConcurrentExecutions, 0);
    assert.equal(
      (await node.client.send(new GetFunctionConcurrencyCommand({ FunctionName: "hello" })))
        .ReservedConcurrentExecutions,
      0,
    );
    await assert.rejects(node.client.send(new InvokeCommand({ FunctionName: "hello" })), (e: unknown) => {
      sdkError("TooManyRequestsException", 429, "Rate Exceeded.")(e);
      assert.equal((e as { Reason?: string }).Reason, "ReservedFunctionConcurrentInvocationLimitExceeded");
      return true;
    });
    await node.client.send(new DeleteFunctionConcurrencyCommand({ FunctionName: "hello" }));
    assert.equal(
      (await node.client.send(new GetFunctionConcurrencyCommand({ FunctionName: "hello" })))
        .ReservedConcurrentExecutions,
      undefined,
    );
    assert.equal((await node.client.send(new InvokeCommand({ FunctionName: "hello" }))).StatusCode, 200);
    await assert.rejects(
      node.client.send(new PutFunctionConcurrencyCommand({ FunctionName: "hello", ReservedConcurrentExecutions: 901 })),
      sdkError("InvalidParameterValueException", 400, /below its minimum value of \[100\]\.$/),
    );
  });

  test("event invoke config: put, update, get (LastModified a date), list, delete", async () => {
    const put = await node.client.send(
      new PutFunctionEventInvokeConfigCommand({ FunctionName: "hello", Qualifier: "live", MaximumRetryAttempts: 1 }),
    );
    assert.equal(put.FunctionArn, arn("hello", "live"));
    assert.ok(put.LastModified instanceof Date);
    const upd = await node.client.send(
      new UpdateFunctionEventInvokeConfigCommand({
        FunctionName: "hello",
        Qualifier: "live",
        MaximumEventAgeInSeconds: 120,
      }),
    );
    assert.deepEqual([upd.MaximumRetryAttempts, upd.MaximumEventAgeInSeconds], [1, 120]);
    const got = await node.client.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: "hello:live" }));
    assert.equal(got.MaximumEventAgeInSeconds, 120);
    const list = await node.client.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: "hello" }));
    assert.equal(list.FunctionEventInvokeConfigs?.length, 1);
    await node.client.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: "hello", Qualifier: "live" }));
    await assert.rejects(
      node.client.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: "hello", Qualifier: "live" })),
      sdkError(
        "ResourceNotFoundException",
        404,
        `The function ${arn("hello", "live")} doesn't have an EventInvokeConfig`,
      ),
    );
    await assert.rejects(
      node.client.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: "hello", MaximumRetryAttempts: 5 })),
      sdkError("ValidationException", 400, /Value '5' at 'maximumRetryAttempts'/),
    );
  });

  test("ListFunctions pages (MaxItems, NextMarker) and the SDK paginator sees every function", async () => {
    for (let i = 0; i < 5; i++) await create(`page-${i}`);
    const first = await node.client.send(new ListFunctionsCommand({ MaxItems: 2 }));
    assert.equal(first.Functions?.length, 2);
    assert.ok(first.NextMarker);
    const names: string[] = [];
    for await (const p of paginateListFunctions({ client: node.client, pageSize: 2 }, {}))
      names.push(...(p.Functions ?? []).map((f) => f.FunctionName ?? ""));
    assert.deepEqual(names, ["hello", "page-0", "page-1", "page-2", "page-3", "page-4"]);
    const all = await node.client.send(new ListFunctionsCommand({ FunctionVersion: "ALL" }));
    assert.deepEqual(
      all.Functions?.filter((f) => f.FunctionName === "hello").map((f) => f.Version),
      ["$LATEST", "1", "2"],
    );
  });

  test("error paths answer with AWS's types, statuses and messages", async () => {
    await assert.rejects(
      node.client.send(new GetFunctionCommand({ FunctionName: "missing" })),
      sdkError("ResourceNotFoundException", 404, `Function not found: ${arn("missing")}`),
    );
    await assert.rejects(
      node.client.send(new InvokeCommand({ FunctionName: "missing" })),
      sdkError("ResourceNotFoundException", 404, `Function not found: ${arn("missing")}`),
    );
    await assert.rejects(create("hello"), sdkError("ResourceConflictException", 409, "Function already exist: hello"));
    await assert.rejects(
      create("badzip", { Code: { ZipFile: new TextEncoder().encode("not a zip") } }),
      sdkError(
        "InvalidParameterValueException",
        400,
        "Could not unzip uploaded file. Please check your file, then try to upload again.",
      ),
    );
    await assert.rejects(
      create("badrt", { Runtime: "python3.12" }),
      sdkError("InvalidParameterValueException", 400, /^Value python3.12 at 'runtime'/),
    );
    await assert.rejects(
      create("badtimeout", { Timeout: 901 }),
      sdkError("ValidationException", 400, /Value '901' at 'timeout'/),
    );
    await assert.rejects(
      node.client.send(new GetFunctionConfigurationCommand({ FunctionName: "hello:1", Qualifier: "2" })),
      sdkError(
        "InvalidParameterValueException",
        400,
        "The derived qualifier from the function name does not match the specified qualifier.",
      ),
    );
    await assert.rejects(
      node.client.send(new DeleteFunctionCommand({ FunctionName: "hello", Qualifier: "$LATEST" })),
      sdkError(
        "InvalidParameterValueException",
        400,
        "$LATEST version cannot be deleted without deleting the function.",
      ),
    );
    await assert.rejects(
      node.client.send(new GetAliasCommand({ FunctionName: "hello", Name: "nope" })),
      sdkError("ResourceNotFoundException", 404, `Cannot find alias arn: ${arn("hello", "nope")}`),
    );
    await assert.rejects(
      node.client.send(new InvokeCommand({ FunctionName: "hello", Payload: new Uint8Array(6_291_457).fill(32) })),
      sdkError(
        "RequestEntityTooLargeException",
        413,
        "Request must be smaller than 6291456 bytes for the InvokeFunction operation",
      ),
    );
    await assert.rejects(
      node.client.send(
        new InvokeCommand({ FunctionName: "hello", InvocationType: "Event", Payload: payload("x".repeat(1_048_577)) }),
      ),
      sdkError(
        "RequestEntityTooLargeException",
        413,
        "Request must be smaller than 1048576 bytes for the InvokeFunction operation",
      ),
    );
  });

  test("deleting versions, aliases and the function", async () => {
    await node.client.send(new DeleteAliasCommand({ FunctionName: "hello", Name: "live" }));
    await node.client.send(new DeleteFunctionCommand({ FunctionName: "hello", Qualifier: "1" }));
    const versions = await node.client.send(new ListVersionsByFunctionCommand({ FunctionName: "hello" }));
    assert.deepEqual(
      versions.Versions?.map((v) => v.Version),
      ["$LATEST", "2"],
    );
    await node.client.send(new DeleteFunctionCommand({ FunctionName: "hello" }));
    await assert.rejects(
      node.client.send(new GetFunctionConfigurationCommand({ FunctionName: "hello" })),
      sdkError("ResourceNotFoundException", 404),
    );
  });
});
