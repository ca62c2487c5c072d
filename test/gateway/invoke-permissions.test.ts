/**
 * What the gateway asks before it invokes a function, and what it answers when the answer is no:
 * the SourceArn of a REST route (the resource path as defined), of an HTTP API's default route and
 * of a Lambda authorizer, and AWS's 500s without the function ever running.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { DeployedAuthorizer } from "../../src/domain/deployed-api.js";
import { appSpec, httpApi, restApi, route, send, startGateway, type Harness } from "./helpers.js";

const TOKEN: DeployedAuthorizer = {
  type: "TOKEN",
  authorizerId: "tok",
  name: "token",
  functionName: "tokenAuth",
  identitySource: ["method.request.header.Authorization"],
  resultTtlSeconds: 0,
};
const ARN = "arn:aws:execute-api:us-east-1:123456789012";

let h: Harness;
const asked: string[] = [];
const denied = new Set<string>();

before(async () => {
  h = await startGateway(
    [appSpec("echo", "gateway-handlers.echo"), appSpec("tokenAuth", "gateway-handlers.tokenAuthorizer")],
    [
      restApi("permrest", [route("GET /items/{id}", "echo"), route("GET /guarded", "echo", { authorizer: TOKEN })]),
      httpApi("permhttp", [route("$default", "echo")]),
    ],
    {
      // Asynchronous, as the control plane's answer is on a cache miss.
      invokePermitted: (target, sourceArn) => {
        asked.push(`${target.functionName} ${sourceArn}`);
        return Promise.resolve(!denied.has(sourceArn));
      },
    },
  );
});
after(() => h.close());

describe("the gateway asks for the function's permission with AWS's SourceArn", () => {
  test("REST: <api>/<stage>/<METHOD><resource path as defined>; denied → 500, the function never runs", async () => {
    const arn = `${ARN}:permrest/Prod/GET/items/{id}`;
    assert.equal((await send(h.port, "/Prod/items/42", { api: "permrest" })).status, 200);
    assert.ok(asked.includes(`echo ${arn}`), asked.join("\n"));
    denied.add(arn);
    const calls = h.calls("echo");
    const res = await send(h.port, "/Prod/items/43", { api: "permrest" });
    assert.equal(res.status, 500);
    assert.equal(res.text, '{"message": "Internal server error"}');
    assert.equal(res.headers["x-amzn-errortype"], "InternalServerErrorException");
    assert.equal(h.calls("echo"), calls, "the function did not run");
    assert.equal(h.logs.at(-1)?.error, "invalid-permissions");
  });

  test("HTTP API default route: <api>/<stage>/$default", async () => {
    const arn = `${ARN}:permhttp/$default/$default`;
    assert.equal((await send(h.port, "/anything", { api: "permhttp" })).status, 200);
    assert.ok(asked.includes(`echo ${arn}`), asked.join("\n"));
    denied.add(arn);
    const res = await send(h.port, "/anything", { api: "permhttp" });
    assert.equal(res.status, 500);
    assert.equal(res.text, '{"message":"Internal Server Error"}');
  });

  test("a Lambda authorizer: <api>/authorizers/<id>; denied → 500 AuthorizerConfigurationException", async () => {
    const arn = `${ARN}:permrest/authorizers/tok`;
    const ok = await send(h.port, "/Prod/guarded", { api: "permrest", headers: { authorization: "allow" } });
    assert.equal(ok.status, 200, ok.text);
    assert.ok(asked.includes(`tokenAuth ${arn}`), asked.join("\n"));
    denied.add(arn);
    const calls = h.calls("tokenAuth");
    const res = await send(h.port, "/Prod/guarded", { api: "permrest", headers: { authorization: "allow" } });
    assert.equal(res.status, 500);
    assert.equal(res.headers["x-amzn-errortype"], "AuthorizerConfigurationException");
    assert.equal(h.calls("tokenAuth"), calls, "the authorizer did not run");
  });
});
