/**
 * Request validators and models with the real AWS CLI v2 and SDK v3: CRUD with AWS's errors, a
 * method with a validator, a draft 4 body model and required parameters, and the gateway's 400
 * answers (`Invalid request body`, `Missing required request parameters: [...]`) with the
 * BAD_REQUEST_BODY gateway response applied; an imported document's validators do the same.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  APIGatewayClient,
  CreateModelCommand,
  DeleteModelCommand,
  GetExportCommand,
  GetModelsCommand,
  GetRequestValidatorsCommand,
  ImportRestApiCommand,
} from "@aws-sdk/client-api-gateway";
import {
  apigateway,
  awsCli,
  gatewayCall,
  REGION,
  rootOf,
  startApigwStack,
  type ApigwStack,
} from "../helpers/apigw-stack.js";
import { sdkError } from "../helpers/sdk-error.js";

const PET_SCHEMA = JSON.stringify({
  $schema: "http://json-schema.org/draft-04/schema#",
  type: "object",
  required: ["name"],
  properties: { name: { type: "string" }, age: { type: "integer", minimum: 0 } },
});

const mockEcho = {
  type: "mock",
  requestTemplates: { "application/json": '{"statusCode": 200}' },
  responses: { default: { statusCode: "200", responseTemplates: { "application/json": '{"ok":true}' } } },
};

describe("request validators and models (AWS CLI v2, SDK v3)", () => {
  let s: ApigwStack;
  let sdk: APIGatewayClient;

  before(async () => {
    s = await startApigwStack("exports.unused = async () => ({});", ["unused"]);
    sdk = new APIGatewayClient({ region: REGION, endpoint: s.apiUrl, credentials: s.credentials, maxAttempts: 1 });
  });

  after(async () => {
    sdk?.destroy();
    await s?.close();
  });

  it("validates bodies and parameters through the gateway, with the BAD_REQUEST_BODY gateway response", async () => {
    const apiId = (await apigateway<{ id: string }>(s, "create-rest-api", "--name", "validated")).id;
    const rootId = await rootOf(s, apiId);
    const models = await sdk.send(new GetModelsCommand({ restApiId: apiId }));
    assert.deepEqual(models.items?.map((m) => m.name).sort(), ["Empty", "Error"]);
    const validator = await apigateway<{ id: string; name: string; validateRequestBody: boolean }>(
      s,
      ...["create-request-validator", "--rest-api-id", apiId, "--name", "all"],
      ...["--validate-request-body", "--validate-request-parameters"],
    );
    assert.equal(validator.validateRequestBody, true);
    const bad = await awsCli(s, [
      "apigateway",
      "create-model",
      "--rest-api-id",
      apiId,
      "--name",
      "Broken",
      "--content-type",
      "application/json",
      "--schema",
      '{"type": 12}',
    ]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /BadRequestException.*Invalid model specified/);
    await apigateway(
      s,
      "create-model",
      "--rest-api-id",
      apiId,
      "--name",
      "Pet",
      "--content-type",
      "application/json",
      "--schema",
      PET_SCHEMA,
    );

    const pets = (
      await apigateway<{ id: string }>(
        s,
        "create-resource",
        "--rest-api-id",
        apiId,
        "--parent-id",
        rootId,
        "--path-part",
        "pets",
      )
    ).id;
    const m = ["--rest-api-id", apiId, "--resource-id", pets, "--http-method", "POST"];
    await apigateway(
      s,
      ...["put-method", ...m, "--authorization-type", "NONE", "--request-validator-id", validator.id],
      ...["--request-models", '{"application/json":"Pet"}'],
      ...["--request-parameters", '{"method.request.header.X-Owner":true,"method.request.querystring.tag":false}'],
    );
    const method = await apigateway<{ requestValidatorId: string; requestModels: Record<string, string> }>(
      s,
      "get-method",
      ...m,
    );
    assert.equal(method.requestValidatorId, validator.id);
    assert.deepEqual(method.requestModels, { "application/json": "Pet" });
    await apigateway(
      s,
      "put-integration",
      ...m,
      "--type",
      "MOCK",
      "--request-templates",
      '{"application/json":"{\\"statusCode\\": 200}"}',
    );
    await apigateway(s, "put-method-response", ...m, "--status-code", "200");
    await apigateway(
      s,
      "put-integration-response",
      ...m,
      "--status-code",
      "200",
      "--response-templates",
      '{"application/json":"{\\"ok\\":true}"}',
    );
    await apigateway(
      s,
      ...["put-gateway-response", "--rest-api-id", apiId, "--response-type", "BAD_REQUEST_BODY"],
      ...["--response-templates", '{"application/json":"{\\"why\\":$context.error.messageString}"}'],
    );
    await apigateway(s, "create-deployment", "--rest-api-id", apiId, "--stage-name", "prod");

    const post = (headers: Record<string, string>, body: string) =>
      gatewayCall(s.gatewayPort, apiId, {
        method: "POST",
        path: "/prod/pets",
        headers: { "content-type": "application/json", ...headers },
        body,
      });
    const fine = await post({ "x-owner": "ann" }, '{"name":"rex","age":3}');
    assert.equal(fine.status, 200, fine.body);
    assert.deepEqual(JSON.parse(fine.body), { ok: true });
    const noOwner = await post({}, '{"name":"rex"}');
    assert.equal(noOwner.status, 400);
    assert.equal(noOwner.headers["x-amzn-errortype"], "BadRequestException");
    assert.deepEqual(JSON.parse(noOwner.body), { message: "Missing required request parameters: [X-Owner]" });
    const invalid = await post({ "x-owner": "ann" }, '{"age":-1}');
    assert.equal(invalid.status, 400);
    assert.deepEqual(JSON.parse(invalid.body), { why: "Invalid request body" });
    const notJson = await post({ "x-owner": "ann" }, "{nope");
    assert.equal(notJson.status, 400);

    await assert.rejects(
      sdk.send(new DeleteModelCommand({ restApiId: apiId, modelName: "Pet" })),
      sdkError("BadRequestException", 400, /Cannot delete model 'Pet'/),
    );
    await assert.rejects(
      sdk.send(
        new CreateModelCommand({ restApiId: apiId, name: "Pet", contentType: "application/json", schema: "{}" }),
      ),
      sdkError("ConflictException", 409, "Model name already exists for this REST API"),
    );
    const updated = await apigateway<{ validateRequestBody: boolean }>(
      s,
      ...["update-request-validator", "--rest-api-id", apiId, "--request-validator-id", validator.id],
      ...["--patch-operations", "op=replace,path=/validateRequestBody,value=false"],
    );
    assert.equal(updated.validateRequestBody, false);
    await apigateway(s, "create-deployment", "--rest-api-id", apiId, "--stage-name", "prod");
    assert.equal((await post({ "x-owner": "ann" }, '{"age":-1}')).status, 200, "body checks off once redeployed");
    const missing = await awsCli(s, [
      "apigateway",
      "get-request-validator",
      "--rest-api-id",
      apiId,
      "--request-validator-id",
      "nope",
    ]);
    assert.match(missing.stderr, /NotFoundException.*Invalid Request Validator identifier specified/);
  });

  it("imports x-amazon-apigateway-request-validators and body models from an OpenAPI document", async () => {
    const doc = {
      openapi: "3.0.1",
      info: { title: "imported-validation", version: "1" },
      "x-amazon-apigateway-request-validators": {
        body: { validateRequestBody: true, validateRequestParameters: false },
        params: { validateRequestBody: false, validateRequestParameters: true },
      },
      "x-amazon-apigateway-request-validator": "params",
      components: { schemas: { Pet: JSON.parse(PET_SCHEMA) as object } },
      paths: {
        "/pets": {
          post: {
            "x-amazon-apigateway-request-validator": "body",
            requestBody: { content: { "application/json": { schema: { $ref: "#/components/schemas/Pet" } } } },
            responses: { "200": { description: "ok" } },
            "x-amazon-apigateway-integration": mockEcho,
          },
          get: {
            parameters: [{ name: "tag", in: "query", required: true, schema: { type: "string" } }],
            responses: { "200": { description: "ok" } },
            "x-amazon-apigateway-integration": mockEcho,
          },
        },
      },
    };
    const api = await sdk.send(new ImportRestApiCommand({ body: Buffer.from(JSON.stringify(doc)) }));
    const apiId = api.id ?? "";
    const validators = await sdk.send(new GetRequestValidatorsCommand({ restApiId: apiId }));
    assert.deepEqual(validators.items?.map((v) => v.name).sort(), ["body", "params"]);
    const models = await sdk.send(new GetModelsCommand({ restApiId: apiId }));
    assert.ok(models.items?.some((m) => m.name === "Pet"));
    await apigateway(s, "create-deployment", "--rest-api-id", apiId, "--stage-name", "prod");
    const post = await gatewayCall(s.gatewayPort, apiId, {
      method: "POST",
      path: "/prod/pets",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    assert.equal(post.status, 400);
    assert.deepEqual(JSON.parse(post.body), { message: "Invalid request body" });
    const get = await gatewayCall(s.gatewayPort, apiId, { path: "/prod/pets" });
    assert.deepEqual(JSON.parse(get.body), { message: "Missing required request parameters: [tag]" });
    assert.equal((await gatewayCall(s.gatewayPort, apiId, { path: "/prod/pets?tag=a" })).status, 200);

    // The export carries the validators and models; imported again, it validates the same way.
    const exported = await sdk.send(
      new GetExportCommand({
        restApiId: apiId,
        stageName: "prod",
        exportType: "oas30",
        parameters: { extensions: "apigateway" },
      }),
    );
    const again = await sdk.send(new ImportRestApiCommand({ body: exported.body ?? new Uint8Array() }));
    const againId = again.id ?? "";
    await apigateway(s, "create-deployment", "--rest-api-id", againId, "--stage-name", "prod");
    const post2 = await gatewayCall(s.gatewayPort, againId, {
      method: "POST",
      path: "/prod/pets",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    assert.deepEqual(JSON.parse(post2.body), { message: "Invalid request body" });
    const get2 = await gatewayCall(s.gatewayPort, againId, { path: "/prod/pets" });
    assert.deepEqual(JSON.parse(get2.body), { message: "Missing required request parameters: [tag]" });
  });
});
