/**
 * Lambda authorizers, real functions on both sides: REST TOKEN and REQUEST authorizers (IAM
 * policies, context, explicit and implicit deny, "Unauthorized", failures, the result cache in
 * simulated time) and HTTP API Lambda authorizers (simple and IAM answers).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { DeployedAuthorizer } from "../../src/domain/deployed-api.js";
import { ManualClock } from "../../src/shared/clock.js";
import { appSpec, httpApi, restApi, route, send, startGateway, type Harness } from "./helpers.js";

const TOKEN: DeployedAuthorizer = {
  type: "TOKEN",
  authorizerId: "tok",
  name: "token",
  functionName: "tokenAuth",
  identitySource: ["method.request.header.Authorization"],
  identityValidationExpression: "allow|narrow|deny|unauthorized|error|bad|allow2",
  resultTtlSeconds: 300,
};
const REQUEST: DeployedAuthorizer = {
  type: "REQUEST",
  authorizerId: "req",
  name: "request",
  functionName: "requestAuth",
  identitySource: ["method.request.header.X-Token"],
  resultTtlSeconds: 0,
};
const SIMPLE: DeployedAuthorizer = {
  type: "REQUEST",
  authorizerId: "simple",
  name: "simple",
  functionName: "simpleAuth",
  identitySource: ["$request.header.Authorization"],
  resultTtlSeconds: 0,
  payloadFormatVersion: "2.0",
  enableSimpleResponses: true,
};
const POLICY_V2: DeployedAuthorizer = {
  type: "REQUEST",
  authorizerId: "pol",
  name: "policy",
  functionName: "policyAuth",
  identitySource: ["$request.header.Authorization"],
  resultTtlSeconds: 60,
  payloadFormatVersion: "2.0",
};

const clock = new ManualClock(Date.now());
let h: Harness;
before(async () => {
  h = await startGateway(
    [
      appSpec("echo", "gateway-handlers.echo"),
      appSpec("tokenAuth", "gateway-handlers.tokenAuthorizer"),
      appSpec("requestAuth", "gateway-handlers.requestAuthorizer"),
      appSpec("simpleAuth", "gateway-handlers.httpSimpleAuthorizer"),
      appSpec("policyAuth", "gateway-handlers.httpPolicyAuthorizer"),
    ],
    [
      restApi("authrest", [
        route("GET /items/{id}", "echo", { authorizer: TOKEN }),
        route("GET /req", "echo", { authorizer: REQUEST }),
        route("GET /open", "echo"),
      ]),
      httpApi("authhttp", [
        route("GET /simple/{id}", "echo", { authorizer: SIMPLE }),
        route("GET /policy/{id}", "echo", { authorizer: POLICY_V2 }),
        route("GET /policy10", "echo", { authorizer: POLICY_V2, payload: "1.0" }),
      ]),
    ],
    { clock },
  );
});
after(() => h.close());

const rest = (path: string, token?: string) =>
  send(h.port, `/Prod${path}`, { api: "authrest", headers: token === undefined ? {} : { authorization: token } });
const http = (path: string, token?: string) =>
  send(h.port, path, { api: "authhttp", headers: token === undefined ? {} : { authorization: token } });

describe("REST TOKEN authorizer", () => {
  test("allow: the context arrives stringified with principalId", async () => {
    const res = await rest("/items/1", "allow");
    assert.equal(res.status, 200, res.text);
    const a = res.json().requestContext.authorizer;
    assert.equal(a.principalId, "user-1");
    assert.equal(a.user, "alice");
    assert.equal(a.n, "42");
    assert.equal(a.admin, "true");
    assert.equal(a.eventType, "TOKEN");
    assert.equal(a.methodArn, "arn:aws:execute-api:us-east-1:123456789012:authrest/Prod/GET/items/1");
    assert.equal(typeof a.integrationLatency, "number");
  });

  test("cache: the same token within the TTL does not invoke the authorizer again", async () => {
    const before = h.calls("tokenAuth");
    assert.equal((await rest("/items/2", "allow")).status, 200);
    assert.equal((await rest("/items/3", "allow")).status, 200);
    assert.equal(h.calls("tokenAuth"), before);
    clock.advance(301_000);
    assert.equal((await rest("/items/4", "allow")).status, 200);
    assert.equal(h.calls("tokenAuth"), before + 1);
  });

  test("a cached policy is evaluated again for another method ARN (implicit deny)", async () => {
    assert.equal((await rest("/items/1", "narrow")).status, 200);
    const calls = h.calls("tokenAuth");
    const res = await rest("/items/2", "narrow");
    assert.equal(res.status, 403);
    assert.equal(res.text, '{"Message":"User is not authorized to access this resource"}');
    assert.equal(h.calls("tokenAuth"), calls);
  });

  test("deny: 403 with explicit deny text", async () => {
    const res = await rest("/items/1", "deny");
    assert.equal(res.status, 403);
    assert.equal(res.text, '{"Message":"User is not authorized to access this resource with an explicit deny"}');
    assert.equal(res.headers["x-amzn-errortype"], "AccessDeniedException");
  });

  test('"Unauthorized" from the authorizer, a missing token, or a token failing validation: 401', async () => {
    for (const token of ["unauthorized", undefined, "not-matching-the-expression"]) {
      const res = await rest("/items/1", token);
      assert.equal(res.status, 401, String(token));
      assert.equal(res.text, '{"message":"Unauthorized"}');
      assert.equal(res.headers["x-amzn-errortype"], "UnauthorizedException");
    }
  });

  test("an authorizer error or a malformed answer: 500 with a null message", async () => {
    for (const token of ["error", "bad"]) {
      const res = await rest("/items/1", token);
      assert.equal(res.status, 500, token);
      assert.equal(res.text, '{"message": null}');
      assert.equal(res.headers["x-amzn-errortype"], "AuthorizerConfigurationException");
    }
  });

  test("routes without an authorizer are not affected", async () => {
    assert.equal((await rest("/open")).status, 200);
  });
});

describe("REST REQUEST authorizer", () => {
  test("gets the request fields, decides per request with a TTL of 0", async () => {
    const before = h.calls("requestAuth");
    const ok = await send(h.port, "/Prod/req?q=1", { api: "authrest", headers: { "x-token": "allow" } });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json().requestContext.authorizer.eventType, "REQUEST");
    const again = await send(h.port, "/Prod/req", { api: "authrest", headers: { "x-token": "allow" } });
    assert.equal(again.status, 200);
    assert.equal(h.calls("requestAuth"), before + 2);
    const missing = await send(h.port, "/Prod/req", { api: "authrest" });
    assert.equal(missing.status, 401);
    assert.equal(h.calls("requestAuth"), before + 2);
    const deny = await send(h.port, "/Prod/req", { api: "authrest", headers: { "x-token": "deny" } });
    assert.equal(deny.status, 403);
  });
});

describe("HTTP API Lambda authorizers", () => {
  test("simple answers: context at requestContext.authorizer.lambda", async () => {
    const res = await http("/simple/5", "allow");
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json().requestContext.authorizer, {
      lambda: {
        user: "alice",
        roles: ["a", "b"],
        routeArn: "arn:aws:execute-api:us-east-1:123456789012:authhttp/$default/GET/simple/5",
      },
    });
  });

  test("simple answers: deny 403 Forbidden, missing identity 401, error 500", async () => {
    const deny = await http("/simple/5", "deny");
    assert.equal(deny.status, 403);
    assert.equal(deny.text, '{"message":"Forbidden"}');
    const calls = h.calls("simpleAuth");
    const missing = await http("/simple/5");
    assert.equal(missing.status, 401);
    assert.equal(missing.text, '{"message":"Unauthorized"}');
    assert.equal(h.calls("simpleAuth"), calls);
    const error = await http("/simple/5", "error");
    assert.equal(error.status, 500);
    assert.equal(error.text, '{"message":"Internal Server Error"}');
  });

  test("IAM answers with a cache: allow once, then from the cache; deny 403", async () => {
    const before = h.calls("policyAuth");
    const ok = await http("/policy/1", "allow");
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json().requestContext.authorizer.lambda.user, "alice");
    assert.equal((await http("/policy/2", "allow")).status, 200);
    assert.equal(h.calls("policyAuth"), before + 1);
    const deny = await http("/policy/1", "deny");
    assert.equal(deny.status, 403);
    assert.equal(deny.text, '{"message":"Forbidden"}');
  });

  test("a 1.0 integration sees the REST-style authorizer context", async () => {
    const res = await http("/policy10", "allow");
    assert.equal(res.status, 200, res.text);
    const a = res.json().requestContext.authorizer;
    assert.equal(a.principalId, "user-1");
    assert.equal(a.n, "42");
  });
});
