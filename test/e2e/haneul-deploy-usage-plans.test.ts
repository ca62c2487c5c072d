/**
 * API keys and usage plans from a SAM template, as a user deploys them with `haneul deploy`
 * against a real `haneul server`: `Auth.ApiKeyRequired` and `Auth.UsagePlan` (PER_API) make the
 * plan, key and plan key SAM generates; the gateway refuses a call without the key (403), serves
 * it with the key, and the plan's quota of one call a day answers the next with 429; an update
 * that drops the usage plan deletes the plan, key and plan key.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  APIGatewayClient,
  GetApiKeysCommand,
  GetUsagePlanCommand,
  GetUsagePlansCommand,
} from "@aws-sdk/client-api-gateway";
import { haneulCli } from "../helpers/haneul-cli.js";
import { SERVER_KEY, SERVER_REGION, startServerNode, type ServerNode } from "../helpers/server-node.js";
import { tempDir } from "../helpers/temp-dir.js";

let node: ServerNode;
let app: ReturnType<typeof tempDir>;
let apigw: APIGatewayClient;

function template(usagePlan: string): string {
  return `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Shop:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      Auth:
        ApiKeyRequired: true${usagePlan}
  Hello:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      InlineCode: "exports.handler = async () => ({ statusCode: 200, body: 'hi' });"
      Events:
        Get:
          Type: Api
          Properties:
            RestApiId: !Ref Shop
            Path: /hello
            Method: get
        Open:
          Type: Api
          Properties:
            RestApiId: !Ref Shop
            Path: /open
            Method: get
            Auth:
              ApiKeyRequired: false
Outputs:
  ApiId:
    Value: !Ref Shop
`;
}

const PER_API = `
        UsagePlan:
          CreateUsagePlan: PER_API
          UsagePlanName: shop-plan
          Description: one call a day
          Quota:
            Limit: 1
            Period: DAY
          Throttle:
            RateLimit: 50
            BurstLimit: 20`;

function haneul(...args: string[]): ReturnType<typeof haneulCli> {
  return haneulCli(node, app.path, ...args);
}

describe("haneul deploy: API keys and usage plans", () => {
  before(async () => {
    node = await startServerNode({ timeoutMs: 60_000 });
    app = tempDir("usage-plan-app", { inRepo: true });
    apigw = new APIGatewayClient({
      region: SERVER_REGION,
      endpoint: node.apiUrl,
      credentials: SERVER_KEY,
      maxAttempts: 1,
    });
  });
  after(async () => {
    apigw?.destroy();
    await node?.close();
    await app?.remove();
  });

  test("the plan's key opens the API, its quota is enforced, and an update without the plan deletes it", async () => {
    writeFileSync(join(app.path, "template.yaml"), template(PER_API));
    const first = await haneul("deploy", "--stack-name", "shop");
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /Add +ShopUsagePlan +AWS::ApiGateway::UsagePlan/);
    assert.match(first.stdout, /Add +ShopApiKey +AWS::ApiGateway::ApiKey/);
    assert.match(first.stdout, /Add +ShopUsagePlanKey +AWS::ApiGateway::UsagePlanKey/);
    assert.doesNotMatch(first.stdout, /warning: Shop(UsagePlan|ApiKey)/);
    const apiId = /ApiId +(\S+)/.exec(first.stdout)?.[1] ?? "";

    const keys = await apigw.send(new GetApiKeysCommand({ includeValues: true }));
    assert.equal(keys.items?.length, 1);
    const key = keys.items?.[0];
    assert.equal(key?.enabled, true);
    assert.deepEqual(key?.stageKeys, [`${apiId}/prod`]);
    const plans = await apigw.send(new GetUsagePlansCommand({ keyId: key?.id }));
    assert.equal(plans.items?.length, 1);
    const plan = plans.items?.[0];
    assert.equal(plan?.name, "shop-plan");
    assert.deepEqual(plan?.apiStages, [{ apiId, stage: "prod" }]);
    assert.deepEqual(plan?.quota, { limit: 1, offset: 0, period: "DAY" });
    assert.deepEqual(plan?.throttle, { rateLimit: 50, burstLimit: 20 });

    const url = `${node.gatewayUrl}/_api/${apiId}/prod`;
    const withKey = { headers: { "x-api-key": key?.value ?? "" } };
    const missing = await fetch(`${url}/hello`);
    assert.equal(missing.status, 403);
    assert.deepEqual(await missing.json(), { message: "Forbidden" });
    const wrong = await fetch(`${url}/hello`, { headers: { "x-api-key": "x".repeat(40) } });
    assert.equal(wrong.status, 403);
    await wrong.arrayBuffer();
    const ok = await fetch(`${url}/hello`, withKey);
    assert.equal(ok.status, 200);
    assert.equal(await ok.text(), "hi");
    const over = await fetch(`${url}/hello`, withKey);
    assert.equal(over.status, 429);
    assert.deepEqual(await over.json(), { message: "Limit Exceeded" });
    // The event that opted out needs no key.
    const open = await fetch(`${url}/open`);
    assert.equal(open.status, 200);
    await open.arrayBuffer();

    writeFileSync(join(app.path, "template.yaml"), template(""));
    const second = await haneul("deploy", "--stack-name", "shop");
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /Stack shop: UPDATE_COMPLETE/);
    await assert.rejects(apigw.send(new GetUsagePlanCommand({ usagePlanId: plan?.id })), { name: "NotFoundException" });
    assert.deepEqual((await apigw.send(new GetUsagePlansCommand({}))).items ?? [], []);
    assert.deepEqual((await apigw.send(new GetApiKeysCommand({}))).items ?? [], []);
    // Still key-protected, and with no plan left no key opens it.
    const after = await fetch(`${url}/hello`, withKey);
    assert.equal(after.status, 403);
    await after.arrayBuffer();
  });
});
