/**
 * FlushStageAuthorizersCache with the AWS CLI: a TOKEN authorizer's cached answer is reused until
 * the stage's cache is flushed, after which the authorizer runs again. FlushStageCache answers
 * that the stage has no cache cluster.
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
  type ApigwStack,
} from "../helpers/apigw-stack.js";

// Each authorizer run hands a fresh token to the integration: equal tokens mean a cached answer.
const HANDLERS = `
exports.auth = async (e) => ({
  principalId: "user",
  policyDocument: { Version: "2012-10-17", Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: e.methodArn }] },
  context: { token: Math.random().toString(36).slice(2) },
});
exports.echo = async (e) => ({ statusCode: 200, body: String(e.requestContext.authorizer.token) });
`;

describe("flush-stage-authorizers-cache (AWS CLI, gateway)", () => {
  let s: ApigwStack;
  let apiId = "";

  before(async () => {
    s = await startApigwStack(HANDLERS, ["auth", "echo"]);
    const lambdaUri = (name: string) =>
      `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${s.functionArn(name)}/invocations`;
    apiId = (await apigateway<{ id: string }>(s, "create-rest-api", "--name", "cached")).id;
    const root = await rootOf(s, apiId);
    const auth = await apigateway<{ id: string }>(
      s,
      "create-authorizer",
      "--rest-api-id",
      apiId,
      "--name",
      "tok",
      "--type",
      "TOKEN",
      "--identity-source",
      "method.request.header.Authorization",
      "--authorizer-result-ttl-in-seconds",
      "300",
      "--authorizer-uri",
      lambdaUri("auth"),
    );
    const k = ["--rest-api-id", apiId, "--resource-id", root, "--http-method", "GET"];
    await apigateway(s, "put-method", ...k, "--authorization-type", "CUSTOM", "--authorizer-id", auth.id);
    await apigateway(
      s,
      "put-integration",
      ...k,
      "--type",
      "AWS_PROXY",
      "--integration-http-method",
      "POST",
      "--uri",
      lambdaUri("echo"),
    );
    await apigateway(s, "create-deployment", "--rest-api-id", apiId, "--stage-name", "prod");
  });

  after(async () => {
    await s?.close();
  });

  const call = async () => {
    const r = await gatewayCall(s.gatewayPort, apiId, { path: "/prod/", headers: { authorization: "secret" } });
    assert.equal(r.status, 200, r.body);
    return r.body;
  };

  it("a cached authorizer answer is reused until the stage's authorizer cache is flushed", async () => {
    const first = await call();
    assert.equal(await call(), first, "the second request is answered from the cache");
    const flushed = await awsCli(s, [
      "apigateway",
      "flush-stage-authorizers-cache",
      "--rest-api-id",
      apiId,
      "--stage-name",
      "prod",
    ]);
    assert.equal(flushed.code, 0, flushed.stderr);
    const fresh = await call();
    assert.notEqual(fresh, first, "the authorizer ran again");
    assert.equal(await call(), fresh, "and its new answer is cached");
  });

  it("AWS's errors: an unknown stage; a stage without a cache cluster to flush", async () => {
    const unknown = await awsCli(s, [
      "apigateway",
      "flush-stage-authorizers-cache",
      "--rest-api-id",
      apiId,
      "--stage-name",
      "nope",
    ]);
    assert.match(unknown.stderr, /NotFoundException.*Invalid Stage identifier specified/);
    const data = await awsCli(s, ["apigateway", "flush-stage-cache", "--rest-api-id", apiId, "--stage-name", "prod"]);
    assert.match(data.stderr, /BadRequestException.*Cache cluster is not enabled for stage: prod/);
  });
});
