/**
 * HTTP API parameter mapping, configured with the real AWS CLI v2 (and OpenAPI import) and served
 * by the gateway to a real local upstream and a real function: request headers, query strings and
 * the path changed from `$request`, `$context` and `$stageVariables` values; response headers and
 * status changed per status code from `$response` values; reserved headers and bad keys refused
 * with AWS's message; UpdateIntegration removing mappings as AWS's examples do.
 */
import assert from "node:assert/strict";
import {
  ApiGatewayV2Client,
  BadRequestException,
  CreateApiCommand,
  CreateIntegrationCommand,
  CreateRouteCommand,
  CreateStageCommand,
  UpdateIntegrationCommand,
} from "@aws-sdk/client-apigatewayv2";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  awsCli,
  gatewayCall,
  startApigwStack,
  startUpstream,
  type ApigwStack,
  type Upstream,
} from "../helpers/apigw-stack.js";

const HANDLERS = `
exports.echo = async (event) => ({
  statusCode: 201,
  headers: { "x-fn": "echo", "content-type": "application/json" },
  body: JSON.stringify({ headers: event.headers, rawPath: event.rawPath, query: event.queryStringParameters }),
});
`;

const p = (...parts: string[]) => parts;

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

describe("HTTP API parameter mapping through the AWS CLI v2", () => {
  let s: ApigwStack;
  let upstream: Upstream;

  before(async () => {
    s = await startApigwStack(HANDLERS, ["echo"]);
    upstream = await startUpstream();
  });
  after(async () => {
    await new Promise((r) => upstream.server.close(r));
    await s.close();
  });

  async function v2<T = Record<string, unknown>>(...args: string[]): Promise<T> {
    const r = await awsCli(s, ["apigatewayv2", ...args]);
    assert.equal(r.code, 0, `aws apigatewayv2 ${args.join(" ")} failed:\n${r.stderr}`);
    return (r.stdout.trim() ? JSON.parse(r.stdout) : {}) as T;
  }

  async function apiWithRoute(routeKey: string, integration: string[]): Promise<{ api: string; integration: string }> {
    const api = (await v2<{ ApiId: string }>("create-api", "--name", "mapping", "--protocol-type", "HTTP")).ApiId;
    const created = await v2<{ IntegrationId: string }>("create-integration", "--api-id", api, ...integration);
    await v2(
      "create-route",
      "--api-id",
      api,
      "--route-key",
      routeKey,
      "--target",
      `integrations/${created.IntegrationId}`,
    );
    await v2(
      ...p("create-stage", "--api-id", api, "--stage-name", "$default", "--auto-deploy"),
      ...p("--stage-variables", "env=prod"),
    );
    return { api, integration: created.IntegrationId };
  }

  function proxyTo(path: string): string[] {
    return p(
      ...p("--integration-type", "HTTP_PROXY", "--integration-method", "ANY", "--payload-format-version", "1.0"),
      ...p("--integration-uri", `http://127.0.0.1:${upstream.port}${path}`),
    );
  }

  it("maps request headers, query strings and the path of an HTTP_PROXY integration", async () => {
    const request = {
      "append:header.x-request-id": "$context.requestId",
      "overwrite:header.x-tenant": "tenant-$request.querystring.tenant",
      "append:header.x-both": "${request.header.x-a}/${stageVariables.env}",
      "remove:header.x-secret": "''",
      "append:querystring.user": "$request.body.user.name",
      "overwrite:querystring.tenant": "$request.path.id",
      "remove:querystring.drop": "''",
      "overwrite:path": "/v2/items/$request.path.id",
    };
    const { api } = await apiWithRoute(
      "POST /items/{id}",
      p(...proxyTo("/base"), "--request-parameters", JSON.stringify(request)),
    );
    const res = await gatewayCall(s.gatewayPort, api, {
      method: "POST",
      path: "/items/42?tenant=acme&drop=1&keep=yes",
      headers: { "x-a": "alpha", "x-secret": "hidden", "x-tenant": "client", "content-type": "application/json" },
      body: JSON.stringify({ user: { name: "kim" } }),
    });
    assert.equal(res.status, 200, res.body);
    const seen = JSON.parse(res.body) as Seen;
    const url = new URL(seen.url, "http://x");
    assert.equal(url.pathname, "/v2/items/42");
    assert.deepEqual([...url.searchParams].sort(), [
      ["keep", "yes"],
      ["tenant", "42"],
      ["user", "kim"],
    ]);
    assert.equal(seen.headers["x-tenant"], "tenant-acme", "overwritten from the client's query string");
    assert.equal(seen.headers["x-both"], "alpha/prod");
    assert.equal(seen.headers["x-secret"], undefined, "removed");
    assert.ok(res.headers["apigw-requestid"]);
    assert.equal(seen.headers["x-request-id"], res.headers["apigw-requestid"], "$context.requestId");
    assert.equal(seen.body, JSON.stringify({ user: { name: "kim" } }), "the body goes on unchanged");
  });

  it("maps the response of an HTTP_PROXY integration by its status code", async () => {
    const response = {
      "404": {
        "overwrite:statuscode": "410",
        "append:header.x-from": "$response.header.x-upstream",
        "overwrite:header.x-method": "$response.body.method",
        "remove:header.x-upstream": "''",
      },
      "200": { "append:header.x-stage": "$stageVariables.env" },
    };
    const { api } = await apiWithRoute("ANY /{proxy+}", [
      ...proxyTo("/{proxy}"),
      ...p("--request-parameters", '{"overwrite:path":"$request.path"}'),
      ...p("--response-parameters", JSON.stringify(response)),
    ]);
    const missing = await gatewayCall(s.gatewayPort, api, { method: "DELETE", path: "/missing/x" });
    assert.equal(missing.status, 410, missing.body);
    assert.equal(missing.headers["x-from"], "yes");
    assert.equal(missing.headers["x-method"], "DELETE");
    assert.equal(missing.headers["x-upstream"], undefined);
    const ok = await gatewayCall(s.gatewayPort, api, { path: "/fine" });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers["x-stage"], "prod");
    assert.equal(ok.headers["x-upstream"], "yes", "other statuses keep their headers");
    const broken = await gatewayCall(s.gatewayPort, api, { path: "/broken" });
    assert.equal(broken.status, 503, "a status without mappings is passed on as it is");
  });

  it("maps what a Lambda proxy integration's event holds and its answer", async () => {
    const { api } = await apiWithRoute("GET /fn/{name}", [
      ...p("--integration-type", "AWS_PROXY", "--integration-uri", s.functionArn("echo")),
      ...p("--payload-format-version", "2.0"),
      ...p("--request-parameters", '{"append:header.x-name":"$request.path.name","overwrite:path":"/renamed"}'),
      ...p(
        "--response-parameters",
        '{"201":{"overwrite:statuscode":"200","append:header.x-route":"$context.routeKey"}}',
      ),
    ]);
    const res = await gatewayCall(s.gatewayPort, api, { path: "/fn/lee?q=1" });
    assert.equal(res.status, 200, res.body);
    assert.equal(res.headers["x-route"], "GET /fn/{name}");
    assert.equal(res.headers["x-fn"], "echo");
    const event = JSON.parse(res.body) as { headers: Record<string, string>; rawPath: string; query: unknown };
    assert.equal(event.headers["x-name"], "lee");
    assert.equal(event.rawPath, "/renamed");
    assert.deepEqual(event.query, { q: "1" });
  });

  it("refuses reserved headers, bad keys and unknown variables with AWS's message", async () => {
    const api = (await v2<{ ApiId: string }>("create-api", "--name", "refused", "--protocol-type", "HTTP")).ApiId;
    const attempt = (flag: string, value: unknown) =>
      awsCli(s, [
        ...p("apigatewayv2", "create-integration", "--api-id", api, ...proxyTo("/")),
        ...p(flag, JSON.stringify(value)),
      ]);
    const reserved = await attempt("--request-parameters", { "overwrite:header.Authorization": "x" });
    assert.match(
      reserved.stderr,
      /BadRequestException.*Invalid mapping expression specified: Validation Result: warnings : \[\], errors : \[Operations on header Authorization are restricted\]/,
    );
    const amz = await attempt("--response-parameters", { "200": { "append:header.x-amzn-thing": "v" } });
    assert.match(amz.stderr, /BadRequestException.*Operations on header x-amzn-thing are restricted/);
    const badKey = await attempt("--request-parameters", { "append:body.x": "v" });
    assert.match(badKey.stderr, /BadRequestException.*Invalid mapping expression specified: append:body\.x/);
    const badSource = await attempt("--request-parameters", { "append:header.x": "$response.header.y" });
    assert.match(badSource.stderr, /BadRequestException.*Invalid mapping expression specified: \$response\.header\.y/);
    const badStatus = await attempt("--response-parameters", { "200": { "overwrite:statuscode": "abc" } });
    assert.match(badStatus.stderr, /BadRequestException.*Invalid status code specified: abc/);
    const list = await v2<{ Items: unknown[] }>("get-integrations", "--api-id", api);
    assert.equal(list.Items.length, 0, "nothing refused was created");
  });

  it("UpdateIntegration adds, replaces and removes mappings as AWS's examples do", async () => {
    const { api, integration } = await apiWithRoute("GET /u", [
      ...proxyTo("/"),
      ...p("--request-parameters", '{"append:header.h1":"one","append:header.h2":"two"}'),
      ...p("--response-parameters", '{"200":{"append:header.r1":"a"},"404":{"append:header.r2":"b"}}'),
    ]);
    const updated = await v2<{ RequestParameters: Record<string, string>; ResponseParameters: unknown }>(
      ...p("update-integration", "--api-id", api, "--integration-id", integration),
      ...p("--request-parameters", '{"append:header.h1":"","overwrite:header.h3":"three"}'),
      ...p("--response-parameters", '{"404":{}}'),
    );
    assert.deepEqual(updated.RequestParameters, { "append:header.h2": "two", "overwrite:header.h3": "three" });
    assert.deepEqual(updated.ResponseParameters, { "200": { "append:header.r1": "a" } });
    const got = await v2<{ RequestParameters: Record<string, string> }>(
      ...p("get-integration", "--api-id", api, "--integration-id", integration),
    );
    assert.deepEqual(got.RequestParameters, updated.RequestParameters);
    const res = await gatewayCall(s.gatewayPort, api, { path: "/u" });
    const seen = JSON.parse(res.body) as Seen;
    assert.deepEqual([seen.headers.h1, seen.headers.h2, seen.headers.h3], [undefined, "two", "three"]);
    assert.equal(res.headers.r1, "a");
  });

  it("takes and answers RequestParameters and ResponseParameters through the SDK v3", async () => {
    const sdk = new ApiGatewayV2Client({
      region: "us-east-1",
      endpoint: s.apiUrl,
      credentials: s.credentials,
      maxAttempts: 1,
    });
    try {
      const api = (await sdk.send(new CreateApiCommand({ Name: "sdk", ProtocolType: "HTTP" }))).ApiId;
      const created = await sdk.send(
        new CreateIntegrationCommand({
          ApiId: api,
          IntegrationType: "HTTP_PROXY",
          IntegrationMethod: "GET",
          IntegrationUri: `http://127.0.0.1:${upstream.port}/sdk`,
          PayloadFormatVersion: "1.0",
          RequestParameters: { "overwrite:querystring.from": "sdk" },
          ResponseParameters: { "200": { "overwrite:statuscode": "202" } },
        }),
      );
      assert.deepEqual(created.RequestParameters, { "overwrite:querystring.from": "sdk" });
      assert.deepEqual(created.ResponseParameters, { "200": { "overwrite:statuscode": "202" } });
      const target = `integrations/${created.IntegrationId}`;
      await sdk.send(new CreateRouteCommand({ ApiId: api, RouteKey: "GET /sdk", Target: target }));
      await sdk.send(new CreateStageCommand({ ApiId: api, StageName: "$default", AutoDeploy: true }));
      const res = await gatewayCall(s.gatewayPort, api ?? "", { path: "/sdk?from=client" });
      assert.equal(res.status, 202, res.body);
      assert.equal((JSON.parse(res.body) as Seen).url, "/sdk?from=sdk");
      await assert.rejects(
        sdk.send(
          new UpdateIntegrationCommand({
            ApiId: api,
            IntegrationId: created.IntegrationId,
            RequestParameters: { "append:header.x-amz-date": "now" },
          }),
        ),
        (e: unknown) =>
          e instanceof BadRequestException && /Operations on header x-amz-date are restricted/.test(e.message),
      );
    } finally {
      sdk.destroy();
    }
  });

  it("imports and exports requestParameters and responseParameters of x-amazon-apigateway-integration", async () => {
    const doc = {
      openapi: "3.0.1",
      info: { title: "mapped", version: "1" },
      paths: {
        "/imported": {
          get: {
            "x-amazon-apigateway-integration": {
              type: "http_proxy",
              httpMethod: "GET",
              uri: `http://127.0.0.1:${upstream.port}/elsewhere`,
              payloadFormatVersion: "1.0",
              requestParameters: { "append:header.x-imported": "$context.httpMethod" },
              responseParameters: { "200": { "overwrite:header.x-done": "yes" } },
            },
          },
        },
      },
    };
    const api = (await v2<{ ApiId: string }>("import-api", "--body", JSON.stringify(doc))).ApiId;
    await v2("create-stage", "--api-id", api, "--stage-name", "$default", "--auto-deploy");
    const res = await gatewayCall(s.gatewayPort, api, { path: "/imported" });
    assert.equal(res.status, 200, res.body);
    assert.equal(res.headers["x-done"], "yes");
    assert.equal((JSON.parse(res.body) as Seen).headers["x-imported"], "GET");
    const file = join(s.home, "mapped-export.json");
    const out = await awsCli(s, [
      ...p("apigatewayv2", "export-api", "--api-id", api, "--output-type", "JSON", "--specification", "OAS30"),
      file,
    ]);
    assert.equal(out.code, 0, out.stderr);
    const exported = JSON.parse(await readFile(file, "utf8")) as {
      paths: Record<string, { get: { "x-amazon-apigateway-integration": Record<string, unknown> } }>;
    };
    const ext = exported.paths["/imported"]?.get["x-amazon-apigateway-integration"];
    assert.deepEqual(ext?.requestParameters, { "append:header.x-imported": "$context.httpMethod" });
    assert.deepEqual(ext?.responseParameters, { "200": { "overwrite:header.x-done": "yes" } });
    const bad = await awsCli(s, [
      ...p("apigatewayv2", "import-api", "--body"),
      JSON.stringify({
        ...doc,
        paths: {
          "/x": {
            get: {
              "x-amazon-apigateway-integration": {
                ...doc.paths["/imported"].get["x-amazon-apigateway-integration"],
                requestParameters: { "overwrite:header.via": "v" },
              },
            },
          },
        },
      }),
    ]);
    assert.match(bad.stderr, /BadRequestException[^]*Operations on header via are restricted/);
  });
});
