/**
 * OpenAPI import with the real AWS CLI v2, SDK v3 and aws-sdk v2, served by the gateway: a
 * Petstore-like document (YAML, OpenAPI 3.0) with a MOCK integration and its CORS preflight, a
 * Lambda proxy behind a Lambda TOKEN authorizer, an HTTP_PROXY to a local upstream and a gateway
 * response; Swagger 2.0 in JSON with basepath prepend; PutRestApi merge and overwrite; invalid
 * documents and failonwarnings refused; ImportApi / ReimportApi for HTTP APIs with CORS.
 */
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  APIGatewayClient,
  GetExportCommand,
  ImportRestApiCommand,
  PutRestApiCommand,
} from "@aws-sdk/client-api-gateway";
import AWS from "aws-sdk";
import { parse as parseYaml, stringify } from "yaml";
import {
  apigateway,
  awsCli,
  gatewayCall,
  REGION,
  startApigwStack,
  startUpstream,
  type ApigwStack,
  type Upstream,
} from "../helpers/apigw-stack.js";

const HANDLERS = `
exports.pet = async (event) => ({ statusCode: 200, body: JSON.stringify({ id: event.pathParameters.petId, user: event.requestContext.authorizer.principalId }) });
exports.auth = async (event) => ({
  principalId: "ann",
  policyDocument: { Version: "2012-10-17", Statement: [{ Action: "execute-api:Invoke", Effect: event.authorizationToken === "allow" ? "Allow" : "Deny", Resource: event.methodArn }] },
});
exports.hello = async () => ({ statusCode: 200, body: "hello from http api" });
`;

/** The error `run` fails with (it must fail). */
async function failure(run: () => Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await run();
  } catch (e) {
    return e as { name: string; message: string };
  }
  assert.fail("expected a failure");
}

const lambdaUri = (arn: string) => `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${arn}/invocations`;
const ok = { description: "ok" };
const mockAnswer = (template: string) => ({
  type: "mock",
  requestTemplates: { "application/json": '{"statusCode": 200}' },
  responses: { default: { statusCode: "200", responseTemplates: { "application/json": template } } },
});

function petstore(s: ApigwStack, upstream: Upstream): Record<string, unknown> {
  return {
    openapi: "3.0.1",
    info: { title: "petstore", version: "1.0", description: "pets" },
    "x-amazon-apigateway-binary-media-types": ["image/png"],
    "x-amazon-apigateway-gateway-responses": {
      ACCESS_DENIED: {
        statusCode: 403,
        responseParameters: { "gatewayresponse.header.Access-Control-Allow-Origin": "'*'" },
        responseTemplates: { "application/json": '{"why":"denied"}' },
      },
    },
    components: {
      securitySchemes: {
        token: {
          type: "apiKey",
          name: "Authorization",
          in: "header",
          "x-amazon-apigateway-authtype": "custom",
          "x-amazon-apigateway-authorizer": {
            type: "token",
            authorizerUri: lambdaUri(s.functionArn("auth")),
            authorizerResultTtlInSeconds: 0,
          },
        },
      },
    },
    paths: {
      "/pets": {
        get: { responses: { "200": ok }, "x-amazon-apigateway-integration": mockAnswer('[{"name":"rex"}]') },
        options: {
          responses: {
            "200": { description: "cors", headers: { "Access-Control-Allow-Origin": { schema: { type: "string" } } } },
          },
          "x-amazon-apigateway-integration": {
            type: "mock",
            requestTemplates: { "application/json": '{"statusCode": 200}' },
            responses: {
              default: {
                statusCode: "200",
                responseParameters: { "method.response.header.Access-Control-Allow-Origin": "'*'" },
              },
            },
          },
        },
      },
      "/pets/{petId}": {
        parameters: [{ name: "petId", in: "path", required: true, schema: { type: "string" } }],
        get: {
          operationId: "getPet",
          security: [{ token: [] }],
          responses: { "200": ok },
          "x-amazon-apigateway-integration": {
            type: "aws_proxy",
            httpMethod: "POST",
            uri: lambdaUri(s.functionArn("pet")),
          },
        },
      },
      "/upstream/{proxy+}": {
        "x-amazon-apigateway-any-method": {
          parameters: [{ name: "proxy", in: "path", required: true, schema: { type: "string" } }],
          responses: { "200": ok },
          "x-amazon-apigateway-integration": {
            type: "http_proxy",
            httpMethod: "ANY",
            uri: `http://127.0.0.1:${upstream.port}/{proxy}`,
            requestParameters: { "integration.request.path.proxy": "method.request.path.proxy" },
          },
        },
      },
    },
  };
}

