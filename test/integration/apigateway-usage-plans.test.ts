/**
 * API keys and usage plans through SDK v3 and the AWS CLI, enforced by the gateway in real time: a
 * method that requires a key answers 403 without one (or with a disabled one, or one in no plan of
 * the stage), 429 Too Many Requests past the plan's burst, 429 Limit Exceeded past its quota; usage
 * is counted and reported by GetUsage.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  APIGatewayClient,
  ConflictException,
  CreateApiKeyCommand,
  CreateDeploymentCommand,
  CreateRestApiCommand,
  CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand,
  DeleteUsagePlanKeyCommand,
  GetApiKeyCommand,
  GetApiKeysCommand,
  GetResourcesCommand,
  GetUsageCommand,
  GetUsagePlanKeysCommand,
  NotFoundException,
  BadRequestException,
  PutIntegrationCommand,
  PutIntegrationResponseCommand,
  PutMethodCommand,
  PutMethodResponseCommand,
  UpdateApiKeyCommand,
  UpdateUsagePlanCommand,
} from "@aws-sdk/client-api-gateway";
import AWS from "aws-sdk";
import { apigateway, gatewayCall, REGION, startApigwStack, type ApigwStack } from "../helpers/apigw-stack.js";

describe("API keys and usage plans (SDK v3, AWS CLI, gateway)", () => {
  let s: ApigwStack;
  let c: APIGatewayClient;
  let restApiId = "";

  before(async () => {
    s = await startApigwStack("exports.x = async () => ({});", ["x"]);
    c = new APIGatewayClient({ region: REGION, endpoint: s.apiUrl, credentials: s.credentials, maxAttempts: 1 });
    restApiId = (await c.send(new CreateRestApiCommand({ name: "keys" }))).id ?? "";
    const resourceId = (await c.send(new GetResourcesCommand({ restApiId }))).items?.[0]?.id ?? "";
    const k = { restApiId, resourceId, httpMethod: "GET" };
    await c.send(new PutMethodCommand({ ...k, authorizationType: "NONE", apiKeyRequired: true }));
    await c.send(
      new PutIntegrationCommand({
        ...k,
        type: "MOCK",
        requestTemplates: { "application/json": '{"statusCode": 200}' },
      }),
    );
    await c.send(new PutMethodResponseCommand({ ...k, statusCode: "200" }));
    await c.send(
      new PutIntegrationResponseCommand({
        ...k,
        statusCode: "200",
        responseTemplates: { "application/json": '{"ok": true}' },
      }),
    );
    await c.send(new CreateDeploymentCommand({ restApiId, stageName: "prod" }));
  });

  after(async () => {
    c?.destroy();
    await s?.close();
  });

  const call = (key?: string) =>
    gatewayCall(s.gatewayPort, restApiId, { path: "/prod/", headers: key === undefined ? {} : { "x-api-key": key } });

  it("a method requiring a key answers 403 Forbidden until an enabled key of a plan on the stage comes", async () => {
    const none = await call();
    assert.equal(none.status, 403);
    assert.equal(none.body, '{"message":"Forbidden"}');
    assert.equal(none.headers["x-amzn-errortype"], "ForbiddenException");

    const key = await c.send(new CreateApiKeyCommand({ name: "alice", enabled: true, customerId: "cust-1" }));
    assert.equal(key.value?.length, 40);
    assert.equal((await call(key.value)).status, 403, "a key in no plan");

    const plan = await c.send(
      new CreateUsagePlanCommand({ name: "basic", apiStages: [{ apiId: restApiId, stage: "prod" }] }),
    );
    const pk = await c.send(new CreateUsagePlanKeyCommand({ usagePlanId: plan.id, keyId: key.id, keyType: "API_KEY" }));
    assert.deepEqual(
      { id: pk.id, type: pk.type, value: pk.value, name: pk.name },
      { id: key.id, type: "API_KEY", value: key.value, name: "alice" },
    );
    const ok = await call(key.value);
    assert.equal(ok.status, 200);
    assert.equal(ok.body, '{"ok": true}');
    assert.equal((await call("not-a-key-at-all-but-long")).status, 403);

    await c.send(
      new UpdateApiKeyCommand({
        apiKey: key.id,
        patchOperations: [{ op: "replace", path: "/enabled", value: "false" }],
      }),
    );
    assert.equal((await call(key.value)).status, 403, "a disabled key");
    await c.send(
      new UpdateApiKeyCommand({
        apiKey: key.id,
        patchOperations: [{ op: "replace", path: "/enabled", value: "true" }],
      }),
    );
    assert.equal((await call(key.value)).status, 200);

    await c.send(new DeleteUsagePlanKeyCommand({ usagePlanId: plan.id, keyId: key.id }));
    assert.equal((await call(key.value)).status, 403, "a key taken out of its plan");
  });

  it("keys: values only when asked, name and customer filters, AWS's errors", async () => {
    const given = "given-value-of-at-least-twenty";
    const made = await c.send(new CreateApiKeyCommand({ name: "bob-key", value: given, description: "d" }));
    assert.equal(made.enabled, false, "CreateApiKey leaves a key disabled unless asked");
    assert.equal(made.value, given);
    const read = await c.send(new GetApiKeyCommand({ apiKey: made.id }));
    assert.equal(read.value, undefined);
    assert.equal((await c.send(new GetApiKeyCommand({ apiKey: made.id, includeValue: true }))).value, given);
    const byName = await c.send(new GetApiKeysCommand({ nameQuery: "bob" }));
    assert.deepEqual(
      byName.items?.map((k) => [k.name, k.value]),
      [["bob-key", undefined]],
    );
    const withValues = await c.send(new GetApiKeysCommand({ customerId: "cust-1", includeValues: true }));
    assert.deepEqual(
      withValues.items?.map((k) => k.name),
      ["alice"],
    );
    assert.equal(withValues.items?.[0]?.value?.length, 40);
    await assert.rejects(c.send(new CreateApiKeyCommand({ value: "short" })), BadRequestException);
    await assert.rejects(c.send(new CreateApiKeyCommand({ value: given })), ConflictException);
    await assert.rejects(c.send(new GetApiKeyCommand({ apiKey: "nope" })), (e: Error) => {
      assert.ok(e instanceof NotFoundException);
      assert.equal(e.message, "Invalid API Key identifier specified");
      return true;
    });
    await assert.rejects(
      c.send(new CreateUsagePlanCommand({ name: "x", apiStages: [{ apiId: restApiId, stage: "nope" }] })),
      NotFoundException,
    );
  });

  it("429 Too Many Requests past the plan's burst, 429 Limit Exceeded past its quota; GetUsage counts", async () => {
    const key = await c.send(new CreateApiKeyCommand({ name: "carol", enabled: true }));
    const plan = await c.send(
      new CreateUsagePlanCommand({
        name: "tight",
        apiStages: [{ apiId: restApiId, stage: "prod" }],
        throttle: { rateLimit: 0.5, burstLimit: 3 },
        quota: { limit: 100, period: "DAY" },
      }),
    );
    await c.send(new CreateUsagePlanKeyCommand({ usagePlanId: plan.id, keyId: key.id, keyType: "API_KEY" }));
    const statuses: number[] = [];
    let throttled = "";
    for (let i = 0; i < 5; i++) {
      const r = await call(key.value);
      statuses.push(r.status);
      if (r.status === 429) throttled = r.body;
    }
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
    assert.equal(throttled, '{"message":"Too Many Requests"}');

    // A quota of 4 with 3 used: one more goes through, the next is over the limit.
    await c.send(
      new UpdateUsagePlanCommand({
        usagePlanId: plan.id,
        patchOperations: [
          { op: "replace", path: "/quota/limit", value: "4" },
          { op: "replace", path: "/throttle/burstLimit", value: "50" },
          { op: "replace", path: "/throttle/rateLimit", value: "100" },
        ],
      }),
    );
    await s.ledger.flush();
    assert.equal((await call(key.value)).status, 200);
    const over = await call(key.value);
    assert.equal(over.status, 429);
    assert.equal(over.body, '{"message":"Limit Exceeded"}');
    assert.equal(over.headers["x-amzn-errortype"], "LimitExceededException");

    await s.ledger.flush();
    const today = new Date().toISOString().slice(0, 10);
    const usage = await c.send(new GetUsageCommand({ usagePlanId: plan.id, startDate: today, endDate: today }));
    assert.deepEqual(usage.items, { [key.id ?? ""]: [[4, 0]] });
    const keys = await c.send(new GetUsagePlanKeysCommand({ usagePlanId: plan.id }));
    assert.deepEqual(
      keys.items?.map((k) => k.id),
      [key.id],
    );
  });

  it("a per-method throttle of the plan's stage, and the AWS CLI", async () => {
    const key = await apigateway<{ id: string; value: string }>(s, "create-api-key", "--name", "dave", "--enabled");
    const plan = await apigateway<{ id: string; apiStages: unknown[] }>(
      s,
      "create-usage-plan",
      "--name",
      "per-method",
      "--api-stages",
      JSON.stringify([{ apiId: restApiId, stage: "prod", throttle: { "//GET": { rateLimit: 0.1, burstLimit: 1 } } }]),
    );
    assert.deepEqual(plan.apiStages, [
      { apiId: restApiId, stage: "prod", throttle: { "//GET": { rateLimit: 0.1, burstLimit: 1 } } },
    ]);
    await apigateway(
      s,
      "create-usage-plan-key",
      "--usage-plan-id",
      plan.id,
      "--key-id",
      key.id,
      "--key-type",
      "API_KEY",
    );
    assert.equal((await call(key.value)).status, 200);
    assert.equal((await call(key.value)).status, 429);
    const listed = await apigateway<{ items: { id: string; value?: string }[] }>(s, "get-api-keys", "--include-values");
    assert.ok(listed.items.some((k) => k.id === key.id && k.value === key.value));
    const plans = await apigateway<{ items: { id: string }[] }>(s, "get-usage-plans", "--key-id", key.id);
    assert.deepEqual(
      plans.items.map((p) => p.id),
      [plan.id],
    );
    await apigateway(s, "delete-usage-plan-key", "--usage-plan-id", plan.id, "--key-id", key.id);
    await apigateway(s, "delete-api-key", "--api-key", key.id);
  });

  it("aws-sdk v2: a key made, put in a plan, found by the plan and listed with its value", async () => {
    const v2 = new AWS.APIGateway({
      region: REGION,
      endpoint: s.apiUrl,
      credentials: new AWS.Credentials(s.credentials.accessKeyId, s.credentials.secretAccessKey),
      maxRetries: 0,
    });
    const key = await v2.createApiKey({ name: "v2-key", enabled: true }).promise();
    const plan = await v2
      .createUsagePlan({
        name: "v2-plan",
        apiStages: [{ apiId: restApiId, stage: "prod" }],
        quota: { limit: 5, period: "MONTH" },
      })
      .promise();
    assert.deepEqual(plan.quota, { limit: 5, period: "MONTH", offset: 0 });
    await v2.createUsagePlanKey({ usagePlanId: plan.id ?? "", keyId: key.id ?? "", keyType: "API_KEY" }).promise();
    const planKey = await v2.getUsagePlanKey({ usagePlanId: plan.id ?? "", keyId: key.id ?? "" }).promise();
    assert.equal(planKey.value, key.value);
    assert.equal((await call(key.value)).status, 200);
    const err = await v2
      .deleteUsagePlan({ usagePlanId: plan.id ?? "" })
      .promise()
      .catch((e: AWS.AWSError) => e);
    assert.equal((err as AWS.AWSError).code, "BadRequestException", "a plan still covering stages is not deleted");
    await v2
      .updateUsagePlan({
        usagePlanId: plan.id ?? "",
        patchOperations: [{ op: "remove", path: "/apiStages", value: `${restApiId}:prod` }],
      })
      .promise();
    assert.equal((await call(key.value)).status, 403, "the plan no longer covers the stage");
    await v2.deleteUsagePlan({ usagePlanId: plan.id ?? "" }).promise();
  });
});
