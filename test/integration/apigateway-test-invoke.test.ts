/**
 * TestInvokeMethod and TestInvokeAuthorizer with the real AWS CLI v2 and SDK v3: MOCK, AWS (Lambda
 * custom), AWS_PROXY, HTTP and HTTP_PROXY integrations run for a simulated request without
 * deploying, with their mapping templates and parameters, request validation, the execution log;
 * methods behind an authorizer run without it; authorizers run past their cache.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { APIGatewayClient, TestInvokeAuthorizerCommand, TestInvokeMethodCommand } from "@aws-sdk/client-api-gateway";
import {
  apigateway,
  awsCli,
  REGION,
  rootOf,
  startApigwStack,
  startUpstream,
  type ApigwStack,
  type Upstream,
} from "../helpers/apigw-stack.js";

const HANDLERS = `
exports.greet = async (event) => {
  if (event.name === "missing") throw new Error("Not Found: " + event.name);
  return { greeting: "hello " + event.name, stage: event.stage };
};
exports.proxy = async (event) => ({
  statusCode: 201,
  headers: { "x-from": "proxy" },
  multiValueHeaders: { "set-cookie": ["a=1", "b=2"] },
  body: JSON.stringify({
    path: event.path, resource: event.resource, stage: event.requestContext.stage,
    sourceIp: event.requestContext.identity.sourceIp, params: event.pathParameters,
    query: event.queryStringParameters, vars: event.stageVariables, header: event.headers["X-Test"],
    body: event.body,
  }),
});
exports.auth = async (event) => {
  const token = event.authorizationToken ?? event.headers?.["X-Token"];
  if (token === "deny") throw new Error("Unauthorized");
  if (token === "broken") return { nonsense: true };
  return {
    principalId: "user-" + Math.random().toString(36).slice(2),
    policyDocument: { Version: "2012-10-17", Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: event.methodArn }] },
    context: { token },
  };
};
`;

interface TestInvokeAnswer {
  status: number;
  body: string;
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
  log: string;
  latency: number;
}

const p = (...parts: string[]) => parts;

describe("test-invoke-method and test-invoke-authorizer (AWS CLI v2, SDK v3)", () => {
  let s: ApigwStack;
  let upstream: Upstream;
  let sdk: APIGatewayClient;
  let apiId: string;
  let rootId: string;
  const lambdaUri = (name: string) =>
    `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${s.functionArn(name)}/invocations`;

  before(async () => {
    s = await startApigwStack(HANDLERS, ["greet", "proxy", "auth"]);
    upstream = await startUpstream();
    sdk = new APIGatewayClient({ region: REGION, endpoint: s.apiUrl, credentials: s.credentials, maxAttempts: 1 });
    apiId = (await apigateway<{ id: string }>(s, "create-rest-api", "--name", "tested")).id;
    rootId = await rootOf(s, apiId);
  });

  after(async () => {
    sdk?.destroy();
    await s?.close();
    await new Promise((r) => upstream?.server.close(r));
  });

  async function resource(pathPart: string, parentId = rootId): Promise<string> {
    const r = await apigateway<{ id: string }>(
      s,
      ...p("create-resource", "--rest-api-id", apiId, "--parent-id", parentId, "--path-part", pathPart),
    );
    return r.id;
  }

  const ids = (resourceId: string, method: string) =>
    p("--rest-api-id", apiId, "--resource-id", resourceId, "--http-method", method);

  async function method(resourceId: string, httpMethod: string, auth: string[] = ["--authorization-type", "NONE"]) {
    await apigateway(s, "put-method", ...ids(resourceId, httpMethod), ...auth);
  }

  const testInvoke = (resourceId: string, httpMethod: string, ...more: string[]) =>
    apigateway<TestInvokeAnswer>(s, "test-invoke-method", ...ids(resourceId, httpMethod), ...more);

  it("a MOCK method answers with its integration response, and the log tells each step", async () => {
    const id = await resource("mock");
    await method(id, "GET");
    await apigateway(
      s,
      "put-integration",
      ...ids(id, "GET"),
      ...p("--type", "MOCK", "--request-templates", '{"application/json":"{\\"statusCode\\": 202}"}'),
    );
    await apigateway(
      s,
      "put-method-response",
      ...ids(id, "GET"),
      ...p("--status-code", "202", "--response-parameters", '{"method.response.header.X-Mock":false}'),
    );
    await apigateway(
      s,
      "put-integration-response",
      ...ids(id, "GET"),
      ...p("--status-code", "202", "--selection-pattern", "202"),
      ...p("--response-parameters", JSON.stringify({ "method.response.header.X-Mock": "'yes'" })),
      ...p("--response-templates", JSON.stringify({ "application/json": '{"q": "$input.params(\'q\')"}' })),
    );
    const r = await testInvoke(id, "GET", "--path-with-query-string", "/mock?q=hi");
    assert.equal(r.status, 202);
    assert.equal(r.body, '{"q": "hi"}');
    assert.equal(r.headers["X-Mock"], "yes");
    assert.deepEqual(r.multiValueHeaders["X-Mock"], ["yes"]);
    assert.equal(typeof r.latency, "number");
    const lines = r.log.split("\n");
    assert.match(lines[0] ?? "", /^Execution log for request [0-9a-f-]{36}$/);
    // Each step stamped as API Gateway stamps them (Java's Date.toString()).
    assert.match(lines[1] ?? "", /^\w{3} \w{3} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4} : Starting execution for request: /);
    assert.match(r.log, /: HTTP Method: GET, Resource Path: \/mock\n/);
    assert.match(r.log, /: Method request query string: \{q=hi\}\n/);
    assert.match(r.log, /: Method response body after transformations: \{"q": "hi"\}\n/);
    assert.match(r.log, /: Method completed with status: 202\n$/);
  });

  it("an AWS integration (Lambda custom) runs its request and response templates, and its error selection", async () => {
    const id = await resource("greet");
    const named = await resource("{name}", id);
    await method(named, "POST");
    const template = '{"name": "$input.params(\'name\')", "stage": "$context.stage"}';
    await apigateway(
      s,
      "put-integration",
      ...ids(named, "POST"),
      ...p("--type", "AWS", "--integration-http-method", "POST", "--uri", lambdaUri("greet")),
      ...p("--request-templates", JSON.stringify({ "application/json": template })),
    );
    for (const status of ["200", "404"]) {
      await apigateway(s, "put-method-response", ...ids(named, "POST"), "--status-code", status);
    }
    await apigateway(
      s,
      "put-integration-response",
      ...ids(named, "POST"),
      ...p("--status-code", "200", "--response-templates", '{"application/json":"$input.json(\'$.greeting\')"}'),
    );
    await apigateway(
      s,
      "put-integration-response",
      ...ids(named, "POST"),
      ...p("--status-code", "404", "--selection-pattern", "Not Found.*"),
    );
    const ok = await testInvoke(named, "POST", "--path-with-query-string", "/greet/ana", "--body", "{}");
    assert.equal(ok.status, 200, ok.log);
    assert.equal(ok.body, '"hello ana"');
    assert.match(ok.log, /: Method request path: \{name=ana\}\n/);
    assert.match(
      ok.log,
      /: Endpoint request body after transformations: \{"name": "ana", "stage": "test-invoke-stage"\}\n/,
    );
    assert.match(
      ok.log,
      /: Endpoint request URI: https:\/\/lambda\.us-east-1\.amazonaws\.com\/2015-03-31\/functions\//,
    );
    assert.match(
      ok.log,
      /: Endpoint response body before transformations: \{"greeting":"hello ana","stage":"test-invoke-stage"\}\n/,
    );
    assert.match(ok.log, /: Successfully completed execution\n/);

    const missing = await testInvoke(named, "POST", "--path-with-query-string", "/greet/missing");
    assert.equal(missing.status, 404, missing.log);
  });

  it("an AWS_PROXY method behind an authorizer runs without it, with the simulated request (SDK v3)", async () => {
    const auth = await apigateway<{ id: string }>(
      s,
      ...p("create-authorizer", "--rest-api-id", apiId, "--name", "tok", "--type", "TOKEN"),
      ...p("--identity-source", "method.request.header.Authorization", "--authorizer-uri", lambdaUri("auth")),
    );
    const id = await resource("items");
    const item = await resource("{id}", id);
    await method(item, "PUT", ["--authorization-type", "CUSTOM", "--authorizer-id", auth.id]);
    await apigateway(
      s,
      "put-integration",
      ...ids(item, "PUT"),
      ...p("--type", "AWS_PROXY", "--integration-http-method", "POST", "--uri", lambdaUri("proxy")),
    );
    const r = await sdk.send(
      new TestInvokeMethodCommand({
        restApiId: apiId,
        resourceId: item,
        httpMethod: "PUT",
        pathWithQueryString: "/items/42?color=red",
        body: '{"n":1}',
        headers: { "X-Test": "t1" },
        stageVariables: { env: "test" },
      }),
    );
    assert.equal(r.status, 201, r.log ?? "");
    assert.equal(r.headers?.["x-from"], "proxy");
    assert.deepEqual(r.multiValueHeaders?.["set-cookie"], ["a=1", "b=2"]);
    assert.deepEqual(JSON.parse(r.body ?? ""), {
      path: "/items/42",
      resource: "/items/{id}",
      stage: "test-invoke-stage",
      sourceIp: "test-invoke-source-ip",
      params: { id: "42" },
      query: { color: "red" },
      vars: { env: "test" },
      header: "t1",
      body: '{"n":1}',
    });
    assert.match(r.log ?? "", /: Method request headers: \{X-Test=t1\}\n/);
    assert.match(r.log ?? "", /: Received response\. Status: 200, Integration latency: \d+ ms\n/);
  });

  it("HTTP and HTTP_PROXY integrations call the upstream, request parameters and stage variables applied", async () => {
    const id = await resource("up");
    await method(id, "GET");
    await apigateway(
      s,
      "put-integration",
      ...ids(id, "GET"),
      ...p("--type", "HTTP", "--integration-http-method", "GET"),
      ...p("--uri", `http://127.0.0.1:${upstream.port}/\${stageVariables.base}/echo`),
      ...p(
        "--request-parameters",
        JSON.stringify({ "integration.request.header.X-Mapped": "method.request.querystring.v" }),
      ),
    );
    await apigateway(
      s,
      "put-method-response",
      ...ids(id, "GET"),
      ...p("--status-code", "200", "--response-parameters", '{"method.response.header.X-Up":false}'),
    );
    await apigateway(
      s,
      "put-integration-response",
      ...ids(id, "GET"),
      ...p("--status-code", "200", "--response-templates", '{"application/json":"$input.json(\'$.url\')"}'),
      ...p(
        "--response-parameters",
        JSON.stringify({ "method.response.header.X-Up": "integration.response.header.x-upstream" }),
      ),
    );
    const r = await testInvoke(id, "GET", "--path-with-query-string", "/up?v=7", "--stage-variables", "base=v1");
    assert.equal(r.status, 200, r.log);
    assert.equal(r.body, '"/v1/echo"');
    assert.equal(r.headers["X-Up"], "yes");
    assert.match(r.log, new RegExp(`: Endpoint request URI: http://127\\.0\\.0\\.1:${upstream.port}/v1/echo\\n`));
    assert.match(r.log, /: Endpoint request headers: \{[^}]*X-Mapped=7/);
    assert.match(r.log, /: Endpoint response headers: \{[^}]*x-upstream=yes/);

    const proxied = await resource("proxied");
    await method(proxied, "POST");
    await apigateway(
      s,
      "put-integration",
      ...ids(proxied, "POST"),
      ...p("--type", "HTTP_PROXY", "--integration-http-method", "ANY"),
      ...p("--uri", `http://127.0.0.1:${upstream.port}/broken`),
    );
    const b = await testInvoke(proxied, "POST", "--body", "payload", "--headers", "X-Hop=1");
    assert.equal(b.status, 503, b.log);
    const echoed = JSON.parse(b.body) as { method: string; body: string; headers: Record<string, string> };
    assert.equal(echoed.method, "POST");
    assert.equal(echoed.body, "payload");
    assert.equal(echoed.headers["x-hop"], "1");
  });

  it("request validation, a method without an integration, and unknown ids answer as API Gateway does", async () => {
    const id = await resource("checked");
    const validator = await apigateway<{ id: string }>(
      s,
      ...p("create-request-validator", "--rest-api-id", apiId, "--name", "params"),
      "--validate-request-parameters",
    );
    await apigateway(
      s,
      "put-method",
      ...ids(id, "GET"),
      ...p("--authorization-type", "NONE", "--request-validator-id", validator.id),
      ...p("--request-parameters", '{"method.request.querystring.need":true}'),
    );
    await apigateway(
      s,
      "put-integration",
      ...ids(id, "GET"),
      ...p("--type", "MOCK", "--request-templates", '{"application/json":"{\\"statusCode\\": 200}"}'),
    );
    await apigateway(s, "put-method-response", ...ids(id, "GET"), "--status-code", "200");
    await apigateway(s, "put-integration-response", ...ids(id, "GET"), "--status-code", "200");
    const refused = await testInvoke(id, "GET");
    assert.equal(refused.status, 400);
    assert.match(refused.body, /Missing required request parameters: \[need\]/);
    assert.equal((await testInvoke(id, "GET", "--path-with-query-string", "/checked?need=1")).status, 200);

    const bare = await resource("bare");
    await method(bare, "GET");
    const none = await testInvoke(bare, "GET");
    assert.equal(none.status, 500);
    assert.match(none.log, /No integration defined for method/);

    const unknown = await awsCli(s, ["apigateway", "test-invoke-method", ...ids(bare, "DELETE")]);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /NotFoundException.*Invalid Method identifier specified/);
  });

  it("test-invoke-authorizer runs a TOKEN authorizer past its cache, and reports denials and failures", async () => {
    const auth = await apigateway<{ id: string }>(
      s,
      ...p("create-authorizer", "--rest-api-id", apiId, "--name", "cached", "--type", "TOKEN"),
      ...p("--identity-source", "method.request.header.Authorization", "--authorizer-uri", lambdaUri("auth")),
      ...p("--authorizer-result-ttl-in-seconds", "300"),
    );
    const run = (token: string) =>
      apigateway<{ clientStatus: number; principalId?: string; policy?: string; log: string; latency: number }>(
        s,
        ...p("test-invoke-authorizer", "--rest-api-id", apiId, "--authorizer-id", auth.id),
        ...p("--headers", `Authorization=${token}`),
      );
    const first = await run("allow-me");
    assert.equal(first.clientStatus, 200, first.log);
    assert.match(first.principalId ?? "", /^user-/);
    const policy = JSON.parse(first.policy ?? "{}") as { Statement: { Effect: string; Resource: string }[] };
    assert.equal(policy.Statement[0]?.Effect, "Allow");
    assert.match(policy.Statement[0]?.Resource ?? "", new RegExp(`:${apiId}/ESTestInvoke-stage/GET/$`));
    assert.match(first.log, /: Incoming identity: \*{4}w-me\n/);
    assert.match(first.log, /: Authorizer result body before parsing: \{"principalId":"user-/);
    // The same token again: the function runs again (a new principal), as nothing is cached.
    const second = await run("allow-me");
    assert.notEqual(second.principalId, first.principalId);

    assert.equal((await run("deny")).clientStatus, 401);
    const broken = await run("broken");
    assert.equal(broken.clientStatus, 500);
    assert.match(broken.log, /Authorizer error/);

    const missing = await sdk.send(new TestInvokeAuthorizerCommand({ restApiId: apiId, authorizerId: auth.id }));
    assert.equal(missing.clientStatus, 401);

    const unknown = await awsCli(s, [
      "apigateway",
      "test-invoke-authorizer",
      "--rest-api-id",
      apiId,
      "--authorizer-id",
      "nope00",
    ]);
    assert.match(unknown.stderr, /NotFoundException.*Invalid Authorizer identifier specified/);
  });

  it("test-invoke-authorizer runs a REQUEST authorizer with its identity sources (SDK v3)", async () => {
    const auth = await apigateway<{ id: string }>(
      s,
      ...p("create-authorizer", "--rest-api-id", apiId, "--name", "req", "--type", "REQUEST"),
      ...p("--identity-source", "method.request.header.X-Token", "--authorizer-uri", lambdaUri("auth")),
    );
    const r = await sdk.send(
      new TestInvokeAuthorizerCommand({ restApiId: apiId, authorizerId: auth.id, headers: { "X-Token": "ok" } }),
    );
    assert.equal(r.clientStatus, 200, r.log ?? "");
    assert.match(r.principalId ?? "", /^user-/);
    const denied = await sdk.send(
      new TestInvokeAuthorizerCommand({ restApiId: apiId, authorizerId: auth.id, headers: { "X-Token": "deny" } }),
    );
    assert.equal(denied.clientStatus, 401);
  });
});
