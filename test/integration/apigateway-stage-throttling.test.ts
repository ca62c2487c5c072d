/**
 * Stage throttling with the AWS CLI, enforced by the gateway in real time: REST MethodSettings
 * (`*\/*` and one method) through update-stage patch operations, HTTP API DefaultRouteSettings and
 * RouteSettings through apigatewayv2 update-stage; 429 Too Many Requests past a bucket's burst.
 * Rates are tiny (one token per 1,000 s) so that no refill lands between two requests however
 * loaded the machine is.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { apigateway, awsCli, gatewayCall, rootOf, startApigwStack, type ApigwStack } from "../helpers/apigw-stack.js";

const TOO_MANY = '{"message":"Too Many Requests"}';

describe("stage throttling (AWS CLI, gateway)", () => {
  let s: ApigwStack;

  before(async () => {
    s = await startApigwStack("exports.x = async () => ({ statusCode: 200, body: 'ok' });", ["x"]);
  });

  after(async () => {
    await s?.close();
  });

  async function mockMethod(apiId: string, resourceId: string): Promise<void> {
    const k = ["--rest-api-id", apiId, "--resource-id", resourceId, "--http-method", "GET"];
    await apigateway(s, "put-method", ...k, "--authorization-type", "NONE");
    await apigateway(
      s,
      "put-integration",
      ...k,
      "--type",
      "MOCK",
      "--request-templates",
      '{"application/json":"{\\"statusCode\\": 200}"}',
    );
    await apigateway(s, "put-method-response", ...k, "--status-code", "200");
    await apigateway(
      s,
      "put-integration-response",
      ...k,
      "--status-code",
      "200",
      "--response-templates",
      '{"application/json":"ok"}',
    );
  }

  const statuses = async (n: number, call: () => Promise<{ status: number; body: string }>) => {
    const out: number[] = [];
    let body = "";
    for (let i = 0; i < n; i++) {
      const r = await call();
      out.push(r.status);
      if (r.status === 429) body = r.body;
    }
    return { out, body };
  };

  it("REST: */* and per-method MethodSettings answer 429 past their burst; get-stage shows them", async () => {
    const api = await apigateway<{ id: string }>(s, "create-rest-api", "--name", "throttled");
    const root = await rootOf(s, api.id);
    await mockMethod(api.id, root);
    const limited = await apigateway<{ id: string }>(
      s,
      "create-resource",
      "--rest-api-id",
      api.id,
      "--parent-id",
      root,
      "--path-part",
      "limited",
    );
    await mockMethod(api.id, limited.id);
    await apigateway(s, "create-deployment", "--rest-api-id", api.id, "--stage-name", "prod");
    const stage = await apigateway<{ methodSettings: Record<string, Record<string, unknown>> }>(
      s,
      "update-stage",
      "--rest-api-id",
      api.id,
      "--stage-name",
      "prod",
      "--patch-operations",
      "op=replace,path=/*/*/throttling/burstLimit,value=2",
      "op=replace,path=/*/*/throttling/rateLimit,value=0.001",
      "op=replace,path=/~1limited/GET/throttling/burstLimit,value=1",
      "op=replace,path=/~1limited/GET/throttling/rateLimit,value=0.001",
      "op=replace,path=/*/*/metrics/enabled,value=false",
    );
    assert.deepEqual(Object.keys(stage.methodSettings).sort(), ["*/*", "~1limited/GET"]);
    assert.deepEqual(stage.methodSettings["~1limited/GET"], {
      metricsEnabled: false,
      dataTraceEnabled: false,
      throttlingBurstLimit: 1,
      throttlingRateLimit: 0.001,
      cachingEnabled: false,
      cacheTtlInSeconds: 300,
      cacheDataEncrypted: false,
      requireAuthorizationForCacheControl: true,
      unauthorizedCacheControlHeaderStrategy: "SUCCEED_WITH_RESPONSE_HEADER",
    });

    const rootCalls = await statuses(3, () => gatewayCall(s.gatewayPort, api.id, { path: "/prod/" }));
    assert.deepEqual(rootCalls.out, [200, 200, 429]);
    assert.equal(rootCalls.body, TOO_MANY);
    const one = await gatewayCall(s.gatewayPort, api.id, { path: "/prod/limited" });
    assert.equal(one.status, 200, "each method has its own bucket");
    const two = await gatewayCall(s.gatewayPort, api.id, { path: "/prod/limited" });
    assert.equal(two.status, 429);
    assert.equal(two.headers["x-amzn-errortype"], "TooManyRequestsException");

    const bad = await awsCli(s, [
      "apigateway",
      "update-stage",
      "--rest-api-id",
      api.id,
      "--stage-name",
      "prod",
      "--patch-operations",
      "op=replace,path=/*/*/throttling/rateLimit,value=fast",
    ]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /BadRequestException.*Invalid rateLimit value: fast/);
    const caching = await awsCli(s, [
      "apigateway",
      "update-stage",
      "--rest-api-id",
      api.id,
      "--stage-name",
      "prod",
      "--patch-operations",
      "op=replace,path=/*/*/caching/ttlInSeconds,value=60",
    ]);
    assert.match(caching.stderr, /BadRequestException.*caching\/ttlInSeconds: not supported by haneul/);

    const cleared = await apigateway<{ methodSettings: Record<string, unknown> }>(
      s,
      "update-stage",
      "--rest-api-id",
      api.id,
      "--stage-name",
      "prod",
      "--patch-operations",
      "op=remove,path=/*/*",
      "op=remove,path=/~1limited/GET",
    );
    assert.deepEqual(cleared.methodSettings, {});
    const after = await statuses(4, () => gatewayCall(s.gatewayPort, api.id, { path: "/prod/limited" }));
    assert.deepEqual(after.out, [200, 200, 200, 200], "no limits once removed");
  });

  it("HTTP API: DefaultRouteSettings and RouteSettings answer 429; delete-route-settings restores the default", async () => {
    const v2 = async <T>(...args: string[]): Promise<T> => {
      const r = await awsCli(s, ["apigatewayv2", ...args]);
      assert.equal(r.code, 0, r.stderr);
      return (r.stdout.trim() ? JSON.parse(r.stdout) : {}) as T;
    };
    const api = await v2<{ ApiId: string }>(
      "create-api",
      "--name",
      "quick",
      "--protocol-type",
      "HTTP",
      "--target",
      s.functionArn("x"),
    );
    const call = () => gatewayCall(s.gatewayPort, api.ApiId, { path: "/" });
    const stage = await v2<{ DefaultRouteSettings: Record<string, unknown> }>(
      "update-stage",
      "--api-id",
      api.ApiId,
      "--stage-name",
      "$default",
      "--default-route-settings",
      "ThrottlingBurstLimit=1,ThrottlingRateLimit=0.001",
    );
    assert.deepEqual(stage.DefaultRouteSettings, {
      DetailedMetricsEnabled: false,
      ThrottlingBurstLimit: 1,
      ThrottlingRateLimit: 0.001,
    });
    const first = await statuses(2, call);
    assert.deepEqual(first.out, [200, 429]);
    assert.equal(first.body, TOO_MANY);

    const unknown = await awsCli(s, [
      "apigatewayv2",
      "update-stage",
      "--api-id",
      api.ApiId,
      "--stage-name",
      "$default",
      "--route-settings",
      '{"GET /nope":{"ThrottlingBurstLimit":5}}',
    ]);
    assert.match(
      unknown.stderr,
      /BadRequestException.*Unable to find Route by key GET \/nope within the provided RouteSettings/,
    );

    const withRoute = await v2<{ RouteSettings: Record<string, unknown> }>(
      "update-stage",
      "--api-id",
      api.ApiId,
      "--stage-name",
      "$default",
      "--route-settings",
      '{"$default":{"ThrottlingBurstLimit":3,"ThrottlingRateLimit":0.001}}',
    );
    assert.deepEqual(withRoute.RouteSettings, {
      $default: { DetailedMetricsEnabled: false, ThrottlingBurstLimit: 3, ThrottlingRateLimit: 0.001 },
    });
    assert.deepEqual((await statuses(4, call)).out, [200, 200, 200, 429], "the route's own limits win");

    await v2("delete-route-settings", "--api-id", api.ApiId, "--stage-name", "$default", "--route-key", "$default");
    assert.deepEqual((await statuses(2, call)).out, [200, 429], "the stage default again");
    const refused = await awsCli(s, [
      "apigatewayv2",
      "update-stage",
      "--api-id",
      api.ApiId,
      "--stage-name",
      "$default",
      "--default-route-settings",
      "DetailedMetricsEnabled=true",
    ]);
    assert.match(refused.stderr, /BadRequestException/);
  });
});
