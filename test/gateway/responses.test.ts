/**
 * From function result to HTTP answer: payload 1.0 and 2.0 shapes, malformed results, function
 * errors, Lambda's own timeout, the integration timeout, throttling, and binary bodies.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { appSpec, httpApi, restApi, route, send, startGateway, type Harness } from "./helpers.js";

const H = "gateway-handlers";
const FUNCTIONS = [
  "echo",
  "bare",
  "bareString",
  "extraKey",
  "noStatus",
  "bodyObject",
  "badStatus",
  "throws",
  "binaryEcho",
  "cookiesV2",
  "multiHeaders",
];
const specs = [
  ...FUNCTIONS.map((f) => appSpec(f, `${H}.${f}`)),
  appSpec("slow", `${H}.slow`, { timeoutSec: 10 }),
  appSpec("slowLambdaTimeout", `${H}.slow`, { timeoutSec: 1 }),
  appSpec("throttled", `${H}.echo`, { reservedConcurrency: 0 }),
];
const routes = [
  ...FUNCTIONS.map((f) => route(`ANY /${f}`, f)),
  route("GET /slow", "slow", { timeoutMs: 300 }),
  route("GET /lambdaTimeout", "slowLambdaTimeout"),
  route("GET /throttled", "throttled"),
  route("GET /missingFunction", "no-such-function"),
];

let h: Harness;
before(async () => {
  h = await startGateway(specs, [
    restApi("rest", routes, { binaryMediaTypes: ["application/octet-stream"] }),
    restApi("restnobinary", routes),
    httpApi("http", routes),
    httpApi(
      "http10",
      routes.map((r) => ({ ...r, integration: { ...r.integration, payloadFormatVersion: "1.0" as const } })),
    ),
  ]);
});
after(() => h.close());

const rest = (path: string, o: Parameters<typeof send>[2] = {}) => send(h.port, `/Prod${path}`, { api: "rest", ...o });
const http = (path: string, o: Parameters<typeof send>[2] = {}) => send(h.port, path, { api: "http", ...o });
const INTERNAL_REST = '{"message": "Internal server error"}';
const INTERNAL_HTTP = '{"message":"Internal Server Error"}';

describe("payload 1.0 (REST)", () => {
  for (const f of ["extraKey", "noStatus", "bodyObject", "badStatus"]) {
    test(`malformed result (${f}) is 502 Internal server error`, async () => {
      const res = await rest(`/${f}`);
      assert.equal(res.status, 502);
      assert.equal(res.text, INTERNAL_REST);
      assert.equal(res.headers["x-amzn-errortype"], "InternalServerErrorException");
    });
  }

  test("headers and multiValueHeaders merge, multiValueHeaders winning", async () => {
    const res = await rest("/multiHeaders");
    assert.equal(res.status, 200);
    assert.equal(res.headers["x-one"], "1");
    assert.equal(res.headers["x-both"], "m1, m2");
    assert.deepEqual(res.headers["set-cookie"], ["a=1", "b=2"]);
    assert.equal(res.headers["content-type"], "text/plain");
    assert.equal(res.text, "ok");
  });

  test("a function error is 502; Lambda's own timeout too", async () => {
    const err = await rest("/throws");
    assert.equal(err.status, 502);
    assert.equal(err.text, INTERNAL_REST);
    const timedOut = await rest("/lambdaTimeout");
    assert.equal(timedOut.status, 502);
  });

  test("the integration timeout is 504 Endpoint request timed out", async () => {
    const t0 = Date.now();
    const res = await rest("/slow");
    assert.equal(res.status, 504);
    assert.equal(res.text, '{"message": "Endpoint request timed out"}');
    assert.ok(Date.now() - t0 < 1500, "answered at the integration timeout, not when the function finished");
  });

  test("a throttled or missing function is 500 Internal server error", async () => {
    const throttled = await rest("/throttled");
    assert.equal(throttled.status, 500);
    assert.equal(throttled.text, INTERNAL_REST);
    assert.equal(throttled.headers["x-amzn-errortype"], "InternalServerErrorException");
    const missing = await rest("/missingFunction");
    assert.equal(missing.status, 500);
  });

  test("binary round trip when the content type is a binary media type", async () => {
    const bytes = randomBytes(64 * 1024);
    const res = await rest("/binaryEcho", {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body: bytes,
    });
    assert.equal(res.status, 200);
    assert.ok(res.body.equals(bytes), "same bytes back");
  });

  test("without binaryMediaTypes the body goes as text and base64 comes back undecoded", async () => {
    const res = await send(h.port, "/Prod/binaryEcho", {
      api: "restnobinary",
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body: "hello",
    });
    assert.equal(res.status, 200);
    assert.equal(res.text, Buffer.from("hello").toString("base64"));
  });

  test("the request body and its encoding in the event", async () => {
    const json = (
      await rest("/echo", { method: "POST", headers: { "content-type": "application/json" }, body: '{"a":1}' })
    ).json();
    assert.equal(json.body, '{"a":1}');
    assert.equal(json.isBase64Encoded, false);
    const bin = (
      await rest("/echo", { method: "POST", headers: { "content-type": "application/octet-stream" }, body: "xyz" })
    ).json();
    assert.equal(bin.body, Buffer.from("xyz").toString("base64"));
    assert.equal(bin.isBase64Encoded, true);
  });
});

describe("payload 2.0 (HTTP API)", () => {
  test("a bare object is 200 application/json with the object as body", async () => {
    const res = await http("/bare");
    assert.equal(res.status, 200);
    assert.equal(res.headers["content-type"], "application/json");
    assert.deepEqual(res.json(), { hello: "world" });
    assert.ok(res.headers["apigw-requestid"]);
  });

  test("a bare string is the body itself; an object without statusCode is JSON", async () => {
    const s = await http("/bareString");
    assert.equal(s.status, 200);
    assert.equal(s.text, "hello there");
    const noStatus = await http("/noStatus");
    assert.equal(noStatus.status, 200);
    assert.deepEqual(noStatus.json(), { body: "x" });
  });

  test("cookies become one Set-Cookie line each", async () => {
    const res = await http("/cookiesV2");
    assert.deepEqual(res.headers["set-cookie"], ["a=1; Path=/", "b=2; Path=/"]);
    const extra = await http("/extraKey");
    assert.equal(extra.status, 200);
    assert.deepEqual(extra.headers["set-cookie"], ["a=b"]);
  });

  for (const f of ["bodyObject", "badStatus"]) {
    test(`malformed result (${f}) is 500 Internal Server Error`, async () => {
      const res = await http(`/${f}`);
      assert.equal(res.status, 500);
      assert.equal(res.text, INTERNAL_HTTP);
    });
  }

  test("an HTTP API with a 1.0 integration applies the 1.0 rules but answers 500", async () => {
    const res = await send(h.port, "/extraKey", { api: "http10" });
    assert.equal(res.status, 500);
    assert.equal(res.text, INTERNAL_HTTP);
    const ok = await send(h.port, "/multiHeaders", { api: "http10" });
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.headers["set-cookie"], ["a=1", "b=2"]);
  });

  test("a function error, a Lambda timeout, a throttle and a missing function are 500", async () => {
    for (const path of ["/throws", "/lambdaTimeout", "/throttled", "/missingFunction"]) {
      const res = await http(path);
      assert.equal(res.status, 500, path);
      assert.equal(res.text, INTERNAL_HTTP);
    }
  });

  test("the integration timeout is 503 Service Unavailable", async () => {
    const res = await http("/slow");
    assert.equal(res.status, 503);
    assert.equal(res.text, '{"message":"Service Unavailable"}');
  });

  test("binary round trip: non-text bodies travel base64 both ways", async () => {
    const bytes = randomBytes(100_000);
    const res = await http("/binaryEcho", { method: "POST", headers: { "content-type": "image/webp" }, body: bytes });
    assert.equal(res.status, 200);
    assert.ok(res.body.equals(bytes));
    const text = (
      await http("/echo", { method: "POST", headers: { "content-type": "text/plain; charset=utf-8" }, body: "héllo" })
    ).json();
    assert.equal(text.body, "héllo");
    assert.equal(text.isBase64Encoded, false);
    const form = (
      await http("/echo", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "a=1",
      })
    ).json();
    assert.equal(form.isBase64Encoded, true);
  });
});
