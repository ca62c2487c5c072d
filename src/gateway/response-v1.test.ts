import assert from "node:assert/strict";
import { test } from "node:test";
import { mapResponseV1 } from "./response-v1.js";

const REST = { rest: true, decodeBinary: (ct: string | undefined): boolean => ct === "image/png" };
const map = (v: unknown, o = REST) => mapResponseV1(Buffer.from(JSON.stringify(v)), o);

test("a minimal result: JSON content type added for REST", () => {
  const r = map({ statusCode: 201, body: "x" });
  assert.equal(r?.status, 201);
  assert.equal(r?.headers["Content-Type"], "application/json");
  assert.equal(r?.body.toString(), "x");
  assert.equal(map({ statusCode: "204" })?.status, 204);
});

test("headers and multiValueHeaders merge; multiValueHeaders win per name", () => {
  const r = map({ statusCode: 200, headers: { A: "1", b: 2 }, multiValueHeaders: { a: ["x", "y"], C: [true] } });
  assert.deepEqual(r?.headers, { a: ["x", "y"], b: "2", C: "true", "Content-Type": "application/json" });
});

test("REST renames reserved headers and drops hop-by-hop ones", () => {
  const r = map({
    statusCode: 200,
    headers: { "WWW-Authenticate": "Basic", Connection: "close", "Content-Length": "9" },
  });
  assert.equal(r?.headers["x-amzn-Remapped-WWW-Authenticate"], "Basic");
  assert.equal(r?.headers["Content-Length"], undefined);
  assert.equal(r?.headers["x-amzn-Remapped-Connection"], "close");
});

test("base64 bodies are decoded only for binary media types on REST", () => {
  const b64 = Buffer.from([0, 1, 2, 255]).toString("base64");
  const png = map({ statusCode: 200, headers: { "content-type": "image/png" }, body: b64, isBase64Encoded: true });
  assert.deepEqual([...(png?.body ?? [])], [0, 1, 2, 255]);
  const text = map({ statusCode: 200, headers: { "content-type": "text/plain" }, body: b64, isBase64Encoded: true });
  assert.equal(text?.body.toString(), b64);
  const http = map({ statusCode: 200, body: b64, isBase64Encoded: true }, { rest: false, decodeBinary: () => false });
  assert.deepEqual([...(http?.body ?? [])], [0, 1, 2, 255]);
});

test("malformed results", () => {
  for (const bad of [
    null,
    "text",
    [],
    { body: "no status" },
    { statusCode: 200, cookies: [] },
    { statusCode: 99 },
    { statusCode: 200.5 },
    { statusCode: 200, body: { a: 1 } },
    { statusCode: 200, headers: { a: { b: 1 } } },
    { statusCode: 200, multiValueHeaders: { a: "not-a-list" } },
    { statusCode: 200, isBase64Encoded: "yes" },
  ]) {
    assert.equal(map(bad), undefined, JSON.stringify(bad));
  }
  assert.equal(mapResponseV1(Buffer.from("{not json"), REST), undefined);
});
