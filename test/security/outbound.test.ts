/**
 * The outbound policy attacked from inside a real sandboxed function: with its role session it may
 * not make the node send to the node's own ports, a loopback service or a metadata address (unless
 * the operator allow-listed that one upstream); the administrator key may still use a loopback
 * upstream, end to end, but never the node's own ports.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer, get, type IncomingMessage, type Server } from "node:http";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  APIGatewayClient,
  CreateDeploymentCommand,
  CreateRestApiCommand,
  GetResourcesCommand,
  PutIntegrationCommand,
  PutMethodCommand,
} from "@aws-sdk/client-api-gateway";
import { CreateFunctionCommand, InvokeCommand } from "@aws-sdk/client-lambda";
import { CreateTopicCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import { zipSync } from "fflate";
import { createFunctionRole } from "../helpers/iam.js";
import { ROOT } from "../helpers/paths.js";
import { SERVER_REGION, SERVER_ROLE, startServerNode, type ServerNode } from "../helpers/server-node.js";
import { waitUntil } from "../helpers/wait.js";

const code = zipSync({ "index.js": readFileSync(join(ROOT, "test", "fixtures", "security", "outbound.js")) });

type Outcome = { ok: boolean; code?: string; message?: string; value?: unknown };

/** A loopback upstream recording what reaches it. */
async function upstream(): Promise<{ server: Server; port: number; seen: IncomingMessage[] }> {
  const seen: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    seen.push(req);
    req.resume();
    res.end("upstream");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, port: (server.address() as { port: number }).port, seen };
}

