import assert from "node:assert/strict";
import { test } from "node:test";
import { modelAddress } from "../shared/json-schema.js";
import type { RequestInfo } from "./request-info.js";
import { compileValidation, validateRequest } from "./request-validation.js";

const info = (o: { headers?: Record<string, string>; query?: string; body?: string }): RequestInfo =>
  ({
    headers: { "content-type": "application/json", ...o.headers },
    rawQuery: o.query ?? "",
    body: Buffer.from(o.body ?? ""),
  }) as unknown as RequestInfo;

const owner = JSON.stringify({ type: "object", required: ["name"], properties: { name: { type: "string" } } });
const pet = JSON.stringify({
  type: "object",
  required: ["name", "owner"],
  properties: { name: { type: "string", minLength: 1 }, owner: { $ref: modelAddress("api1", "Owner") } },
});

test("required parameters are named in the order declared; present ones pass", () => {
  const v = compileValidation("api1", {
    requiredParameters: ["method.request.header.X-Id", "method.request.querystring.q", "method.request.path.id"],
    bodyModels: {},
    models: {},
  });
  assert.deepEqual(validateRequest(v, info({}), { id: "7" }), {
    kind: "bad-request-parameters",
    message: "Missing required request parameters: [X-Id, q]",
  });
  assert.equal(validateRequest(v, info({ headers: { "x-id": "1" }, query: "q=&z=1" }), { id: "7" }), undefined);
});

test("bodies are checked against the model of their content type, refs to other models resolved", () => {
  const v = compileValidation("api1", {
    requiredParameters: [],
    bodyModels: { "application/json": "Pet" },
    models: { Pet: pet, Owner: owner },
  });
  const ok = { body: JSON.stringify({ name: "rex", owner: { name: "ann" } }) };
  assert.equal(validateRequest(v, info(ok), undefined), undefined);
  const bad = { kind: "bad-request-body", message: "Invalid request body" };
  assert.deepEqual(validateRequest(v, info({ body: JSON.stringify({ name: "rex", owner: {} }) }), undefined), bad);
  assert.deepEqual(validateRequest(v, info({ body: "{not json" }), undefined), bad);
  assert.deepEqual(validateRequest(v, info({ body: "" }), undefined), bad, "an empty body is {} and lacks name");
  const text = info({ headers: { "content-type": "text/plain" }, body: "anything" });
  assert.equal(validateRequest(v, text, undefined), undefined, "no model for text/plain: not checked");
});

test("a model that cannot be compiled lets no body through", () => {
  const v = compileValidation("api1", {
    requiredParameters: [],
    bodyModels: { "application/json": "X" },
    models: { X: '{"type": 5}' },
  });
  assert.equal(validateRequest(v, info({ body: "{}" }), undefined)?.kind, "bad-request-body");
});
