/**
 * RESPONSE_STREAM function URLs against a real node: the body reaches curl (-N) and node's fetch
 * chunk by chunk while the handler still runs (it waits for a signal the test sends only once it
 * holds the first chunk), with the status, headers and cookies of HttpResponseStream.from's
 * prelude; an error mid-stream breaks the connection off after the bytes sent.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, describe, test } from "node:test";
import {
  AddPermissionCommand,
  CreateFunctionCommand,
  CreateFunctionUrlConfigCommand,
  GetFunctionUrlConfigCommand,
} from "@aws-sdk/client-lambda";
import { type LambdaNode, NODE_ROLE as ROLE, startLambdaNode } from "../helpers/lambda-node.js";
import { pathForm } from "../function-urls/url-helpers.js";
import { Signals, SIGNALLED } from "./stream-helpers.js";

let node: LambdaNode;
let url: string;
const signals = new Signals();
before(async () => {
  // Without the bubblewrap sandbox, so that the handler sees the test's signal files (in the repository's .haneul/).
  node = await startLambdaNode({ env: { HANEUL_SANDBOX: "off" } });
  await node.client.send(
    new CreateFunctionCommand({
      FunctionName: "url-streamer",
      Runtime: "nodejs20.x",
      Role: ROLE,
      Handler: "index.handler",
      Timeout: 30,
      Code: { ZipFile: SIGNALLED },
    }),
  );
  await node.client.send(
    new AddPermissionCommand({
      FunctionName: "url-streamer",
      StatementId: "public-url",
      Action: "lambda:InvokeFunctionUrl",
      Principal: "*",
      FunctionUrlAuthType: "NONE",
    }),
  );
  const created = await node.client.send(
    new CreateFunctionUrlConfigCommand({
      FunctionName: "url-streamer",
      AuthType: "NONE",
      InvokeMode: "RESPONSE_STREAM",
    }),
  );
  url = pathForm(created.FunctionUrl ?? "");
});
after(async () => {
  await node.close();
  await signals.remove();
});

describe("RESPONSE_STREAM function URLs", { concurrency: false }, () => {
  test("GetFunctionUrlConfig reports the invoke mode", async () => {
    const got = await node.client.send(new GetFunctionUrlConfigCommand({ FunctionName: "url-streamer" }));
    assert.equal(got.InvokeMode, "RESPONSE_STREAM");
  });

  test("node's fetch reads the first chunk while the handler still writes; the prelude sets status, headers and cookies", async () => {
    const signal = signals.next();
    const res = await fetch(`${url}?prelude=1&signal=${encodeURIComponent(signal.path)}`);
    assert.equal(res.status, 201);
    assert.equal(res.headers.get("x-streamed"), "yes");
    assert.equal(res.headers.get("content-type"), "text/plain");
    assert.equal(res.headers.get("set-cookie"), "flavour=plain; Path=/");
    assert.equal(res.headers.get("content-length"), null, "sent chunked");
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (!text.includes("first\n")) {
      const { value, done } = await reader.read();
      assert.equal(done, false, "the body goes on after the first chunk");
      text += decoder.decode(value, { stream: true });
    }
    assert.equal(signal.sent(), false);
    assert.equal(text, "first\n", "nothing of the prelude in the body");
    signal.send();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    assert.equal(text, "first\nsecond\n");
  });

  test("curl -N gets the first chunk before the handler is let go on", async () => {
    const signal = signals.next();
    const curl = spawn("curl", ["-sS", "-N", "-i", `${url}?prelude=1&signal=${encodeURIComponent(signal.path)}`], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let sawFirstBeforeSignal = false;
    curl.stdout.setEncoding("utf8");
    curl.stdout.on("data", (chunk: string) => {
      out += chunk;
      if (!signal.sent() && out.includes("first\n")) {
        sawFirstBeforeSignal = !out.includes("second");
        signal.send();
      }
    });
    const code = await new Promise<number | null>((resolve) => curl.on("close", resolve));
    assert.equal(code, 0);
    assert.ok(sawFirstBeforeSignal, "curl printed the first chunk while the handler waited");
    assert.match(out, /^HTTP\/1\.1 201/);
    assert.match(out, /\r\nx-streamed: yes\r\n/i);
    assert.match(out, /\r\nset-cookie: flavour=plain; Path=\/\r\n/i);
    assert.match(out, /\r\ntransfer-encoding: chunked\r\n/i);
    assert.ok(out.endsWith("\r\n\r\nfirst\nsecond\n"), out);
  });

  test("a plain stream (no prelude) is the body with its content type and status 200", async () => {
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "text/plain");
    assert.equal(await res.text(), "first\nsecond\n");
  });

  test("an error mid-stream breaks the connection off after the bytes sent", async () => {
    const res = await fetch(`${url}?fail=1`);
    assert.equal(res.status, 200);
    await assert.rejects(res.text());
    const curl = spawn("curl", ["-sS", "-N", `${url}?fail=1`], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    curl.stdout.on("data", (c: Buffer) => (out += c.toString()));
    const code = await new Promise<number | null>((resolve) => curl.on("close", resolve));
    assert.equal(out, "first\n");
    assert.equal(code, 18, "curl: transfer closed with outstanding read data remaining");
  });
});
