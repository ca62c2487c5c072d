/**
 * The Lambda operations as the HTTP server calls them: methods, paths, status codes, headers and
 * body parsing. Invoke runs against the FakeInvokeService here (the real engine is exercised in
 * test/conformance/lambda-api-sdk-v3.test.ts); the store and code store are real.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import { createLambdaOperations, logTail } from "../../src/api/lambda/index.js";
import type { ApiRequest, ApiResponse, Operation } from "../../src/api/types.js";
import { AsyncInvoker } from "../../src/events/async-invoker.js";
import { FakeInvokeService } from "../../src/ports/invoke-service.fake.js";
import { isPlatformError } from "../../src/shared/errors.js";
import { arn, type ControlFixture, controlFixture, counterIds, HANDLER_ZIP, ROLE } from "../helpers/control-fixture.js";
import { rootPrincipal } from "../../src/iam/index.js";

let fx: ControlFixture;
let invoker: FakeInvokeService;
let events: AsyncInvoker;
let ops: Operation[];

beforeEach(async () => {
  fx = await controlFixture();
  invoker = new FakeInvokeService({
    answer: { kind: "ok", payload: Buffer.from('{"ok":true}') },
    lines: ["hello"],
  });
  // Not started: queued events stay pending so the test can look at them.
  events = new AsyncInvoker({ store: fx.store, invoker, clock: fx.clock, ids: counterIds() });
  ops = createLambdaOperations({ control: fx.cp, invoker, events });
});
afterEach(async () => {
  await events.stop();
  await fx.close();
});

function op(name: string): Operation {
  const found = ops.find((o) => o.name === name);
  assert.ok(found, name);
  return found;
}

function call(
  name: string,
  r: { params?: Record<string, string>; query?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResponse> {
  const body =
    r.body === undefined
      ? Buffer.alloc(0)
      : Buffer.isBuffer(r.body)
        ? r.body
        : Buffer.from(typeof r.body === "string" ? r.body : JSON.stringify(r.body));
  const o = op(name);
  const req: ApiRequest = {
    method: o.method,
    path: o.path,
    params: r.params ?? {},
    query: new URLSearchParams(r.query ?? ""),
    headers: Object.fromEntries(Object.entries(r.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    body,
    requestId: "11111111-2222-4333-8444-555555555555",
    caller: { accessKeyId: "AKIATEST", principal: rootPrincipal("123456789012"), policies: "all" },
    region: "us-east-1",
  };
  return o.handle(req);
}

async function fails(p: Promise<unknown>, type: string, status: number, message?: string | RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isPlatformError(e));
    assert.deepEqual([e.awsType, e.status], [type, status], e.message);
    if (typeof message === "string") assert.equal(e.message, message);
    else if (message) assert.match(e.message, message);
    return true;
  });
}

const createBody = (name: string, extra: object = {}) => ({
  FunctionName: name,
  Runtime: "nodejs20.x",
  Role: ROLE,
  Handler: "index.handler",
  Code: { ZipFile: HANDLER_ZIP.toString("base64") },
  ...extra,
});

describe("operation table", () => {
  test("every operation with AWS's method and path", () => {
    const table = Object.fromEntries(ops.map((o) => [o.name, `${o.method} ${o.path}`]));
    assert.deepEqual(table, {
      CreateFunction: "POST /2015-03-31/functions",
      ListFunctions: "GET /2015-03-31/functions",
      GetFunction: "GET /2015-03-31/functions/{FunctionName}",
      GetFunctionConfiguration: "GET /2015-03-31/functions/{FunctionName}/configuration",
      UpdateFunctionCode: "PUT /2015-03-31/functions/{FunctionName}/code",
      UpdateFunctionConfiguration: "PUT /2015-03-31/functions/{FunctionName}/configuration",
      DeleteFunction: "DELETE /2015-03-31/functions/{FunctionName}",
      PublishVersion: "POST /2015-03-31/functions/{FunctionName}/versions",
      ListVersionsByFunction: "GET /2015-03-31/functions/{FunctionName}/versions",
      CreateAlias: "POST /2015-03-31/functions/{FunctionName}/aliases",
      ListAliases: "GET /2015-03-31/functions/{FunctionName}/aliases",
      GetAlias: "GET /2015-03-31/functions/{FunctionName}/aliases/{Name}",
      UpdateAlias: "PUT /2015-03-31/functions/{FunctionName}/aliases/{Name}",
      DeleteAlias: "DELETE /2015-03-31/functions/{FunctionName}/aliases/{Name}",
      PutFunctionConcurrency: "PUT /2017-10-31/functions/{FunctionName}/concurrency",
      GetFunctionConcurrency: "GET /2019-09-30/functions/{FunctionName}/concurrency",
      DeleteFunctionConcurrency: "DELETE /2017-10-31/functions/{FunctionName}/concurrency",
      PutFunctionRecursionConfig: "PUT /2024-08-31/functions/{FunctionName}/recursion-config",
      GetFunctionRecursionConfig: "GET /2024-08-31/functions/{FunctionName}/recursion-config",
      PutFunctionEventInvokeConfig: "PUT /2019-09-25/functions/{FunctionName}/event-invoke-config",
      UpdateFunctionEventInvokeConfig: "POST /2019-09-25/functions/{FunctionName}/event-invoke-config",
      GetFunctionEventInvokeConfig: "GET /2019-09-25/functions/{FunctionName}/event-invoke-config",
      DeleteFunctionEventInvokeConfig: "DELETE /2019-09-25/functions/{FunctionName}/event-invoke-config",
      ListFunctionEventInvokeConfigs: "GET /2019-09-25/functions/{FunctionName}/event-invoke-config/list",
      AddPermission: "POST /2015-03-31/functions/{FunctionName}/policy",
      GetPolicy: "GET /2015-03-31/functions/{FunctionName}/policy",
      RemovePermission: "DELETE /2015-03-31/functions/{FunctionName}/policy/{StatementId}",
      TagResource: "POST /2017-03-31/tags/{ARN}",
      UntagResource: "DELETE /2017-03-31/tags/{ARN}",
      ListTags: "GET /2017-03-31/tags/{ARN}",
      GetAccountSettings: "GET /2016-08-19/account-settings",
      Invoke: "POST /2015-03-31/functions/{FunctionName}/invocations",
      InvokeAsync: "POST /2014-11-13/functions/{FunctionName}/invoke-async",
      InvokeWithResponseStream: "POST /2021-11-15/functions/{FunctionName}/response-streaming-invocations",
      PublishLayerVersion: "POST /2018-10-31/layers/{LayerName}/versions",
      ListLayerVersions: "GET /2018-10-31/layers/{LayerName}/versions",
      GetLayerVersion: "GET /2018-10-31/layers/{LayerName}/versions/{VersionNumber}",
      DeleteLayerVersion: "DELETE /2018-10-31/layers/{LayerName}/versions/{VersionNumber}",
      // Also GetLayerVersionByArn (`?find=LayerVersion`), on the same path as in AWS's model.
      ListLayers: "GET /2018-10-31/layers",
      AddLayerVersionPermission: "POST /2018-10-31/layers/{LayerName}/versions/{VersionNumber}/policy",
      GetLayerVersionPolicy: "GET /2018-10-31/layers/{LayerName}/versions/{VersionNumber}/policy",
      RemoveLayerVersionPermission:
        "DELETE /2018-10-31/layers/{LayerName}/versions/{VersionNumber}/policy/{StatementId}",
    });
    assert.equal(op("CreateFunction").maxBodyBytes, 70_167_211);
    assert.equal(op("Invoke").maxBodyBytes, 6_291_456);
  });
});

describe("control operations over JSON", () => {
  test("create 201, get 200, delete 204; base64 ZipFile decoded", async () => {
    const created = await call("CreateFunction", { body: createBody("fn") });
    assert.equal(created.status, 201);
    assert.equal((created.body as { CodeSize: number }).CodeSize, HANDLER_ZIP.length);
    const got = await call("GetFunction", { params: { FunctionName: "fn" }, query: "Qualifier=%24LATEST" });
    assert.equal(
      (got.body as { Configuration: { FunctionArn: string } }).Configuration.FunctionArn,
      arn("fn", "$LATEST"),
    );
    assert.equal((await call("PublishVersion", { params: { FunctionName: "fn" }, body: {} })).status, 201);
    assert.equal(
      (await call("CreateAlias", { params: { FunctionName: "fn" }, body: { Name: "live", FunctionVersion: "1" } }))
        .status,
      201,
    );
    assert.equal(
      (await call("ListAliases", { params: { FunctionName: "fn" }, query: "FunctionVersion=1&MaxItems=5" })).status,
      200,
    );
    assert.equal((await call("DeleteAlias", { params: { FunctionName: "fn", Name: "live" } })).status, 204);
    assert.equal((await call("DeleteFunction", { params: { FunctionName: "fn" }, query: "Qualifier=1" })).status, 204);
    assert.equal((await call("DeleteFunction", { params: { FunctionName: "fn" } })).status, 204);
  });

  test("bad JSON and wrong types are InvalidRequestContentException", async () => {
    await fails(
      call("CreateFunction", { body: "{not json" }),
      "InvalidRequestContentException",
      400,
      /^Could not parse request body into json: /,
    );
    await fails(
      call("CreateFunction", { body: { ...createBody("x"), Timeout: "ten" } }),
      "InvalidRequestContentException",
      400,
      /Timeout/,
    );
    await fails(
      call("CreateFunction", { body: { ...createBody("x"), Code: { ZipFile: "***" } } }),
      "InvalidRequestContentException",
      400,
    );
    await fails(call("ListFunctions", { query: "MaxItems=abc" }), "ValidationException", 400);
  });

  test("concurrency and event-invoke-config answers", async () => {
    await call("CreateFunction", { body: createBody("fn") });
    const put = await call("PutFunctionConcurrency", {
      params: { FunctionName: "fn" },
      body: { ReservedConcurrentExecutions: 5 },
    });
    assert.deepEqual([put.status, put.body], [200, { ReservedConcurrentExecutions: 5 }]);
    assert.equal((await call("DeleteFunctionConcurrency", { params: { FunctionName: "fn" } })).status, 204);
    const eic = await call("PutFunctionEventInvokeConfig", {
      params: { FunctionName: "fn" },
      body: { MaximumRetryAttempts: 0 },
    });
    assert.equal(eic.status, 200);
    const list = await call("ListFunctionEventInvokeConfigs", { params: { FunctionName: "fn" } });
    assert.equal((list.body as { FunctionEventInvokeConfigs: unknown[] }).FunctionEventInvokeConfigs.length, 1);
    assert.equal((await call("DeleteFunctionEventInvokeConfig", { params: { FunctionName: "fn" } })).status, 204);
  });
});

describe("Invoke", () => {
  beforeEach(async () => {
    await call("CreateFunction", { body: createBody("fn", { Publish: true }) });
  });
  const invoke = (headers: Record<string, string> = {}, body: unknown = { a: 1 }, query = "") =>
    call("Invoke", { params: { FunctionName: "fn" }, headers, body, query });

  test("RequestResponse: 200, payload, executed version, request id passed to the invoker", async () => {
    const res = await invoke({}, { a: 1 }, "Qualifier=1");
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, Buffer.from('{"ok":true}'));
    assert.equal(res.headers?.["X-Amz-Executed-Version"], "1");
    assert.equal(res.headers?.["X-Amz-Function-Error"], undefined);
    assert.equal(res.headers?.["X-Amz-Log-Result"], undefined);
    assert.deepEqual(invoker.calls[0]?.target, { functionName: "fn", qualifier: "1" });
    assert.equal(invoker.calls[0]?.options.requestId, "11111111-2222-4333-8444-555555555555");
  });

  test("function errors are 200 with X-Amz-Function-Error: Unhandled; Tail gives the log", async () => {
    invoker.answer = { kind: "timeout", payload: Buffer.from("{}"), errorType: "Sandbox.Timedout" };
    const res = await invoke({ "X-Amz-Log-Type": "Tail" });
    assert.equal(res.status, 200);
    assert.equal(res.headers?.["X-Amz-Function-Error"], "Unhandled");
    const log = Buffer.from(res.headers?.["X-Amz-Log-Result"] ?? "", "base64").toString();
    // Formatted from the record's raw fields when Tail asks for it: the platform's lines around the function's.
    const lines = log.split("\n");
    assert.match(lines[0] ?? "", /^START RequestId: \S* ?Version: \$LATEST$/);
    assert.equal(lines[1], "hello");
    assert.match(lines[2] ?? "", /Task timed out after 3\.00 seconds$/);
    assert.match(lines[3] ?? "", /^END RequestId: /);
    assert.match(lines[4] ?? "", /^REPORT RequestId: .*\tStatus: timeout\t$/);
  });

  test("the log tail keeps the last 4 KB", () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i} ${"x".repeat(60)}`);
    const tail = Buffer.from(logTail(lines), "base64").toString();
    assert.equal(Buffer.byteLength(tail), 4096);
    assert.ok(tail.endsWith(`line 99 ${"x".repeat(60)}\n`));
  });

  test("throttled: 429 TooManyRequestsException with Reason", async () => {
    invoker.answer = { kind: "throttled", reason: "ReservedFunctionConcurrentInvocationLimitExceeded" };
    await assert.rejects(invoke(), (e: unknown) => {
      assert.ok(isPlatformError(e));
      assert.deepEqual(
        [e.awsType, e.status, e.message, e.fields],
        [
          "TooManyRequestsException",
          429,
          "Rate Exceeded.",
          { Reason: "ReservedFunctionConcurrentInvocationLimitExceeded" },
        ],
      );
      return true;
    });
  });

  test("Event: stored in the queue before the 202, with the request id; 1 MB limit", async () => {
    const res = await invoke({ "X-Amz-Invocation-Type": "Event" }, { e: 1 }, "Qualifier=1");
    assert.equal(res.status, 202);
    assert.equal(invoker.calls.length, 0);
    const queued = await fx.store.claimEvents({ now: fx.clock.now(), limit: 10, leaseMs: 1, owner: "probe" });
    assert.deepEqual(
      queued.map((e) => [e.functionName, e.qualifier, e.requestId, e.payload.toString()]),
      [["fn", "1", "11111111-2222-4333-8444-555555555555", '{"e":1}']],
    );
    await fails(
      invoke({ "X-Amz-Invocation-Type": "Event" }, JSON.stringify("x".repeat(1_048_577))),
      "RequestEntityTooLargeException",
      413,
      "Request must be smaller than 1048576 bytes for the InvokeFunction operation",
    );
  });

  test("DryRun: 204 after checking the function exists; unknown function or alias is 404", async () => {
    assert.equal((await invoke({ "X-Amz-Invocation-Type": "DryRun" })).status, 204);
    assert.equal(invoker.calls.length, 0);
    await fails(
      call("Invoke", { params: { FunctionName: "nope" }, headers: { "X-Amz-Invocation-Type": "DryRun" } }),
      "ResourceNotFoundException",
      404,
      `Function not found: ${arn("nope")}`,
    );
    await fails(
      invoke({}, {}, "Qualifier=ghost"),
      "ResourceNotFoundException",
      404,
      `Function not found: ${arn("fn", "ghost")}`,
    );
  });

  test("header and payload validation", async () => {
    await fails(
      invoke({ "X-Amz-Invocation-Type": "Sync" }),
      "ValidationException",
      400,
      "1 validation error detected: Value 'Sync' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]",
    );
    await fails(invoke({ "X-Amz-Log-Type": "All" }), "ValidationException", 400, /at 'logType'/);
    await fails(
      invoke({}, "not json"),
      "InvalidRequestContentException",
      400,
      /^Could not parse request body into json: Could not parse payload into json: /,
    );
    await fails(
      invoke({ "X-Amz-Client-Context": Buffer.from("nope").toString("base64") }),
      "InvalidRequestContentException",
      400,
    );
    const ctx = Buffer.from(JSON.stringify({ custom: { a: 1 } })).toString("base64");
    await invoke({ "X-Amz-Client-Context": ctx });
    assert.equal(invoker.calls[0]?.options.clientContext, '{"custom":{"a":1}}');
    assert.equal((await invoke({}, Buffer.alloc(0))).status, 200, "an empty payload is allowed");
    assert.equal(invoker.calls.at(-1)?.payload, "{}", "and reaches the function as {}");
  });

  test("InvokeAsync: 202 {Status: 202}, queued", async () => {
    const res = await call("InvokeAsync", { params: { FunctionName: "fn" }, body: { x: 1 } });
    assert.deepEqual([res.status, res.body], [202, { Status: 202 }]);
    const queued = await fx.store.claimEvents({ now: fx.clock.now(), limit: 10, leaseMs: 1, owner: "probe" });
    assert.equal(queued.length, 1);
  });
});
