/**
 * The gateway's payload limits: API Gateway's own 10 MB request limit, answered from the length
 * alone, and Lambda's 6 MB event limit, which a body of 10 MB (14 MB once base64-encoded into the
 * event) used to cross unnoticed; both answered 413 without the function running and without
 * buffering more than the limit.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { appSpec, httpApi, restApi, route, send, startGateway, type Harness } from "./helpers.js";

const H = "gateway-handlers";
let h: Harness;

describe("gateway payload limits", () => {
  before(async () => {
    h = await startGateway(
      [appSpec("echo", `${H}.echo`)],
      [httpApi("httpapi01", [route("ANY /echo", "echo")]), restApi("restapi01", [route("ANY /echo", "echo")])],
    );
  });
  after(() => h.close());

  const post = (api: string, path: string, body: Buffer, type = "application/octet-stream") =>
    send(h.port, path, { api, method: "POST", body, headers: { "content-type": type } });

  test("a body just under Lambda's event limit reaches the function", async () => {
    const r = await post("httpapi01", "/echo", Buffer.alloc(5 * 1024 * 1024, 0x61), "text/plain");
    assert.equal(r.status, 200);
    assert.equal(r.json().body.length, 5 * 1024 * 1024);
  });

  test("an event over 6 MB is refused 413 (HTTP and REST), the function never runs", async () => {
    const calls = h.calls("echo");
    // 5 MB of binary becomes about 6.7 MB of base64 in the event.
    const http = await post("httpapi01", "/echo", Buffer.alloc(5 * 1024 * 1024, 0xff));
    assert.deepEqual([http.status, http.text], [413, '{"message":"Request Entity Too Large"}']);
    const rest = await post("restapi01", "/Prod/echo", Buffer.alloc(7 * 1024 * 1024, 0x61), "text/plain");
    assert.deepEqual([rest.status, rest.text], [413, '{"message":"Request Too Long"}']);
    assert.equal(rest.headers["x-amzn-errortype"], "RequestTooLongException");
    assert.equal(h.calls("echo"), calls);
  });

  test("a body over API Gateway's 10 MB is refused from its length, before it is read", async () => {
    const r = await post("httpapi01", "/echo", Buffer.alloc(10 * 1024 * 1024 + 1, 0x61), "text/plain");
    assert.equal(r.status, 413);
    assert.equal(r.headers.connection, "close");
  });
});