describe("OpenAPI import (AWS CLI v2, SDK v3, aws-sdk v2)", () => {
  let s: ApigwStack;
  let upstream: Upstream;
  let sdk: APIGatewayClient;

  before(async () => {
    s = await startApigwStack(HANDLERS, ["pet", "auth", "hello"]);
    upstream = await startUpstream();
    sdk = new APIGatewayClient({ region: REGION, endpoint: s.apiUrl, credentials: s.credentials, maxAttempts: 1 });
  });

  after(async () => {
    sdk?.destroy();
    await s?.close();
    await new Promise((r) => upstream?.server.close(r));
  });

  async function file(name: string, content: string): Promise<string> {
    const path = join(s.home, name);
    await writeFile(path, content);
    return path;
  }

  it("imports a YAML petstore with the CLI and serves its MOCK, authorized Lambda proxy and HTTP_PROXY methods", async () => {
    const path = await file("petstore.yaml", stringify(petstore(s, upstream)));
    const api = await apigateway<{
      id: string;
      name: string;
      description: string;
      binaryMediaTypes: string[];
      warnings?: string[];
    }>(s, ...["import-rest-api", "--body", `fileb://${path}`, "--parameters", "endpointConfigurationTypes=REGIONAL"]);
    assert.equal(api.name, "petstore");
    assert.equal(api.description, "pets");
    assert.deepEqual(api.binaryMediaTypes, ["image/png"]);
    assert.equal(api.warnings, undefined);
    const fetched = await apigateway<{ endpointConfiguration: { types: string[] } }>(
      s,
      "get-rest-api",
      "--rest-api-id",
      api.id,
    );
    assert.deepEqual(fetched.endpointConfiguration.types, ["REGIONAL"]);

    const resources = await apigateway<{ items: { path: string; resourceMethods?: Record<string, unknown> }[] }>(
      s,
      ...["get-resources", "--rest-api-id", api.id],
    );
    const byPath = Object.fromEntries(
      resources.items.map((r) => [r.path, Object.keys(r.resourceMethods ?? {}).sort()]),
    );
    assert.deepEqual(byPath, {
      "/": [],
      "/pets": ["GET", "OPTIONS"],
      "/pets/{petId}": ["GET"],
      "/upstream": [],
      "/upstream/{proxy+}": ["ANY"],
    });
    const authorizers = await apigateway<{ items: { name: string; type: string; identitySource: string }[] }>(
      s,
      ...["get-authorizers", "--rest-api-id", api.id],
    );
    assert.deepEqual(
      authorizers.items.map((a) => [a.name, a.type, a.identitySource]),
      [["token", "TOKEN", "method.request.header.Authorization"]],
    );

    await apigateway(s, "create-deployment", "--rest-api-id", api.id, "--stage-name", "prod");
    const list = await gatewayCall(s.gatewayPort, api.id, { path: "/prod/pets" });
    assert.equal(list.status, 200, list.body);
    assert.deepEqual(JSON.parse(list.body), [{ name: "rex" }]);
    const preflight = await gatewayCall(s.gatewayPort, api.id, { method: "OPTIONS", path: "/prod/pets" });
    assert.equal(preflight.status, 200);
    assert.equal(preflight.headers["access-control-allow-origin"], "*");

    const unauthorized = await gatewayCall(s.gatewayPort, api.id, { path: "/prod/pets/7" });
    assert.equal(unauthorized.status, 401);
    const denied = await gatewayCall(s.gatewayPort, api.id, { path: "/prod/pets/7", headers: { authorization: "no" } });
    assert.equal(denied.status, 403);
    assert.equal(denied.headers["access-control-allow-origin"], "*", "the imported ACCESS_DENIED gateway response");
    assert.deepEqual(JSON.parse(denied.body), { why: "denied" });
    const pet = await gatewayCall(s.gatewayPort, api.id, { path: "/prod/pets/7", headers: { authorization: "allow" } });
    assert.equal(pet.status, 200, pet.body);
    assert.deepEqual(JSON.parse(pet.body), { id: "7", user: "ann" });

    const proxied = await gatewayCall(s.gatewayPort, api.id, {
      method: "POST",
      path: "/prod/upstream/a/b?x=1",
      body: "hi",
    });
    assert.equal(proxied.status, 200, proxied.body);
    const echoed = JSON.parse(proxied.body) as { method: string; url: string; body: string };
    assert.deepEqual([echoed.method, echoed.url, echoed.body], ["POST", "/a/b?x=1", "hi"]);
  });

  it("imports Swagger 2.0 JSON with the SDK v3, prepending the base path", async () => {
    const doc = {
      swagger: "2.0",
      info: { title: "v2", version: "1" },
      basePath: "/api",
      paths: {
        "/ping": { get: { responses: { "200": ok }, "x-amazon-apigateway-integration": mockAnswer('{"pong":true}') } },
      },
    };
    const api = await sdk.send(
      new ImportRestApiCommand({ body: Buffer.from(JSON.stringify(doc)), parameters: { basepath: "prepend" } }),
    );
    assert.equal(api.name, "v2");
    await apigateway(s, "create-deployment", "--rest-api-id", api.id ?? "", "--stage-name", "live");
    const pong = await gatewayCall(s.gatewayPort, api.id ?? "", { path: "/live/api/ping" });
    assert.equal(pong.status, 200, pong.body);
    assert.deepEqual(JSON.parse(pong.body), { pong: true });
  });

  it("merges and overwrites with PutRestApi (aws-sdk v2 and the CLI), keeping the API on a failed put", async () => {
    const first = {
      openapi: "3.0.1",
      info: { title: "puts", version: "1" },
      paths: { "/a": { get: { responses: { "200": ok }, "x-amazon-apigateway-integration": mockAnswer('"a"') } } },
    };
    const api = await sdk.send(new ImportRestApiCommand({ body: Buffer.from(JSON.stringify(first)) }));
    const apiId = api.id ?? "";
    const v2 = new AWS.APIGateway({
      region: REGION,
      endpoint: s.apiUrl,
      credentials: new AWS.Credentials(s.credentials.accessKeyId, s.credentials.secretAccessKey),
      maxRetries: 0,
    });
    const second = {
      ...first,
      paths: { "/b": { post: { responses: { "200": ok }, "x-amazon-apigateway-integration": mockAnswer('"b"') } } },
    };
    await v2.putRestApi({ restApiId: apiId, mode: "merge", body: JSON.stringify(second) }).promise();
    const paths = async () => {
      const r = await apigateway<{ items: { path: string; resourceMethods?: object }[] }>(
        s,
        "get-resources",
        "--rest-api-id",
        apiId,
      );
      return r.items.map((x) => `${x.path}:${Object.keys(x.resourceMethods ?? {}).join(",")}`).sort();
    };
    assert.deepEqual(await paths(), ["/:", "/a:GET", "/b:POST"]);

    const broken = {
      ...first,
      paths: {
        "/c": { get: { responses: { "200": ok }, "x-amazon-apigateway-integration": mockAnswer('"c"') } },
        "/d": {
          get: {
            responses: { "200": ok },
            "x-amazon-apigateway-integration": {
              type: "aws_proxy",
              httpMethod: "POST",
              uri: "arn:aws:apigateway:us-east-1:s3:path/bucket/key",
            },
          },
        },
      },
    };
    const refused = await failure(() =>
      sdk.send(
        new PutRestApiCommand({ restApiId: apiId, mode: "overwrite", body: Buffer.from(JSON.stringify(broken)) }),
      ),
    );
    assert.equal(refused.name, "BadRequestException");
    assert.match(
      refused.message,
      /^Errors found during import:\n\tUnable to put integration on 'GET' for resource at path '\/d': /,
    );
    assert.deepEqual(await paths(), ["/:", "/a:GET", "/b:POST"], "a failed overwrite leaves the API as it was");

    const path = await file("second.json", JSON.stringify(second));
    await apigateway(s, "put-rest-api", "--rest-api-id", apiId, "--mode", "overwrite", "--body", `fileb://${path}`);
    assert.deepEqual(await paths(), ["/:", "/b:POST"]);
  });

  it("refuses invalid documents, unsupported extensions and, with failonwarnings, warnings", async () => {
    const garbage = await file("garbage.txt", "this: [is not: openapi");
    const r1 = await awsCli(s, ["apigateway", "import-rest-api", "--body", `fileb://${garbage}`]);
    assert.notEqual(r1.code, 0);
    assert.match(r1.stderr, /BadRequestException.*Invalid OpenAPI input\./);

    const policy = {
      openapi: "3.0.1",
      info: { title: "p", version: "1" },
      "x-amazon-apigateway-policy": { Version: "2012-10-17", Statement: [] },
      paths: {},
    };
    const e2 = await failure(() => sdk.send(new ImportRestApiCommand({ body: Buffer.from(JSON.stringify(policy)) })));
    assert.equal(e2.name, "BadRequestException");
    assert.match(e2.message, /Unsupported extension at 'x-amazon-apigateway-policy'/);

    // `responses` is required by the OpenAPI schema: a warning, or a refusal with failonwarnings.
    const lax = {
      openapi: "3.0.1",
      info: { title: "lax", version: "1" },
      paths: { "/x": { get: { "x-amazon-apigateway-integration": mockAnswer("{}") } } },
    };
    const e3 = await failure(() =>
      sdk.send(new ImportRestApiCommand({ body: Buffer.from(JSON.stringify(lax)), failOnWarnings: true })),
    );
    assert.match(e3.message, /^Warnings found during import:\n\tParse issue: /);
    const accepted = await sdk.send(new ImportRestApiCommand({ body: Buffer.from(JSON.stringify(lax)) }));
    assert.ok((accepted.warnings ?? []).length > 0);
    assert.match(accepted.warnings?.[0] ?? "", /^Parse issue: /);
    const before = (await apigateway<{ items: unknown[] }>(s, "get-rest-apis")).items.length;
    const unknownAuth = {
      ...lax,
      paths: { "/x": { get: { security: [{ basic: [] }], responses: { "200": ok } } } },
      components: { securitySchemes: { basic: { type: "http", scheme: "basic" } } },
    };
    const e4 = await failure(() =>
      sdk.send(new ImportRestApiCommand({ body: Buffer.from(JSON.stringify(unknownAuth)) })),
    );
    assert.match(e4.message, /Unsupported security definition 'basic' for method 'GET \/x'/);
    assert.equal((await apigateway<{ items: unknown[] }>(s, "get-rest-apis")).items.length, before, "nothing created");
  });

  it("imports and reimports an HTTP API with x-amazon-apigateway-cors (CLI)", async () => {
    const doc = (greeting: string) => ({
      openapi: "3.0.1",
      info: { title: `http-${greeting}`, version: "1" },
      "x-amazon-apigateway-cors": { allowOrigins: ["https://example.com"], allowMethods: ["GET"] },
      paths: {
        [`/${greeting}`]: {
          get: {
            responses: { "200": ok },
            "x-amazon-apigateway-integration": {
              type: "aws_proxy",
              httpMethod: "POST",
              uri: s.functionArn("hello"),
              payloadFormatVersion: "2.0",
            },
          },
        },
      },
    });
    const path = await file("http.json", JSON.stringify(doc("hi")));
    const r = await awsCli(s, ["apigatewayv2", "import-api", "--body", `file://${path}`]);
    assert.equal(r.code, 0, r.stderr);
    const api = JSON.parse(r.stdout) as { ApiId: string; Name: string; CorsConfiguration: { AllowOrigins: string[] } };
    assert.equal(api.Name, "http-hi");
    assert.deepEqual(api.CorsConfiguration.AllowOrigins, ["https://example.com"]);
    const created = await awsCli(s, [
      "apigatewayv2",
      "create-stage",
      "--api-id",
      api.ApiId,
      "--stage-name",
      "$default",
      "--auto-deploy",
    ]);
    assert.equal(created.code, 0, created.stderr);
    const hi = await gatewayCall(s.gatewayPort, api.ApiId, { path: "/hi" });
    assert.equal(hi.status, 200, hi.body);
    assert.equal(hi.body, "hello from http api");

    await writeFile(path, JSON.stringify(doc("there")));
    const again = await awsCli(s, ["apigatewayv2", "reimport-api", "--api-id", api.ApiId, "--body", `file://${path}`]);
    assert.equal(again.code, 0, again.stderr);
    const routes = await awsCli(s, ["apigatewayv2", "get-routes", "--api-id", api.ApiId]);
    const keys = (JSON.parse(routes.stdout) as { Items: { RouteKey: string }[] }).Items.map((x) => x.RouteKey);
    assert.deepEqual(keys, ["GET /there"]);
    assert.equal((await gatewayCall(s.gatewayPort, api.ApiId, { path: "/there" })).status, 200);
    assert.equal((await gatewayCall(s.gatewayPort, api.ApiId, { path: "/hi" })).status, 404);
  });

  /** The API's resources and methods without ids, to compare two APIs. */
  async function shapeOf(apiId: string): Promise<unknown> {
    const r = await apigateway<{
      items: { path: string; resourceMethods?: Record<string, Record<string, unknown>> }[];
    }>(s, ...["get-resources", "--rest-api-id", apiId, "--embed", "methods"]);
    const strip = (m: Record<string, unknown>) => {
      const { authorizerId, methodIntegration, ...rest } = m;
      const integration = { ...(methodIntegration as Record<string, unknown> | undefined) };
      delete integration.cacheNamespace;
      return { ...rest, authorized: authorizerId !== undefined, integration };
    };
    return r.items
      .map((x) => [x.path, Object.fromEntries(Object.entries(x.resourceMethods ?? {}).map(([k, m]) => [k, strip(m)]))])
      .sort();
  }

  it("exports oas30 and swagger as JSON and YAML, and the export imports back to the same API", async () => {
    const first = await sdk.send(
      new ImportRestApiCommand({ body: Buffer.from(JSON.stringify(petstore(s, upstream))) }),
    );
    const apiId = first.id ?? "";
    await apigateway(s, "create-deployment", "--rest-api-id", apiId, "--stage-name", "prod");
    const out = join(s.home, "export.json");
    const exportArgs = ["--rest-api-id", apiId, "--stage-name", "prod", "--export-type", "oas30"];
    await apigateway(s, "get-export", ...exportArgs, "--parameters", "extensions=apigateway", out);
    const exported = JSON.parse(await readFile(out, "utf8")) as Record<string, unknown> & {
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    assert.equal(exported.openapi, "3.0.1");
    assert.deepEqual(Object.keys(exported.paths).sort(), ["/pets", "/pets/{petId}", "/upstream/{proxy+}"]);
    assert.equal(exported.paths["/pets/{petId}"]?.get?.operationId, "getPet");
    assert.deepEqual(exported.paths["/pets/{petId}"]?.get?.security, [{ token: [] }]);
    assert.deepEqual(exported["x-amazon-apigateway-binary-media-types"], ["image/png"]);

    const bare = await sdk.send(
      new GetExportCommand({ restApiId: apiId, stageName: "prod", exportType: "swagger", accepts: "application/yaml" }),
    );
    assert.equal(bare.contentType, "application/yaml");
    const swagger = parseYaml(Buffer.from(bare.body ?? new Uint8Array()).toString("utf8")) as {
      swagger: string;
      basePath: string;
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    assert.equal(swagger.swagger, "2.0");
    assert.equal(swagger.basePath, "/prod");
    assert.equal(
      swagger.paths["/pets"]?.get?.["x-amazon-apigateway-integration"],
      undefined,
      "no extensions asked for",
    );

    const again = await sdk.send(new ImportRestApiCommand({ body: await readFile(out) }));
    assert.equal(again.name, "petstore");
    assert.deepEqual(await shapeOf(again.id ?? ""), await shapeOf(apiId));
    await apigateway(s, "create-deployment", "--rest-api-id", again.id ?? "", "--stage-name", "prod");
    const pet = await gatewayCall(s.gatewayPort, again.id ?? "", {
      path: "/prod/pets/9",
      headers: { authorization: "allow" },
    });
    assert.equal(pet.status, 200, pet.body);
    assert.deepEqual(JSON.parse(pet.body), { id: "9", user: "ann" });

    const missing = await awsCli(s, [
      "apigateway",
      "get-export",
      ...exportArgs.slice(0, 2),
      "--stage-name",
      "nope",
      "--export-type",
      "oas30",
      out,
    ]);
    assert.match(missing.stderr, /NotFoundException.*Invalid stage identifier specified/);
  });

  it("exports an HTTP API with the CLI and imports the export back", async () => {
    const doc = {
      openapi: "3.0.1",
      info: { title: "roundtrip", version: "2" },
      "x-amazon-apigateway-cors": { allowOrigins: ["*"] },
      paths: {
        "/a": {
          "x-amazon-apigateway-any-method": {
            responses: { "200": ok },
            "x-amazon-apigateway-integration": {
              type: "http_proxy",
              httpMethod: "ANY",
              uri: `http://127.0.0.1:${upstream.port}/a`,
              payloadFormatVersion: "1.0",
            },
          },
        },
      },
    };
    const path = await file("rt.json", JSON.stringify(doc));
    const imported = JSON.parse(
      (await awsCli(s, ["apigatewayv2", "import-api", "--body", `file://${path}`])).stdout,
    ) as { ApiId: string };
    const out = join(s.home, "rt-export.yaml");
    const r = await awsCli(s, [
      "apigatewayv2",
      "export-api",
      "--api-id",
      imported.ApiId,
      "--output-type",
      "YAML",
      "--specification",
      "OAS30",
      out,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const exported = parseYaml(await readFile(out, "utf8")) as {
      paths: Record<string, Record<string, { "x-amazon-apigateway-integration": { uri: string } }>>;
    };
    assert.equal(
      exported.paths["/a"]?.["x-amazon-apigateway-any-method"]?.["x-amazon-apigateway-integration"].uri,
      `http://127.0.0.1:${upstream.port}/a`,
    );
    const back = await awsCli(s, ["apigatewayv2", "import-api", "--body", `file://${out}`]);
    assert.equal(back.code, 0, back.stderr);
    const second = JSON.parse(back.stdout) as { ApiId: string; CorsConfiguration: { AllowOrigins: string[] } };
    assert.deepEqual(second.CorsConfiguration.AllowOrigins, ["*"]);
    const routes = JSON.parse((await awsCli(s, ["apigatewayv2", "get-routes", "--api-id", second.ApiId])).stdout) as {
      Items: { RouteKey: string }[];
    };
    assert.deepEqual(
      routes.Items.map((x) => x.RouteKey),
      ["ANY /a"],
    );
  });
});
