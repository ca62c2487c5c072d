import assert from "node:assert/strict";
import { test } from "node:test";
import { mapResponseV2 } from "./response-v2.js";

const map = (v: unknown) => mapResponseV2(Buffer.from(JSON.stringify(v)));

test("values without statusCode are a 200 JSON answer", () => {
  for (const [value, body] of [
    [{ a: 1 }, '{"a":1}'],
    ["plain", "plain"],
    [42, "42"],
    [[1, 2], "[1,2]"],
    [null, "null"],
  ] as const) {
    const r = map(value);
    assert.equal(r?.status, 200);
    assert.equal(r?.headers["content-type"], "application/json");
    assert.equal(r?.body.toString(), body);
  }
});

test("a structured answer: cookies join any Set-Cookie header, base64 decoded", () => {
  const r = map({
    statusCode: 302,
    headers: { "set-cookie": "z=0", location: "/x" },
    cookies: ["a=1", "b=2"],
    body: Buffer.from("hi").toString("base64"),
    isBase64Encoded: true,
  });
  assert.equal(r?.status, 302);
  assert.deepEqual(r?.headers["set-cookie"], ["z=0", "a=1", "b=2"]);
  assert.equal(r?.headers["location"], "/x");
  assert.equal(r?.body.toString(), "hi");
});

test("malformed structured answers", () => {
  for (const bad of [
    { statusCode: "abc" },
    { statusCode: 200, body: { a: 1 } },
    { statusCode: 200, cookies: "a=1" },
    { statusCode: 200, headers: { a: [1] } },
    { statusCode: 200, isBase64Encoded: 1 },
  ]) {
    assert.equal(map(bad), undefined, JSON.stringify(bad));
  }
});
