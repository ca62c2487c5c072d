/**
 * AWS::ApiGateway::ApiKey, ::UsagePlan and ::UsagePlanKey in a plain CloudFormation template:
 * created through the usage plan service with their Ref values, updated in place where
 * CloudFormation does (plan settings, API stages), replaced where it replaces (a key's Value),
 * unsupported properties refused, and everything deleted with the stack's resources.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import { deployFixture, type DeployFixture } from "./deploy-fixture.js";

function template(o: { value: string; quota: number; extra?: string }): string {
  return `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: shop
      Body:
        swagger: "2.0"
        info: { title: shop }
        paths:
          /:
            get:
              responses: { "200": { description: ok } }
              x-amazon-apigateway-integration:
                type: mock
                requestTemplates: { application/json: '{"statusCode": 200}' }
                responses: { default: { statusCode: "200" } }
  Deployment:
    Type: AWS::ApiGateway::Deployment
    Properties:
      RestApiId: !Ref Api
      StageName: prod
  Key:
    Type: AWS::ApiGateway::ApiKey
    Properties:
      Name: alice
      Enabled: true
      Value: ${o.value}${o.extra ?? ""}
  Plan:
    Type: AWS::ApiGateway::UsagePlan
    DependsOn: Deployment
    Properties:
      UsagePlanName: basic
      ApiStages:
        - ApiId: !Ref Api
          Stage: prod
      Throttle: { RateLimit: 5, BurstLimit: 10 }
      Quota: { Limit: ${o.quota}, Period: DAY }
  PlanKey:
    Type: AWS::ApiGateway::UsagePlanKey
    Properties:
      KeyId: !Ref Key
      KeyType: API_KEY
      UsagePlanId: !Ref Plan
Outputs:
  PlanKeyRef:
    Value: !Ref PlanKey
  KeyId:
    Value: !GetAtt Key.APIKeyId
`;
}

let fx: DeployFixture;
beforeEach(async () => {
  fx = await deployFixture();
});
afterEach(async () => {
  await fx.close();
});

async function physical(logicalId: string): Promise<string> {
  const stack = await fx.engine.requireStack("t");
  const r = (await fx.engine.store.listResources(stack.stackId)).find((x) => x.logicalId === logicalId);
  return r?.physicalId ?? "";
}

describe("usage plans in stacks", () => {
  test("created, updated in place, a new Value replaces the key, deleted with the stack", async () => {
    const first = await fx.deploy("t", template({ value: "a".repeat(24), quota: 100 }));
    assert.equal(first.status, "CREATE_COMPLETE", first.reason ?? "");
    const keyId = await physical("Key");
    const planId = await physical("Plan");
    assert.equal(await physical("PlanKey"), `${keyId}:${planId}`);
    const plan = await fx.usagePlans.ops.getUsagePlan(planId);
    assert.equal(plan.name, "basic");
    assert.deepEqual(plan.quota, { limit: 100, period: "DAY", offset: 0 });
    assert.deepEqual(plan.throttle, { rateLimit: 5, burstLimit: 10 });
    assert.equal((await fx.usagePlans.ops.getApiKey(keyId)).value, "a".repeat(24));

    const second = await fx.deploy("t", template({ value: "b".repeat(24), quota: 7 }));
    assert.equal(second.status, "UPDATE_COMPLETE", second.reason ?? "");
    assert.equal(await physical("Plan"), planId, "a plan is updated in place");
    assert.deepEqual((await fx.usagePlans.ops.getUsagePlan(planId)).quota, { limit: 7, period: "DAY", offset: 0 });
    const newKey = await physical("Key");
    assert.notEqual(newKey, keyId, "a new Value replaces the key");
    assert.equal((await fx.usagePlans.ops.getApiKey(newKey)).value, "b".repeat(24));
    await assert.rejects(fx.usagePlans.ops.getApiKey(keyId), /Invalid API Key identifier/);
    const keys = await fx.usagePlans.ops.getUsagePlanKeys(planId, {});
    assert.deepEqual(
      keys.items.map((k) => k.id),
      [newKey],
    );

    const empty = await fx.deploy(
      "t",
      `AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Api:\n    Type: AWS::ApiGateway::RestApi\n    Properties:\n      Name: shop\n`,
    );
    assert.equal(empty.status, "UPDATE_COMPLETE", empty.reason ?? "");
    assert.deepEqual((await fx.usagePlans.ops.getUsagePlans({})).items, []);
    assert.deepEqual((await fx.usagePlans.ops.getApiKeys({})).items, []);
  });

  test("a property haneul does not carry out fails the deploy", async () => {
    const r = await fx.deploy("t", template({ value: "a".repeat(24), quota: 1, extra: "\n      Unknown: 1" }));
    assert.match(r.status, /ROLLBACK/);
    const stack = await fx.engine.requireStack("t");
    const events = JSON.stringify(await fx.engine.store.listEvents(stack.stackId));
    assert.match(events, /haneul does not support 'Unknown' on AWS::ApiGateway::ApiKey/);
  });
});
