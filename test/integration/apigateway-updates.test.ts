/**
 * The v1 update operations through PATCH operations, as the AWS CLI v2 `update-*` commands send
 * them and as SDK v3 sends them: every command changes what Get answers (and, once deployed, what
 * the gateway serves), and a path the operation does not accept is AWS's BadRequestException.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { APIGatewayClient, UpdateIntegrationCommand, UpdateRestApiCommand } from "@aws-sdk/client-api-gateway";
import {
  apigateway,
  awsCli,
  gatewayCall,
  REGION,
  rootOf,
  startApigwStack,
  type ApigwStack,
} from "../helpers/apigw-stack.js";

const HANDLERS = `exports.auth = async () => ({ principalId: "u", policyDocument: { Version: "2012-10-17", Statement: [] } });`;

const p = (...parts: string[]) => parts;

describe("API Gateway v1 update-* commands (AWS CLI v2 and SDK v3)", () => {
  let s: ApigwStack;
  let apiId: string;
  let rootId: string;
  let sdk: APIGatewayClient;

  before(async () => {
    s = await startApigwStack(HANDLERS, ["auth"]);
    apiId = (await apigateway<{ id: string }>(s, "create-rest-api", "--name", "before")).id;
    rootId = await rootOf(s, apiId);
    sdk = new APIGatewayClient({ region: REGION, endpoint: s.apiUrl, credentials: s.credentials, maxAttempts: 1 });
  });

  after(async () => {
    sdk?.destroy();
    await s?.close();
  });

  it("a member haneul does not model is refused, not dropped: an HTTP API stage's client certificate", async () => {
    const http = JSON.parse(
      (await awsCli(s, ["apigatewayv2", "create-api", "--name", "logged", "--protocol-type", "HTTP"])).stdout,
    ) as { ApiId: string };
    const refused = await awsCli(s, [
      ...p("apigatewayv2", "create-stage", "--api-id", http.ApiId, "--stage-name", "prod"),
      ...p("--client-certificate-id", "abc123"),
    ]);
    assert.match(refused.stderr, /BadRequestException.*clientCertificateId: not supported by haneul/);
    const stages = JSON.parse((await awsCli(s, ["apigatewayv2", "get-stages", "--api-id", http.ApiId])).stdout) as {
      Items: unknown[];
    };
    assert.deepEqual(stages.Items, [], "nothing was stored");
  });

  it("update-rest-api: name, description, binary media types; a bad path names the accepted ones", async () => {
    const updated = await apigateway<{ name: string; description: string; binaryMediaTypes: string[] }>(
      s,
      ...p("update-rest-api", "--rest-api-id", apiId, "--patch-operations"),
      ...p("op=replace,path=/name,value=after", "op=replace,path=/description,value=renamed"),
      "op=add,path=/binaryMediaTypes/image~1png",
    );
    assert.equal(updated.name, "after");
    assert.equal(updated.description, "renamed");
    assert.deepEqual(updated.binaryMediaTypes, ["image/png"]);
    const bad = await awsCli(s, [
      ...p("apigateway", "update-rest-api", "--rest-api-id", apiId),
      ...p("--patch-operations", "op=replace,path=/nope,value=x"),
    ]);
    assert.match(
      bad.stderr,
      /BadRequestException.*Invalid patch path  '\/nope' specified for op 'replace'\. Must be one of: \[\/name, /,
    );
    const out = await sdk.send(
      new UpdateRestApiCommand({
        restApiId: apiId,
        patchOperations: [{ op: "remove", path: "/binaryMediaTypes/image~1png" }],
      }),
    );
    assert.deepEqual(out.binaryMediaTypes ?? [], []);
    assert.equal(out.name, "after");
  });

  it("update-resource renames a resource and moves its subtree; update-method, update-integration, responses", async () => {
    const a = (
      await apigateway<{ id: string }>(
        s,
        "create-resource",
        "--rest-api-id",
        apiId,
        "--parent-id",
        rootId,
        "--path-part",
        "old",
      )
    ).id;
    const child = (
      await apigateway<{ id: string }>(
        s,
        "create-resource",
        "--rest-api-id",
        apiId,
        "--parent-id",
        a,
        "--path-part",
        "leaf",
      )
    ).id;
    const renamed = await apigateway<{ path: string }>(
      s,
      ...p(
        "update-resource",
        "--rest-api-id",
        apiId,
        "--resource-id",
        a,
        "--patch-operations",
        "op=replace,path=/pathPart,value=new",
      ),
    );
    assert.equal(renamed.path, "/new");
    const leaf = await apigateway<{ path: string }>(s, "get-resource", "--rest-api-id", apiId, "--resource-id", child);
    assert.equal(leaf.path, "/new/leaf");

    const k = p("--rest-api-id", apiId, "--resource-id", child, "--http-method", "GET");
    await apigateway(s, "put-method", ...k, "--authorization-type", "NONE");
    const method = await apigateway<{ apiKeyRequired: boolean; operationName: string; requestParameters: object }>(
      s,
      ...p("update-method", ...k, "--patch-operations"),
      ...p("op=replace,path=/apiKeyRequired,value=false", "op=replace,path=/operationName,value=GetLeaf"),
      "op=add,path=/requestParameters/method.request.querystring.q,value=true",
    );
    assert.equal(method.operationName, "GetLeaf");
    assert.deepEqual(method.requestParameters, { "method.request.querystring.q": true });

    await apigateway(
      s,
      ...p(
        "put-integration",
        ...k,
        "--type",
        "MOCK",
        "--request-templates",
        '{"application/json":"{\\"statusCode\\": 200}"}',
      ),
    );
    await apigateway(s, "put-method-response", ...k, "--status-code", "200");
    await apigateway(
      s,
      "put-integration-response",
      ...k,
      "--status-code",
      "200",
      "--response-templates",
      '{"application/json":"v1"}',
    );
    const mr = await apigateway<{ responseParameters: object }>(
      s,
      ...p("update-method-response", ...k, "--status-code", "200", "--patch-operations"),
      "op=add,path=/responseParameters/method.response.header.X-Version,value=false",
    );
    assert.deepEqual(mr.responseParameters, { "method.response.header.X-Version": false });
    const ir = await apigateway<{ responseTemplates: Record<string, string>; responseParameters: object }>(
      s,
      ...p("update-integration-response", ...k, "--status-code", "200", "--patch-operations"),
      JSON.stringify([
        { op: "replace", path: "/responseTemplates/application~1json", value: "v2" },
        { op: "add", path: "/responseParameters/method.response.header.X-Version", value: "'2'" },
      ]),
    );
    assert.equal(ir.responseTemplates["application/json"], "v2");
    const integration = await sdk.send(
      new UpdateIntegrationCommand({
        restApiId: apiId,
        resourceId: child,
        httpMethod: "GET",
        patchOperations: [{ op: "replace", path: "/timeoutInMillis", value: "5000" }],
      }),
    );
    assert.equal(integration.timeoutInMillis, 5000);
    const tooLong = await awsCli(s, [
      ...p(
        "apigateway",
        "update-integration",
        ...k,
        "--patch-operations",
        "op=replace,path=/timeoutInMillis,value=40000",
      ),
    ]);
    assert.match(tooLong.stderr, /BadRequestException.*Timeout should be between 50 ms and 29000 ms/);

    const deployment = await apigateway<{ id: string }>(
      s,
      "create-deployment",
      "--rest-api-id",
      apiId,
      "--stage-name",
      "prod",
    );
    const res = await gatewayCall(s.gatewayPort, apiId, { path: "/prod/new/leaf" });
    assert.equal(res.status, 200, res.body);
    assert.equal(res.body, "v2");
    assert.equal(res.headers["x-version"], "2");

    const d = await apigateway<{ description: string }>(
      s,
      ...p("update-deployment", "--rest-api-id", apiId, "--deployment-id", deployment.id),
      ...p("--patch-operations", "op=replace,path=/description,value=first"),
    );
    assert.equal(d.description, "first");
    const cycle = await awsCli(s, [
      ...p("apigateway", "update-resource", "--rest-api-id", apiId, "--resource-id", a),
      ...p("--patch-operations", `op=replace,path=/parentId,value=${child}`),
    ]);
    assert.match(cycle.stderr, /BadRequestException.*Cannot move a resource under itself/);
  });

  it("update-authorizer: identity source and TTL; a bad TTL is refused", async () => {
    const uri = `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${s.functionArn("auth")}/invocations`;
    const created = await apigateway<{ id: string }>(
      s,
      ...p("create-authorizer", "--rest-api-id", apiId, "--name", "tok", "--type", "TOKEN", "--authorizer-uri", uri),
    );
    const updated = await apigateway<{ identitySource: string; authorizerResultTtlInSeconds: number; name: string }>(
      s,
      ...p("update-authorizer", "--rest-api-id", apiId, "--authorizer-id", created.id, "--patch-operations"),
      ...p(
        "op=replace,path=/identitySource,value=method.request.header.X-Token",
        "op=replace,path=/authorizerResultTtlInSeconds,value=60",
      ),
      "op=replace,path=/name,value=renamed",
    );
    assert.deepEqual(
      [updated.identitySource, updated.authorizerResultTtlInSeconds, updated.name],
      ["method.request.header.X-Token", 60, "renamed"],
    );
    const bad = await awsCli(s, [
      ...p("apigateway", "update-authorizer", "--rest-api-id", apiId, "--authorizer-id", created.id),
      ...p("--patch-operations", "op=replace,path=/authorizerResultTtlInSeconds,value=9999"),
    ]);
    assert.match(bad.stderr, /BadRequestException.*Authorizer result TTL must be between 0 and 3600 seconds/);
    const badOp = await awsCli(s, [
      ...p("apigateway", "update-authorizer", "--rest-api-id", apiId, "--authorizer-id", created.id),
      ...p("--patch-operations", "op=move,path=/name,from=/type"),
    ]);
    assert.match(badOp.stderr, /BadRequestException.*specified for op 'move'\. Please choose supported operations/);
  });
});
