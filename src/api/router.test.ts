import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Router } from "./router.js";

const router = new Router([
  { method: "GET", path: "/2015-03-31/functions/", value: "ListFunctions" },
  { method: "POST", path: "/2015-03-31/functions", value: "CreateFunction" },
  { method: "GET", path: "/2015-03-31/functions/{FunctionName}", value: "GetFunction" },
  { method: "GET", path: "/2015-03-31/functions/{FunctionName}/configuration", value: "GetFunctionConfiguration" },
  { method: "POST", path: "/2015-03-31/functions/{FunctionName}/invocations", value: "Invoke" },
  { method: "GET", path: "/2015-03-31/functions/{FunctionName}/aliases/{Name}", value: "GetAlias" },
  { method: "GET", path: "/2019-09-25/functions/{FunctionName}/event-invoke-config/list", value: "ListEIC" },
  { method: "GET", path: "/2019-09-25/functions/{FunctionName}/event-invoke-config", value: "GetEIC" },
  { method: "GET", path: "/2015-03-31/event-source-mappings/{UUID}", value: "GetESM" },
  { method: "GET", path: "/2015-03-31/event-source-mappings/list", value: "StaticWins" },
  { method: "GET", path: "/files/{Key+}", value: "Greedy" },
]);

describe("Router", () => {
  it("matches static routes with or without a trailing slash", () => {
    assert.equal(router.match("GET", "/2015-03-31/functions")?.value, "ListFunctions");
    assert.equal(router.match("GET", "/2015-03-31/functions/")?.value, "ListFunctions");
    assert.equal(router.match("POST", "/2015-03-31/functions/")?.value, "CreateFunction");
  });

  it("decodes labels, including ARNs with %3A and qualifiers", () => {
    const arn = "arn:aws:lambda:us-east-1:000000000000:function:my-fn:prod";
    const m = router.match("GET", `/2015-03-31/functions/${encodeURIComponent(arn)}/configuration`);
    assert.deepEqual(m, { value: "GetFunctionConfiguration", params: { FunctionName: arn } });
    assert.deepEqual(router.match("GET", "/2015-03-31/functions/fn:%24LATEST")?.params, { FunctionName: "fn:$LATEST" });
    assert.deepEqual(router.match("GET", "/2015-03-31/functions/fn:1")?.params, { FunctionName: "fn:1" });
    assert.deepEqual(router.match("GET", "/2015-03-31/functions/f/aliases/live")?.params, {
      FunctionName: "f",
      Name: "live",
    });
  });

  it("prefers static segments and backtracks to labels", () => {
    assert.equal(router.match("GET", "/2019-09-25/functions/f/event-invoke-config/list")?.value, "ListEIC");
    assert.equal(router.match("GET", "/2019-09-25/functions/f/event-invoke-config")?.value, "GetEIC");
    assert.equal(router.match("GET", "/2015-03-31/event-source-mappings/list")?.value, "StaticWins");
    assert.deepEqual(router.match("GET", "/2015-03-31/event-source-mappings/abc")?.params, { UUID: "abc" });
  });

  it("matches a greedy label over the rest of the path", () => {
    assert.deepEqual(router.match("GET", "/files/a/b%20c"), { value: "Greedy", params: { Key: "a/b c" } });
  });

  it("answers undefined for unknown paths, other methods, empty labels and bad escapes", () => {
    assert.equal(router.match("GET", "/2015-03-31/nope"), undefined);
    assert.equal(router.match("DELETE", "/2015-03-31/functions/f/configuration"), undefined);
    assert.equal(router.match("GET", "/2015-03-31/functions//configuration"), undefined);
    assert.equal(router.match("GET", "/2015-03-31/functions/%E0%A4%A/configuration"), undefined);
    assert.equal(router.match("GET", "/"), undefined);
  });

  it("refuses duplicate routes when compiled", () => {
    assert.throws(
      () =>
        new Router([
          { method: "GET", path: "/a/{B}", value: 1 },
          { method: "GET", path: "/a/{C}/", value: 2 },
        ]),
    );
  });
});
