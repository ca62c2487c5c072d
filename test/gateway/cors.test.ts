/**
 * CORS: an HTTP API's CorsConfiguration answers preflights without reaching the function (or
 * its authorizer) and puts the configured headers on answers; a REST API's SAM Cors answers
 * OPTIONS on every resource from a mock.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { CorsConfig, DeployedAuthorizer } from "../../src/domain/deployed-api.js";
import { appSpec, httpApi, restApi, route, send, startGateway, type Harness } from "./helpers.js";

const CORS: CorsConfig = {
  allowOrigins: ["https://app.example"],
  allowMethods: ["GET", "POST"],
  allowHeaders: ["content-type", "authorization"],
  exposeHeaders: ["x-total"],
  maxAge: 600,
  allowCredentials: true,
};
const AUTH: DeployedAuthorizer = {
  type: "REQUEST",
  authorizerId: "au1",
  name: "simple",
  functionName: "simpleAuth",
  identitySource: ["$request.header.Authorization"],
  resultTtlSeconds: 0,
  payloadFormatVersion: "2.0",
  enableSimpleResponses: true,
};
const PREFLIGHT = {
  origin: "https://app.example",
  "access-control-request-method": "POST",
  "access-control-request-headers": "content-type",
};

let h: Harness;
before(async () => {
  h = await startGateway(
    [appSpec("corsFn", "gateway-handlers.corsFn"), appSpec("simpleAuth", "gateway-handlers.httpSimpleAuthorizer")],
    [
      httpApi("corshttp", [route("ANY /{proxy+}", "corsFn", { authorizer: AUTH }), route("GET /open", "corsFn")], {
        cors: CORS,
      }),
      restApi(
        "corsrest",
        [route("GET /items", "corsFn"), route("POST /items", "corsFn"), route("ANY /{proxy+}", "corsFn")],
        {
          cors: { ...CORS, allowOrigins: ["*"], allowMethods: [], maxAge: undefined, allowCredentials: false },
        },
      ),
    ],
  );
});
after(() => h.close());

test("HTTP API: a preflight is answered 204 by the gateway, never by the function or its authorizer", async () => {
  const res = await send(h.port, "/anything/at/all", { api: "corshttp", method: "OPTIONS", headers: PREFLIGHT });
  assert.equal(res.status, 204);
  assert.equal(res.headers["access-control-allow-origin"], "https://app.example");
  assert.equal(res.headers["access-control-allow-methods"], "GET,POST");
  assert.equal(res.headers["access-control-allow-headers"], "content-type,authorization");
  assert.equal(res.headers["access-control-max-age"], "600");
  assert.equal(res.headers["access-control-allow-credentials"], "true");
  assert.equal(res.body.length, 0);
  assert.equal(h.calls("corsFn"), 0);
  assert.equal(h.calls("simpleAuth"), 0);
});

test("HTTP API: a preflight from an origin not allowed gets no CORS headers", async () => {
  const res = await send(h.port, "/open", {
    api: "corshttp",
    method: "OPTIONS",
    headers: { ...PREFLIGHT, origin: "https://evil.example" },
  });
  assert.equal(res.status, 204);
  assert.equal(res.headers["access-control-allow-origin"], undefined);
  assert.equal(h.calls("corsFn"), 0);
});

test("HTTP API: answers carry the configured headers instead of the function's", async () => {
  const res = await send(h.port, "/open", { api: "corshttp", headers: { origin: "https://app.example" } });
  assert.equal(res.status, 200);
  assert.equal(res.headers["access-control-allow-origin"], "https://app.example");
  assert.equal(res.headers["access-control-allow-credentials"], "true");
  assert.equal(res.headers["access-control-expose-headers"], "x-total");
  const other = await send(h.port, "/open", { api: "corshttp", headers: { origin: "https://evil.example" } });
  assert.equal(other.headers["access-control-allow-origin"], undefined);
  assert.equal(h.calls("corsFn"), 2);
});

test("HTTP API: OPTIONS that is not a preflight is routed like any method", async () => {
  const before = h.calls("corsFn");
  const res = await send(h.port, "/x", { api: "corshttp", method: "OPTIONS", headers: { authorization: "allow" } });
  assert.equal(res.status, 200);
  assert.equal(h.calls("corsFn"), before + 1);
});

test("REST API: SAM's OPTIONS mock answers on every resource without the function", async () => {
  const before = h.calls("corsFn");
  const items = await send(h.port, "/Prod/items", { api: "corsrest", method: "OPTIONS", headers: PREFLIGHT });
  assert.equal(items.status, 200);
  assert.equal(items.headers["access-control-allow-origin"], "*");
  assert.equal(items.headers["access-control-allow-methods"], "GET,OPTIONS,POST");
  assert.equal(items.headers["access-control-allow-headers"], "content-type,authorization");
  const proxy = await send(h.port, "/Prod/a/b", { api: "corsrest", method: "OPTIONS" });
  assert.equal(proxy.status, 200);
  assert.equal(proxy.headers["access-control-allow-methods"], "DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT");
  assert.equal(h.calls("corsFn"), before);
  const get = await send(h.port, "/Prod/items", { api: "corsrest", headers: { origin: "https://app.example" } });
  // REST leaves CORS on answers to the function (SAM's documented behaviour).
  assert.equal(get.headers["access-control-allow-origin"], "https://evil.example");
});
