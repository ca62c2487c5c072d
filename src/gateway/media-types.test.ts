import assert from "node:assert/strict";
import { test } from "node:test";
import { binaryMatcher, eventBody, isTextMediaType, mediaType } from "./media-types.js";

test("binaryMediaTypes: exact, wildcard subtype, */* and CloudFormation's ~1", () => {
  const m = binaryMatcher(["image/*", "application/octet-stream", "application~1pdf"]);
  assert.ok(m("image/png"));
  assert.ok(m("Application/Octet-Stream; charset=binary"));
  assert.ok(m("application/pdf"));
  assert.ok(!m("text/plain"));
  assert.ok(!m(undefined));
  assert.ok(binaryMatcher(["*/*"])("text/html"));
  assert.ok(!binaryMatcher([])("image/png"));
  assert.equal(mediaType(" Text/HTML ; q=1"), "text/html");
});

test("HTTP API text types", () => {
  for (const t of [
    "text/plain",
    "application/json",
    "application/vnd.api+json",
    "application/xml",
    "application/javascript",
  ]) {
    assert.ok(isTextMediaType(t), t);
  }
  for (const t of ["application/octet-stream", "image/png", "application/x-www-form-urlencoded", undefined]) {
    assert.ok(!isTextMediaType(t), String(t));
  }
});

test("eventBody: empty bodies are absent; REST follows binaryMediaTypes, HTTP the text types", () => {
  assert.equal(eventBody(Buffer.alloc(0), "text/plain", undefined), undefined);
  assert.deepEqual(eventBody(Buffer.from("hé"), "text/plain", undefined), { text: "hé", base64: false });
  assert.deepEqual(eventBody(Buffer.from("a"), "image/png", undefined), { text: "YQ==", base64: true });
  assert.deepEqual(eventBody(Buffer.from("a"), "image/png", binaryMatcher([])), { text: "a", base64: false });
  assert.deepEqual(eventBody(Buffer.from("a"), "image/png", binaryMatcher(["image/png"])), {
    text: "YQ==",
    base64: true,
  });
});
