import SwaggerParser from "@apidevtools/swagger-parser";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { schemaCheckMessage } from "./schema-check.js";

type Obj = Record<string, unknown>;
const LOCAL_ONLY = { resolve: { external: false }, dereference: { circular: "ignore" as const } };

// What swagger-parser's own validate (a fresh Ajv per call) says of `raw`.
async function swaggerParserSays(raw: Obj): Promise<string | undefined> {
  try {
    await SwaggerParser.validate(structuredClone(raw) as never, LOCAL_ONLY);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

async function checkSays(raw: Obj, version: 2 | 3): Promise<string | undefined> {
  const doc = (await SwaggerParser.dereference(structuredClone(raw) as never, LOCAL_ONLY)) as unknown as Obj;
  return schemaCheckMessage({ raw, doc, version });
}

const ok = { description: "ok" };
const DOCUMENTS: { name: string; version: 2 | 3; raw: Obj; fails: boolean }[] = [
  {
    name: "a valid OpenAPI 3.0 document with a $ref",
    version: 3,
    raw: {
      openapi: "3.0.1",
      info: { title: "t", version: "1" },
      paths: { "/a": { get: { responses: { "200": { $ref: "#/components/responses/Ok" } } } } },
      components: { responses: { Ok: ok } },
    },
    fails: false,
  },
  {
    name: "an OpenAPI 3.0 document breaking the schema in two places",
    version: 3,
    raw: { openapi: "3.0.1", info: { title: 5 }, paths: { "/a": { get: { responses: "none" } } } },
    fails: true,
  },
  {
    name: "a valid Swagger 2.0 document",
    version: 2,
    raw: { swagger: "2.0", info: { title: "t", version: "1" }, paths: { "/a": { get: { responses: { "200": ok } } } } },
    fails: false,
  },
  {
    name: "a Swagger 2.0 document valid by the schema, not by the spec (path parameter not declared)",
    version: 2,
    raw: {
      swagger: "2.0",
      info: { title: "t", version: "1" },
      paths: { "/a/{id}": { get: { responses: { "200": ok } } } },
    },
    fails: true,
  },
  {
    name: "a Swagger 2.0 document breaking the schema",
    version: 2,
    raw: { swagger: "2.0", info: { version: "1" }, paths: { "/a": { get: {} } }, basePath: 7 },
    fails: true,
  },
];

describe("the OpenAPI schema check with its validator compiled once", () => {
  for (const d of DOCUMENTS) {
    it(`says what swagger-parser says of ${d.name}, on each of two calls`, async () => {
      const expected = await swaggerParserSays(d.raw);
      assert.equal(expected !== undefined, d.fails, `swagger-parser: ${expected}`);
      assert.equal(await checkSays(d.raw, d.version), expected);
      assert.equal(await checkSays(d.raw, d.version), expected);
    });
  }
});
