/**
 * InvokeWithResponseStream through the real AWS SDK v3 against a real node: chunks arrive while
 * the handler still runs (it waits for a signal the test sends only once it holds the first
 * chunk), errors and timeouts mid-stream end the stream with InvokeComplete's error, LogType Tail,
 * DryRun, a qualifier, a plain Invoke of a streaming handler (answered whole), and a custom runtime
 * streaming through the Runtime API.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CreateFunctionCommand,
  InvokeCommand,
  InvokeWithResponseStreamCommand,
  PublishVersionCommand,
} from "@aws-sdk/client-lambda";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type LambdaNode, NODE_ROLE as ROLE, startLambdaNode } from "../helpers/lambda-node.js";
import { HANDLERS } from "../helpers/paths.js";
import { sdkError } from "../helpers/sdk-error.js";
import { bootstrapZip, readEvents, Signals, SIGNALLED } from "./stream-helpers.js";

let node: LambdaNode;
const signals = new Signals();
before(async () => {
  // Without the bubblewrap sandbox, so that the handler sees the test's signal files (in the repository's .haneul/).
  node = await startLambdaNode({ env: { HANEUL_SANDBOX: "off" } });
  await node.client.send(
    new CreateFunctionCommand({
      FunctionName: "streamer",
      Runtime: "nodejs20.x",
      Role: ROLE,
      Handler: "index.handler",
      Timeout: 30,
      Code: { ZipFile: SIGNALLED },
    }),
  );
});
after(async () => {
  await node.close();
  await signals.remove();
});

const payload = (event: object): Uint8Array => new TextEncoder().encode(JSON.stringify(event));

describe("InvokeWithResponseStream with the AWS SDK v3", { concurrency: false }, () => {
  test("the first chunk arrives while the handler is still writing", async () => {
    const signal = signals.next();
    const out = await node.client.send(
      new InvokeWithResponseStreamCommand({ FunctionName: "streamer", Payload: payload({ signal: signal.path }) }),
    );
    assert.equal(out.StatusCode, 200);
    assert.equal(out.ExecutedVersion, "$LATEST");
    let firstAt = 0;
    const read = await readEvents(out, (i, text) => {
      if (i !== 0) return;
      // The handler cannot finish before this: it waits for the signal sent here.
      assert.equal(signal.sent(), false, "the first chunk came before the handler was let go on");
      assert.equal(text, "first\n");
      firstAt = performance.now();
      signal.send();
    });
    assert.ok(firstAt > 0, "a first chunk came");
    assert.deepEqual(read.chunks, ["first\n", "second\n"]);
    assert.deepEqual(read.complete, {}, "InvokeComplete without an error");
  });

  test("an error mid-stream ends the stream with InvokeComplete's error after the chunks sent", async () => {
    const out = await node.client.send(
      new InvokeWithResponseStreamCommand({ FunctionName: "streamer", Payload: payload({ fail: true }) }),
    );
    const read = await readEvents(out);
    assert.deepEqual(read.chunks, ["first\n"]);
    assert.equal(read.complete?.ErrorCode, "Error");
    const details = JSON.parse(read.complete?.ErrorDetails ?? "{}") as { errorType?: string; errorMessage?: string };
    assert.equal(details.errorType, "Error");
    assert.equal(details.errorMessage, "broke after the first chunk");
  });

  test("LogType Tail puts the log tail in InvokeComplete; a qualifier picks the version", async () => {
    await node.client.send(new PublishVersionCommand({ FunctionName: "streamer" }));
    const out = await node.client.send(
      new InvokeWithResponseStreamCommand({
        FunctionName: "streamer",
        Qualifier: "1",
        LogType: "Tail",
        Payload: payload({}),
      }),
    );
    assert.equal(out.ExecutedVersion, "1");
    const read = await readEvents(out);
    assert.deepEqual(read.chunks, ["first\n", "second\n"]);
    const log = Buffer.from(read.complete?.LogResult ?? "", "base64").toString("utf8");
    assert.match(log, /START RequestId: /);
    assert.match(log, /streaming for streamer/);
    assert.match(log, /REPORT RequestId: /);
  });

  test("DryRun answers 204 without running; a bad invocation type is refused as AWS does", async () => {
    const dry = await node.client.send(
      new InvokeWithResponseStreamCommand({ FunctionName: "streamer", InvocationType: "DryRun" }),
    );
    assert.equal(dry.StatusCode, 204);
    await assert.rejects(
      node.client.send(
        new InvokeWithResponseStreamCommand({
          FunctionName: "streamer",
          InvocationType: "Event" as "RequestResponse",
        }),
      ),
      sdkError("ValidationException", 400, /Member must satisfy enum value set: \[RequestResponse, DryRun\]/),
    );
    await assert.rejects(
      node.client.send(new InvokeWithResponseStreamCommand({ FunctionName: "no-such-function" })),
      sdkError("ResourceNotFoundException", 404, /Function not found/),
    );
  });

  test("a timeout mid-stream ends the stream with Sandbox.Timedout", async () => {
    await node.client.send(
      new CreateFunctionCommand({
        FunctionName: "stream-hangs",
        Runtime: "nodejs20.x",
        Role: ROLE,
        Handler: "index.handler",
        Timeout: 1,
        Code: { ZipFile: SIGNALLED },
      }),
    );
    const out = await node.client.send(
      new InvokeWithResponseStreamCommand({ FunctionName: "stream-hangs", Payload: payload({ hang: true }) }),
    );
    const read = await readEvents(out);
    assert.deepEqual(read.chunks, ["first\n"]);
    assert.equal(read.complete?.ErrorCode, "Sandbox.Timedout");
    assert.match(read.complete?.ErrorDetails ?? "", /Task timed out after 1\.00 seconds/);
  });

  test("a plain Invoke of a streaming handler answers the whole body", async () => {
    const out = await node.client.send(new InvokeCommand({ FunctionName: "streamer", Payload: payload({}) }));
    assert.equal(out.FunctionError, undefined);
    assert.equal(Buffer.from(out.Payload ?? []).toString("utf8"), "first\nsecond\n");
  });

  test("a custom runtime streams through the Runtime API, errors in its trailers", async () => {
    const source = readFileSync(join(HANDLERS, "provided-streaming", "bootstrap"), "utf8");
    await node.client.send(
      new CreateFunctionCommand({
        FunctionName: "stream-custom",
        Runtime: "provided.al2023",
        Role: ROLE,
        Handler: "bootstrap",
        Timeout: 30,
        Code: { ZipFile: bootstrapZip(source) },
      }),
    );
    const signal = signals.next();
    const out = await node.client.send(
      new InvokeWithResponseStreamCommand({
        FunctionName: "stream-custom",
        Payload: payload({ parts: ["one ", "two ", "three"], signal: signal.path }),
      }),
    );
    const read = await readEvents(out, (i) => {
      if (i !== 0) return;
      assert.equal(signal.sent(), false, "the first chunk came before the runtime went on");
      signal.send();
    });
    assert.equal(read.chunks.join(""), "one two three");
    assert.deepEqual(read.complete, {});

    const failed = await node.client.send(
      new InvokeWithResponseStreamCommand({
        FunctionName: "stream-custom",
        Payload: payload({ parts: ["partial"], fail: true }),
      }),
    );
    const broken = await readEvents(failed);
    assert.equal(broken.chunks.join(""), "partial");
    assert.equal(broken.complete?.ErrorCode, "CustomError");
    assert.match(broken.complete?.ErrorDetails ?? "", /custom runtime failed/);
  });
});
