/**
 * API keys and usage plans in a cluster: two `haneul server` nodes on one PostgreSQL database. A key
 * and a plan made through one node are enforced by the other node's gateway (the change log
 * announces them), and so is a key disabled later.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateDeploymentCommand,
  CreateRestApiCommand,
  CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand,
  GetResourcesCommand,
  PutIntegrationCommand,
  PutIntegrationResponseCommand,
  PutMethodCommand,
  PutMethodResponseCommand,
  UpdateApiKeyCommand,
} from "@aws-sdk/client-api-gateway";
import { gatewayCall } from "../helpers/apigw-stack.js";
import { eventually, startCluster } from "../helpers/cluster.js";
import { createTestDatabase } from "../helpers/postgres.js";
import { SERVER_KEY, SERVER_REGION, type ServerNode } from "../helpers/server-node.js";

describe("usage plans in a cluster", { concurrency: false }, () => {
  let nodes: ServerNode[];
  let c: APIGatewayClient;

  before(async () => {
    nodes = await startCluster(await createTestDatabase(), 2, ["--catch-up-ms", "500"]);
    c = new APIGatewayClient({
      region: SERVER_REGION,
      endpoint: nodes[0]!.apiUrl,
      credentials: SERVER_KEY,
      maxAttempts: 1,
    });
  });
  after(async () => {
    c?.destroy();
    await Promise.allSettled((nodes ?? []).map((n) => n.close()));
  });

  it("a key put in a plan through one node opens the method on the other; disabled, it closes it again", async () => {
    const restApiId = (await c.send(new CreateRestApiCommand({ name: "keys" }))).id ?? "";
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
      new PutIntegrationResponseCommand({ ...k, statusCode: "200", responseTemplates: { "application/json": "ok" } }),
    );
    await c.send(new CreateDeploymentCommand({ restApiId, stageName: "prod" }));
    const port = Number(new URL(nodes[1]!.gatewayUrl).port);
    const call = (key: string) => gatewayCall(port, restApiId, { path: "/prod/", headers: { "x-api-key": key } });

    const key = await c.send(new CreateApiKeyCommand({ name: "k", enabled: true }));
    const value = key.value ?? "";
    // The API reached the second node; the key is in no plan yet.
    await eventually("the API on the second node", async () => ((await call(value)).status === 403 ? true : undefined));
    const plan = await c.send(
      new CreateUsagePlanCommand({ name: "p", apiStages: [{ apiId: restApiId, stage: "prod" }] }),
    );
    await c.send(new CreateUsagePlanKeyCommand({ usagePlanId: plan.id, keyId: key.id, keyType: "API_KEY" }));
    const open = await eventually("the plan on the second node", async () => {
      const r = await call(value);
      return r.status === 200 ? r : undefined;
    });
    assert.equal(open.body, "ok");

    await c.send(
      new UpdateApiKeyCommand({
        apiKey: key.id,
        patchOperations: [{ op: "replace", path: "/enabled", value: "false" }],
      }),
    );
    const closed = await eventually("the disabled key on the second node", async () => {
      const r = await call(value);
      return r.status === 403 ? r : undefined;
    });
    assert.equal(closed.body, '{"message":"Forbidden"}');
  });
});
