/**
 * REST non-proxy integrations and HTTP proxies, configured with the real AWS CLI v2 and served by
 * the gateway: the MOCK OPTIONS method SAM's Cors makes, a Lambda custom integration with request
 * and response templates and a selection pattern on the error message, an HTTP integration and
 * HTTP_PROXY integrations (REST, with a stage variable in the URI, and an HTTP API) to a real local
 * upstream, the passthrough behaviours, and AWS's errors for bad method and integration responses.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  apigateway,
  awsCli,
  gatewayCall,
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
  return { greeting: "hello " + event.name, stage: event.stage, color: event.color, sent: event.body };
};
`;

const p = (...parts: string[]) => parts;

describe("REST non-proxy integrations and HTTP proxies through the AWS CLI v2", () => {
  let s: ApigwStack;
  let upstream: Upstream;
  let apiId: string;
  let rootId: string;

  before(async () => {
    s = await startApigwStack(HANDLERS, ["greet"]);
    upstream = await startUpstream();
    apiId = (await apigateway<{ id: string }>(s, "create-rest-api", "--name", "custom")).id;
    rootId = await rootOf(s, apiId);
  });

  after(async () => {
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

  async function deploy(variables?: string): Promise<void> {
    await apigateway(
      s,
      ...p("create-deployment", "--rest-api-id", apiId, "--stage-name", "prod"),
      ...(variables ? ["--variables", variables] : []),
    );
  }

  it("a MOCK OPTIONS method answers the CORS preflight with its integration response headers", async () => {
    const id = await resource("cors");
    await apigateway(s, "put-method", ...ids(id, "OPTIONS"), "--authorization-type", "NONE");
    await apigateway(
      s,
      "put-integration",
      ...ids(id, "OPTIONS"),
      ...p("--type", "MOCK", "--request-templates", '{"application/json":"{\\"statusCode\\": 200}"}'),
    );
    const headers = ["Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers"];
    const declared = Object.fromEntries(headers.map((h) => [`method.response.header.${h}`, false]));
    const mr = await apigateway(
      s,
      "put-method-response",
      ...ids(id, "OPTIONS"),
      ...p("--status-code", "200", "--response-parameters", JSON.stringify(declared)),
    );
    assert.deepEqual(mr, { statusCode: "200", responseParameters: declared });
    const values = {
      "method.response.header.Access-Control-Allow-Origin": "'https://app.example'",
      "method.response.header.Access-Control-Allow-Methods": "'GET,OPTIONS'",
      "method.response.header.Access-Control-Allow-Headers": "'Content-Type,Authorization'",
    };
    const ir = await apigateway(
      s,
      "put-integration-response",
      ...ids(id, "OPTIONS"),
      ...p("--status-code", "200", "--response-parameters", JSON.stringify(values)),
      ...p("--response-templates", '{"application/json":""}'),
    );
    assert.deepEqual(ir, {
      statusCode: "200",
      responseParameters: values,
      responseTemplates: { "application/json": "" },
    });
    const method = await apigateway<{ methodResponses: object; methodIntegration: { integrationResponses: object } }>(
      s,
      "get-method",
      ...ids(id, "OPTIONS"),
    );
    assert.deepEqual(Object.keys(method.methodResponses), ["200"]);
    assert.deepEqual(Object.keys(method.methodIntegration.integrationResponses), ["200"]);
    await deploy();

    const res = await gatewayCall(s.gatewayPort, apiId, {
      method: "OPTIONS",
      path: "/prod/cors",
      headers: { origin: "https://app.example", "access-control-request-method": "GET" },
    });
    assert.equal(res.status, 200, res.body);
    assert.equal(res.headers["access-control-allow-origin"], "https://app.example");
    assert.equal(res.headers["access-control-allow-methods"], "GET,OPTIONS");
    assert.equal(res.headers["access-control-allow-headers"], "Content-Type,Authorization");
    assert.equal(res.body, "");
  });

  it("a Lambda custom integration maps the request and the response, and selects 404 on the error message", async () => {
    const id = await resource("greet");
    await apigateway(s, "put-method", ...ids(id, "POST"), "--authorization-type", "NONE");
    const uri = `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${s.functionArn("greet")}/invocations`;
    const requestTemplate =
      '{"name": "$input.params(\'name\')", "stage": "$context.stage", "color": "$stageVariables.color", "body": $input.json(\'$\')}';
    await apigateway(
      s,
      "put-integration",
      ...ids(id, "POST"),
      ...p("--type", "AWS", "--integration-http-method", "POST", "--uri", uri),
      ...p("--request-templates", JSON.stringify({ "application/json": requestTemplate })),
    );
    for (const code of ["200", "404"]) {
      await apigateway(s, "put-method-response", ...ids(id, "POST"), "--status-code", code);
    }
    const ok =
      '#set($r = $input.path(\'$\')){"message": "$r.greeting", "stage": "$r.stage", "color": "$r.color", "sent": $input.json(\'$.sent\'), "quoted": "$util.escapeJavaScript($r.greeting)"}';
    await apigateway(
      s,
      "put-integration-response",
      ...ids(id, "POST"),
      ...p("--status-code", "200", "--response-templates", JSON.stringify({ "application/json": ok })),
    );
    await apigateway(
      s,
      "put-integration-response",
      ...ids(id, "POST"),
      ...p("--status-code", "404", "--selection-pattern", "Not Found.*"),
      ...p(
        "--response-templates",
        JSON.stringify({ "application/json": '{"error": "$input.path(\'$.errorMessage\')"}' }),
      ),
    );
    await deploy("color=blue");

    const res = await gatewayCall(s.gatewayPort, apiId, {
      method: "POST",
      path: "/prod/greet?name=ana",
      headers: { "content-type": "application/json" },
      body: '{"a": [1, 2]}',
    });
    assert.equal(res.status, 200, res.body);
    assert.equal(res.headers["content-type"], "application/json");
    assert.deepEqual(JSON.parse(res.body), {
      message: "hello ana",
      stage: "prod",
      color: "blue",
      sent: { a: [1, 2] },
      quoted: "hello ana",
    });
    const missing = await gatewayCall(s.gatewayPort, apiId, { method: "POST", path: "/prod/greet?name=missing" });
    assert.equal(missing.status, 404, missing.body);
    assert.deepEqual(JSON.parse(missing.body), { error: "Not Found: missing" });
  });

  it("an HTTP integration maps path and header parameters and selects its response on the backend status", async () => {
    const items = await resource("items");
    const id = await resource("{id}", items);
    await apigateway(
      s,
      "put-method",
      ...ids(id, "GET"),
      ...p("--authorization-type", "NONE", "--request-parameters", '{"method.request.path.id":true}'),
    );
    await apigateway(
      s,
      "put-integration",
      ...ids(id, "GET"),
      ...p("--type", "HTTP", "--integration-http-method", "GET"),
      ...p("--uri", `http://127.0.0.1:${upstream.port}/{kind}/{id}`),
      ...p(
        "--request-parameters",
        JSON.stringify({
          "integration.request.path.id": "method.request.path.id",
          "integration.request.path.kind": "'records'",
          "integration.request.header.x-caller": "method.request.header.x-client",
          "integration.request.querystring.source": "'gateway'",
        }),
      ),
    );
    await apigateway(
      s,
      "put-method-response",
      ...ids(id, "GET"),
      ...p("--status-code", "200", "--response-parameters", '{"method.response.header.X-Upstream":false}'),
    );
    await apigateway(s, "put-method-response", ...ids(id, "GET"), "--status-code", "502");
    await apigateway(
      s,
      "put-integration-response",
      ...ids(id, "GET"),
      ...p(
        "--status-code",
        "200",
        "--response-parameters",
        '{"method.response.header.X-Upstream":"integration.response.header.x-upstream"}',
      ),
    );
    await apigateway(
      s,
      "put-integration-response",
      ...ids(id, "GET"),
      ...p("--status-code", "502", "--selection-pattern", "5\\d{2}"),
      ...p("--response-templates", '{"application/json":"{\\"upstream\\": \\"down\\"}"}'),
    );
    await deploy();

    const res = await gatewayCall(s.gatewayPort, apiId, { path: "/prod/items/42", headers: { "x-client": "cli" } });
    assert.equal(res.status, 200, res.body);
    assert.equal(res.headers["x-upstream"], "yes");
    const seen = JSON.parse(res.body) as { method: string; url: string; headers: Record<string, string> };
    assert.equal(seen.method, "GET");
    assert.equal(seen.url, "/records/42?source=gateway");
    assert.equal(seen.headers["x-caller"], "cli");
    assert.equal(seen.headers["x-client"], undefined, "a non-proxy HTTP integration sends only mapped headers");
  });

  it("passthrough NEVER refuses a content type without a template with 415", async () => {
    const id = await resource("strict");
    await apigateway(s, "put-method", ...ids(id, "POST"), "--authorization-type", "NONE");
    await apigateway(
      s,
      "put-integration",
      ...ids(id, "POST"),
      ...p("--type", "MOCK", "--passthrough-behavior", "NEVER"),
      ...p("--request-templates", '{"application/json":"{\\"statusCode\\": 200}"}'),
    );
    await apigateway(s, "put-method-response", ...ids(id, "POST"), "--status-code", "200");
    await apigateway(s, "put-integration-response", ...ids(id, "POST"), "--status-code", "200");
    await deploy();
    const refused = await gatewayCall(s.gatewayPort, apiId, {
      method: "POST",
      path: "/prod/strict",
      headers: { "content-type": "text/plain" },
      body: "hi",
    });
    assert.equal(refused.status, 415);
    assert.equal(refused.body, '{"message":"Unsupported Media Type"}');
    assert.equal(refused.headers["x-amzn-errortype"], "UnsupportedMediaTypeException");
    const served = await gatewayCall(s.gatewayPort, apiId, {
      method: "POST",
      path: "/prod/strict",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    assert.equal(served.status, 200);
  });

  it("HTTP_PROXY passes method, path, query, headers and body, with a stage variable in the URI", async () => {
    const api = (await apigateway<{ id: string }>(s, "create-rest-api", "--name", "proxy")).id;
    const root = await rootOf(s, api);
    const proxy = (
      await apigateway<{ id: string }>(
        s,
        ...p("create-resource", "--rest-api-id", api, "--parent-id", root, "--path-part", "{proxy+}"),
      )
    ).id;
    const k = p("--rest-api-id", api, "--resource-id", proxy, "--http-method", "ANY");
    await apigateway(s, "put-method", ...k, "--authorization-type", "NONE");
    await apigateway(
      s,
      "put-integration",
      ...k,
      ...p("--type", "HTTP_PROXY", "--integration-http-method", "ANY"),
      ...p("--uri", "http://${stageVariables.backend}/{proxy}"),
      ...p("--request-parameters", '{"integration.request.path.proxy":"method.request.path.proxy"}'),
    );
    await apigateway(
      s,
      ...p("create-deployment", "--rest-api-id", api, "--stage-name", "live"),
      ...p("--variables", `backend=127.0.0.1:${upstream.port}`),
    );
    const res = await gatewayCall(s.gatewayPort, api, {
      method: "PUT",
      path: "/live/a/b?x=1&y=two",
      headers: { "x-client": "proxy", "content-type": "text/plain" },
      body: "payload",
    });
    assert.equal(res.status, 200, res.body);
    assert.equal(res.headers["x-upstream"], "yes");
    const seen = JSON.parse(res.body) as { method: string; url: string; headers: Record<string, string>; body: string };
    assert.deepEqual([seen.method, seen.url, seen.body], ["PUT", "/a/b?x=1&y=two", "payload"]);
    assert.equal(seen.headers["x-client"], "proxy");
    const missing = await gatewayCall(s.gatewayPort, api, { path: "/live/missing" });
    assert.equal(missing.status, 404, "the backend's status is passed on");
  });

  it("an HTTP API quick-created with an HTTP URL proxies to it", async () => {
    const r = await awsCli(s, [
      ...p("apigatewayv2", "create-api", "--name", "httpproxy", "--protocol-type", "HTTP"),
      ...p("--target", `http://127.0.0.1:${upstream.port}`),
    ]);
    assert.equal(r.code, 0, r.stderr);
    const api = (JSON.parse(r.stdout) as { ApiId: string }).ApiId;
    const res = await gatewayCall(s.gatewayPort, api, { method: "POST", path: "/orders/7?q=1", body: "x" });
    assert.equal(res.status, 200, res.body);
    const seen = JSON.parse(res.body) as { method: string; url: string; body: string };
    assert.deepEqual([seen.method, seen.url, seen.body], ["POST", "/orders/7?q=1", "x"]);
  });

  it("refuses bad method and integration responses with AWS's errors", async () => {
    const id = await resource("errors");
    await apigateway(s, "put-method", ...ids(id, "GET"), "--authorization-type", "NONE");
    const noIntegration = await awsCli(s, [
      "apigateway",
      "put-integration-response",
      ...ids(id, "GET"),
      "--status-code",
      "200",
    ]);
    assert.match(noIntegration.stderr, /NotFoundException.*No integration defined for method/);
    await apigateway(s, "put-integration", ...ids(id, "GET"), "--type", "MOCK");
    const noMethodResponse = await awsCli(s, [
      "apigateway",
      "put-integration-response",
      ...ids(id, "GET"),
      "--status-code",
      "200",
    ]);
    assert.match(noMethodResponse.stderr, /NotFoundException.*Invalid Response status code specified/);
    await apigateway(s, "put-method-response", ...ids(id, "GET"), "--status-code", "200");
    const undeclared = await awsCli(s, [
      ...p("apigateway", "put-integration-response", ...ids(id, "GET"), "--status-code", "200"),
      ...p("--response-parameters", '{"method.response.header.X-Nope":"\'v\'"}'),
    ]);
    assert.match(
      undeclared.stderr,
      /BadRequestException.*Invalid mapping expression specified.*method\.response\.header\.X-Nope/,
    );
    const missing = await awsCli(s, ["apigateway", "get-method-response", ...ids(id, "GET"), "--status-code", "404"]);
    assert.match(missing.stderr, /NotFoundException.*Invalid Response status code specified/);
    const badUri = await awsCli(s, [
      ...p("apigateway", "put-integration", ...ids(id, "GET"), "--type", "HTTP"),
      ...p("--integration-http-method", "GET", "--uri", "ftp://example"),
    ]);
    assert.match(badUri.stderr, /BadRequestException.*Invalid HTTP endpoint specified for URI/);

    await apigateway(s, "delete-method-response", ...ids(id, "GET"), "--status-code", "200");
    await apigateway(s, "delete-integration", ...ids(id, "GET"));
    const gone = await awsCli(s, ["apigateway", "get-integration", ...ids(id, "GET")]);
    assert.match(gone.stderr, /NotFoundException.*No integration defined for method/);
  });
});
