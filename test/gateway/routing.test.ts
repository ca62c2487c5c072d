/**
 * Routing through real HTTP: API Gateway's precedence, trailing slashes, encoded segments, ANY,
 * `$default`, stages and both address forms, the errors for what does not match, request ids,
 * the trace header and one access-log record per request.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { DeployedApi } from "../../src/domain/deployed-api.js";
import { apiUrls } from "../../src/gateway/gateway.js";
import { appSpec, httpApi, type AnyJson, restApi, route, send, startGateway, type Harness } from "./helpers.js";

const ECHO = "echo";

const httpRoutes = httpApi("httpapi", [
  route("GET /pets/dog/1", ECHO),
  route("GET /pets/dog/{id}", ECHO),
  route("GET /pets/{proxy+}", ECHO),
  route("POST /pets", ECHO),
  route("$default", ECHO),
]);
const noDefault = httpApi("nodefault", [route("GET /only", ECHO)]);
const staged: DeployedApi = {
  ...httpApi("staged", []),
  stages: [
    {
      stageName: "$default",
      variables: { tier: "default" },
      deployment: { deploymentId: "d1", routes: [route("ANY /{proxy+}", ECHO)] },
    },
    {
      stageName: "dev",
      variables: { tier: "dev" },
      deployment: { deploymentId: "d2", routes: [route("ANY /{proxy+}", ECHO)] },
    },
  ],
};
const rest = restApi("restapi", [
  route("GET /items", ECHO),
  route("GET /items/{id}", ECHO),
  route("ANY /things", ECHO),
  route("GET /things", ECHO),
]);
const restVars = restApi("restvars", [route("GET /", ECHO)], {
  stage: "v1",
  variables: { color: "blue" },
  deploymentId: "dep-7",
});

let h: Harness;
before(async () => {
  h = await startGateway([appSpec(ECHO, "gateway-handlers.echo")], [httpRoutes, noDefault, staged, rest, restVars]);
});
after(() => h.close());

async function routeKeyOf(
  path: string,
  method = "GET",
  api = "httpapi",
): Promise<{ routeKey: string; event: AnyJson }> {
  const res = await send(h.port, path, { api, method });
  assert.equal(res.status, 200, `${method} ${path}: ${res.text}`);
  const event = res.json();
  return { routeKey: event.routeKey, event };
}

test("HTTP API: full match, then parameters, then greedy, then $default", async () => {
  assert.equal((await routeKeyOf("/pets/dog/1")).routeKey, "GET /pets/dog/1");
  const byId = await routeKeyOf("/pets/dog/2");
  assert.equal(byId.routeKey, "GET /pets/dog/{id}");
  assert.deepEqual(byId.event.pathParameters, { id: "2" });
  const greedy = await routeKeyOf("/pets/cat/1");
  assert.equal(greedy.routeKey, "GET /pets/{proxy+}");
  assert.deepEqual(greedy.event.pathParameters, { proxy: "cat/1" });
  assert.equal((await routeKeyOf("/pets/x", "POST")).routeKey, "$default");
  assert.equal((await routeKeyOf("/pets", "POST")).routeKey, "POST /pets");
  const root = await routeKeyOf("/");
  assert.equal(root.routeKey, "$default");
  assert.equal(root.event.pathParameters, undefined);
});

test("HTTP API: trailing slash and encoded segments", async () => {
  const slash = await routeKeyOf("/pets/dog/1/");
  assert.equal(slash.routeKey, "GET /pets/dog/1");
  assert.equal(slash.event.rawPath, "/pets/dog/1/");
  const encoded = await routeKeyOf("/pets/dog/a%20b%2Fc");
  assert.equal(encoded.routeKey, "GET /pets/dog/{id}");
  assert.deepEqual(encoded.event.pathParameters, { id: "a b/c" });
  assert.equal(encoded.event.rawPath, "/pets/dog/a%20b%2Fc");
});

test("HTTP API: no route is 404 Not Found; an unknown API is 403 Forbidden", async () => {
  const res = await send(h.port, "/nope", { api: "nodefault" });
  assert.equal(res.status, 404);
  assert.equal(res.text, '{"message":"Not Found"}');
  assert.ok(res.headers["apigw-requestid"]);
  const unknown = await send(h.port, "/x", { api: "doesnotexist" });
  assert.equal(unknown.status, 403);
  assert.equal(unknown.text, '{"message":"Forbidden"}');
  const noHost = await send(h.port, "/x");
  assert.equal(noHost.status, 403);
});

test("HTTP API stages: $default at the root, named stages as the first segment", async () => {
  const root = (await routeKeyOf("/a/b", "GET", "staged")).event;
  assert.equal(root.requestContext.stage, "$default");
  assert.deepEqual(root.stageVariables, { tier: "default" });
  assert.equal(root.rawPath, "/a/b");
  const dev = (await routeKeyOf("/dev/a/b", "GET", "staged")).event;
  assert.equal(dev.requestContext.stage, "dev");
  assert.deepEqual(dev.stageVariables, { tier: "dev" });
  assert.deepEqual(dev.pathParameters, { proxy: "a/b" });
  assert.equal(dev.rawPath, "/dev/a/b");
  const pathForm = await send(h.port, "/_api/staged/$default/a/b");
  assert.equal(pathForm.json().requestContext.stage, "$default");
  const pathDev = await send(h.port, "/_api/staged/dev/a");
  assert.equal(pathDev.json().requestContext.stage, "dev");
});

test("REST API: exact method over ANY, resource fields, stage in requestContext.path", async () => {
  const get = (await routeKeyOf("/Prod/things", "GET", "restapi")).event;
  assert.equal(get.resource, "/things");
  assert.equal(get.httpMethod, "GET");
  const post = await send(h.port, "/Prod/things", { api: "restapi", method: "POST" });
  assert.equal(post.json().resource, "/things");
  assert.equal(post.json().requestContext.httpMethod, "POST");
  const item = (await routeKeyOf("/Prod/items/42/", "GET", "restapi")).event;
  assert.equal(item.resource, "/items/{id}");
  assert.equal(item.path, "/items/42/");
  assert.deepEqual(item.pathParameters, { id: "42" });
  assert.equal(item.requestContext.path, "/Prod/items/42/");
  assert.equal(item.requestContext.resourcePath, "/items/{id}");
  assert.equal(item.requestContext.stage, "Prod");
  assert.equal(item.stageVariables, null);
  assert.equal(item.queryStringParameters, null);
  assert.match(item.requestContext.requestTime, /^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
});

test("REST API: missing route is 403 Missing Authentication Token; unknown stage is 403 Forbidden", async () => {
  const missing = await send(h.port, "/Prod/nothing/here", { api: "restapi" });
  assert.equal(missing.status, 403);
  assert.equal(missing.text, '{"message":"Missing Authentication Token"}');
  assert.equal(missing.headers["x-amzn-errortype"], "MissingAuthenticationTokenException");
  assert.ok(missing.headers["x-amzn-requestid"]);
  const head = await send(h.port, "/Prod/items", { api: "restapi", method: "HEAD" });
  assert.equal(head.status, 403);
  const stage = await send(h.port, "/Dev/items", { api: "restapi" });
  assert.equal(stage.status, 403);
  assert.equal(stage.text, '{"message":"Forbidden"}');
});

test("REST API: stage variables and deployment id", async () => {
  const e = (await routeKeyOf("/v1/", "GET", "restvars")).event;
  assert.deepEqual(e.stageVariables, { color: "blue" });
  assert.equal(e.requestContext.deploymentId, "dep-7");
  assert.equal(e.resource, "/");
});

test("trace header: one root per request, kept from the caller when valid, handed to the function", async () => {
  const res = await send(h.port, "/Prod/items", { api: "restapi" });
  const root = String(res.headers["x-amzn-trace-id"]);
  assert.match(root, /^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
  assert.ok(res.json().headers["X-Amzn-Trace-Id"].startsWith(`${root};Parent=`));
  const mine = "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1";
  const kept = await send(h.port, "/Prod/items", { api: "restapi", headers: { "x-amzn-trace-id": mine } });
  assert.equal(kept.headers["x-amzn-trace-id"], "Root=1-5759e988-bd862e3fe1be46a994272793");
});

test("one access-log record per request, errors included", async () => {
  const before = h.logs.length;
  const ok = await send(h.port, "/Prod/items/9", { api: "restapi" });
  await send(h.port, "/Prod/zzz", { api: "restapi" });
  assert.equal(h.logs.length, before + 2);
  const [a, b] = h.logs.slice(before);
  assert.equal(a?.requestId, ok.headers["x-amzn-requestid"]);
  assert.equal(a?.apiId, "restapi");
  assert.equal(a?.stage, "Prod");
  assert.equal(a?.routeKey, "GET /items/{id}");
  assert.equal(a?.status, 200);
  assert.equal(a?.functionName, ECHO);
  assert.equal(a?.executedVersion, "$LATEST");
  assert.ok((a?.latencyMs ?? -1) >= 0);
  assert.equal(b?.status, 403);
  assert.equal(b?.routeKey, undefined);
});

test("apiUrls gives the host-based and path-based URL of a stage", async () => {
  assert.deepEqual(apiUrls("abc", "$default", 3000), {
    hostBased: "http://abc.execute-api.localhost:3000/",
    pathBased: "http://127.0.0.1:3000/_api/abc/$default/",
  });
  assert.deepEqual(apiUrls("abc", "Prod", 3000), {
    hostBased: "http://abc.execute-api.localhost:3000/Prod/",
    pathBased: "http://127.0.0.1:3000/_api/abc/Prod/",
  });
  const viaPath = await send(h.port, new URL(apiUrls("restapi", "Prod", h.port).pathBased).pathname + "items");
  assert.equal(viaPath.status, 200);
  assert.equal(viaPath.json().requestContext.path, "/Prod/items");
});
