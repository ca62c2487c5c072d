import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  isReservedHeader,
  ParameterMappingError,
  parseMappingValue,
  parseRequestParameters,
  parseResponseParameters,
} from "./parameter-mapping.js";

const REQUEST = [
  "request.header",
  "request.querystring",
  "request.body",
  "request.path",
  "context",
  "stageVariables",
] as const;

describe("parameter mapping values", () => {
  it("splits static text and references, braced or not", () => {
    assert.deepEqual(parseMappingValue("id-$request.path.id.", REQUEST), [
      { text: "id-" },
      { source: "request.path", name: "id" },
      { text: "." },
    ]);
    assert.deepEqual(parseMappingValue("${request.header.x-a}/${stageVariables.env}", REQUEST), [
      { source: "request.header", name: "x-a" },
      { text: "/" },
      { source: "stageVariables", name: "env" },
    ]);
    assert.deepEqual(parseMappingValue("$request.body.items[0].name", REQUEST), [
      { source: "request.body", name: "items[0].name" },
    ]);
    assert.deepEqual(parseMappingValue("$request.path", REQUEST), [{ source: "request.path", name: "" }]);
    assert.deepEqual(
      parseMappingValue("cost $5", REQUEST),
      [{ text: "cost $5" }],
      "a $ that starts no reference is text",
    );
  });

  it("refuses references the direction does not have and unknown context variables", () => {
    assert.throws(
      () => parseMappingValue("$response.body.x", REQUEST),
      /Invalid mapping expression specified: \$response\.body\.x/,
    );
    assert.throws(() => parseMappingValue("$context.nope", REQUEST), ParameterMappingError);
    assert.throws(() => parseMappingValue("$request.header", REQUEST), ParameterMappingError);
    assert.deepEqual(parseMappingValue("$context.authorizer.claims.sub", REQUEST), [
      { source: "context", name: "authorizer.claims.sub" },
    ]);
  });
});

describe("parameter mapping keys", () => {
  it("parses request keys and refuses others", () => {
    const ops = parseRequestParameters({ "remove:querystring.q": "''", "overwrite:path": "/x" });
    assert.deepEqual(
      ops.map((o) => [o.action, o.target, o.name]),
      [
        ["remove", "querystring", "q"],
        ["overwrite", "path", ""],
      ],
    );
    assert.throws(
      () => parseRequestParameters({ "append:path": "/x" }),
      /Invalid mapping expression specified: append:path/,
    );
    assert.throws(() => parseRequestParameters({ "append:header.x": "" }), /must not be empty/);
  });

  it("refuses reserved headers in both directions", () => {
    for (const name of [
      "Authorization",
      "x-amz-date",
      "X-Amzn-Trace-Id",
      "access-control-allow-origin",
      "apigw-x",
      "Via",
    ]) {
      assert.equal(isReservedHeader(name), true, name);
    }
    assert.equal(isReservedHeader("x-custom"), false);
    assert.throws(
      () => parseRequestParameters({ "append:header.Connection": "close" }),
      /errors : \[Operations on header Connection are restricted\]/,
    );
    assert.throws(() => parseResponseParameters({ "200": { "remove:header.content-length": "''" } }), /restricted/);
  });

  it("parses response keys by status code and checks static status codes", () => {
    const map = parseResponseParameters({
      "404": { "overwrite:statuscode": "410", "append:header.x": "$response.header.y" },
    });
    assert.deepEqual([...map.keys()], [404]);
    assert.throws(() => parseResponseParameters({ "2xx": {} }), /Invalid status code specified: 2xx/);
    assert.throws(() => parseResponseParameters({ "200": { "overwrite:statuscode": "99" } }), /Invalid status code/);
    assert.throws(
      () => parseResponseParameters({ "200": { "append:querystring.x": "v" } }),
      /Invalid Response Actioned Parameter/,
    );
    assert.throws(
      () => parseResponseParameters({ "200": { "append:header.x": "$request.header.y" } }),
      ParameterMappingError,
    );
  });
});