describe("outbound policy from inside real functions", { concurrency: 1, timeout: 180_000 }, () => {
  let node: ServerNode;
  let blocked: Awaited<ReturnType<typeof upstream>>;
  let allowed: Awaited<ReturnType<typeof upstream>>;
  let sns: SNSClient;
  let apigw: APIGatewayClient;
  let topicArn: string;
  const apiPort = () => Number(new URL(node.apiUrl).port);
  const gatewayPort = () => Number(new URL(node.gatewayUrl).port);

  const run = async (handler: string, event: unknown): Promise<Outcome> => {
    const r = await node.client.send(
      new InvokeCommand({ FunctionName: handler, Payload: new TextEncoder().encode(JSON.stringify(event)) }),
    );
    const text = Buffer.from(r.Payload ?? new Uint8Array()).toString("utf8");
    assert.equal(r.FunctionError, undefined, text);
    return JSON.parse(text) as Outcome;
  };

  const callStage = (restApiId: string, stage: string) => {
    const gateway = new URL(node.gatewayUrl);
    return new Promise<{ status: number; body: string }>((resolve, reject) => {
      const headers = { host: `${restApiId}.execute-api.localhost:${gateway.port}` };
      get({ host: gateway.hostname, port: gateway.port, path: `/${stage}/`, headers }, (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      }).on("error", reject);
    });
  };

  before(async () => {
    blocked = await upstream();
    allowed = await upstream();
    node = await startServerNode({ args: ["--outbound-allow", `127.0.0.1:${allowed.port}`] });
    const admin = { endpoint: node.apiUrl, accessKeyId: node.accessKeyId, secretAccessKey: node.secret };
    await createFunctionRole(admin, "test", { actions: ["sns:Subscribe", "apigateway:*"] });
    for (const handler of ["subscribe", "integrate"]) {
      await node.client.send(
        new CreateFunctionCommand({
          ...{ FunctionName: handler, Runtime: "nodejs20.x", Role: SERVER_ROLE, Handler: `index.${handler}` },
          ...{ Code: { ZipFile: code }, Timeout: 30 },
        }),
      );
    }
    const credentials = { accessKeyId: node.accessKeyId, secretAccessKey: node.secret };
    sns = new SNSClient({ endpoint: node.apiUrl, region: SERVER_REGION, credentials });
    apigw = new APIGatewayClient({ endpoint: node.apiUrl, region: SERVER_REGION, credentials });
    topicArn = (await sns.send(new CreateTopicCommand({ Name: "outbound" }))).TopicArn ?? "";
  });

  after(async () => {
    sns?.destroy();
    apigw?.destroy();
    await node?.close();
    for (const u of [blocked, allowed]) await new Promise((r) => u?.server.close(r));
  });

  it("a function cannot subscribe the node's API port or a loopback upstream", async () => {
    for (const endpoint of [`http://127.0.0.1:${apiPort()}/`, `http://localhost:${blocked.port}/`]) {
      const r = await run("subscribe", { topicArn, endpoint });
      assert.equal(r.ok, false, endpoint);
      assert.equal(r.code, "InvalidParameterException", endpoint);
      assert.match(r.message ?? "", /^Invalid parameter: Endpoint/, endpoint);
    }
    assert.equal(blocked.seen.length, 0);
  });

  it("a function cannot point an HTTP integration at the metadata address or the gateway's port", async () => {
    for (const uri of ["http://169.254.169.254/latest/meta-data/", `http://[::1]:${gatewayPort()}/`]) {
      const r = await run("integrate", { uri });
      assert.equal(r.ok, false, uri);
      assert.equal(r.code, "BadRequestException", uri);
      assert.match(r.message ?? "", /^Invalid HTTP endpoint specified for URI/, uri);
    }
  });

  it("a function may subscribe the one allow-listed upstream, which gets the confirmation", async () => {
    const r = await run("subscribe", { topicArn, endpoint: `http://127.0.0.1:${allowed.port}/hook` });
    assert.equal(r.ok, true, JSON.stringify(r));
    await waitUntil(() => allowed.seen.length > 0, "the SubscriptionConfirmation POST");
    assert.equal(allowed.seen[0]?.headers["x-amz-sns-message-type"], "SubscriptionConfirmation");
  });

  it("the administrator key may use a loopback upstream end to end, never the node's own ports", async () => {
    await sns.send(
      new SubscribeCommand({ TopicArn: topicArn, Protocol: "http", Endpoint: `http://127.0.0.1:${blocked.port}/` }),
    );
    await waitUntil(() => blocked.seen.length > 0, "the SubscriptionConfirmation POST");
    await assert.rejects(
      sns.send(
        new SubscribeCommand({ TopicArn: topicArn, Protocol: "http", Endpoint: `http://127.0.0.1:${apiPort()}/` }),
      ),
      (e: Error) => e.name === "InvalidParameterException",
    );

    const api = await apigw.send(new CreateRestApiCommand({ name: "admin" }));
    const restApiId = api.id ?? "";
    const resourceId = (await apigw.send(new GetResourcesCommand({ restApiId }))).items?.[0]?.id ?? "";
    const method = { restApiId, resourceId, httpMethod: "GET" };
    await apigw.send(new PutMethodCommand({ ...method, authorizationType: "NONE" }));
    await assert.rejects(
      apigw.send(
        new PutIntegrationCommand({
          ...method,
          type: "HTTP_PROXY",
          integrationHttpMethod: "GET",
          uri: `http://127.0.0.1:${apiPort()}/`,
        }),
      ),
      (e: Error) => e.name === "BadRequestException",
    );
    await apigw.send(
      new PutIntegrationCommand({
        ...method,
        type: "HTTP_PROXY",
        integrationHttpMethod: "GET",
        uri: `http://127.0.0.1:${blocked.port}/`,
      }),
    );
    await apigw.send(new CreateDeploymentCommand({ restApiId, stageName: "prod" }));
    assert.deepEqual(await callStage(restApiId, "prod"), { status: 200, body: "upstream" });
  });

  it("a URI known only at send time (stage variables) is checked then: a refused target is a 500", async () => {
    const restApiId = (await apigw.send(new CreateRestApiCommand({ name: "staged" }))).id ?? "";
    const resourceId = (await apigw.send(new GetResourcesCommand({ restApiId }))).items?.[0]?.id ?? "";
    const method = { restApiId, resourceId, httpMethod: "GET" };
    await apigw.send(new PutMethodCommand({ ...method, authorizationType: "NONE" }));
    const uri = "http://${stageVariables.backend}/";
    await apigw.send(new PutIntegrationCommand({ ...method, type: "HTTP_PROXY", integrationHttpMethod: "GET", uri }));
    const stages = { ok: `127.0.0.1:${blocked.port}`, metadata: "169.254.169.254", own: `127.0.0.1:${apiPort()}` };
    for (const [stageName, backend] of Object.entries(stages)) {
      await apigw.send(new CreateDeploymentCommand({ restApiId, stageName, variables: { backend } }));
    }
    assert.deepEqual(await callStage(restApiId, "ok"), { status: 200, body: "upstream" });
    for (const stage of ["metadata", "own"]) {
      const answer = await callStage(restApiId, stage);
      assert.equal(answer.status, 500, stage);
      assert.deepEqual(JSON.parse(answer.body), { message: "Internal server error" }, stage);
    }
  });
});
