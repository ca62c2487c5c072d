/**
 * API Gateway invokes a function only with the function's permission, as on AWS: a route whose
 * function has no AddPermission for `apigateway.amazonaws.com` (or one whose SourceArn names
 * another API, stage or method) answers 500 and logs "Invalid permissions on Lambda function";
 * with a matching permission it answers. A permission on an alias covers a route that names the
 * alias, not the function itself. Real node, real SDK v3, signed API Gateway calls.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  AddPermissionCommand,
  CreateAliasCommand,
  CreateFunctionCommand,
  PublishVersionCommand,
  RemovePermissionCommand,
} from "@aws-sdk/client-lambda";
import { zipSync } from "fflate";
import { restApiFor, type ApigwTarget } from "../helpers/apigw-client.js";
import {
  functionArn,
  NODE_ACCOUNT,
  NODE_REGION,
  NODE_ROLE,
  startLambdaNode,
  type LambdaNode,
} from "../helpers/lambda-node.js";

const CODE = zipSync({
  "index.js": Buffer.from('exports.handler = async () => ({ statusCode: 200, body: "invoked" });'),
});
const APIGW = "apigateway.amazonaws.com";

describe("API Gateway needs the function's permission to invoke it", () => {
  let node: LambdaNode;
  let target: ApigwTarget;
  const get = (apiId: string) => fetch(`${node.gatewayUrl}/_api/${apiId}/prod/`);
  const permit = (name: string, sid: string, sourceArn?: string, qualifier?: string) =>
    node.client.send(
      new AddPermissionCommand({
        FunctionName: name,
        Qualifier: qualifier,
        StatementId: sid,
        Action: "lambda:InvokeFunction",
        Principal: APIGW,
        SourceArn: sourceArn,
      }),
    );

  before(async () => {
    node = await startLambdaNode();
    target = { apiUrl: node.url, accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey };
    for (const name of ["guarded", "aliased"]) {
      await node.client.send(
        new CreateFunctionCommand({
          FunctionName: name,
          Runtime: "nodejs20.x",
          Role: NODE_ROLE,
          Handler: "index.handler",
          Code: { ZipFile: CODE },
        }),
      );
    }
  });
  after(() => node.close());

  it("without a permission the route answers 500 and says why; a matching SourceArn lets it through", async () => {
    const { apiId } = await restApiFor(target, functionArn("guarded"));
    const before = await get(apiId);
    assert.equal(before.status, 500);
    assert.deepEqual(await before.json(), { message: "Internal server error" });
    const log = node.accessLogs.find((r) => r.apiId === apiId);
    assert.equal(log?.error, "invalid-permissions");
    assert.equal(node.records.filter((r) => r.functionName === "guarded").length, 0, "the function never ran");

    const execute = `arn:aws:execute-api:${NODE_REGION}:${NODE_ACCOUNT}`;
    await permit("guarded", "other-api", `${execute}:someotherapi/*/GET/`);
    await permit("guarded", "other-method", `${execute}:${apiId}/*/POST/`);
    assert.equal((await get(apiId)).status, 500, "a permission for another API or method does not count");

    await permit("guarded", "this-api", `${execute}:${apiId}/*/GET/`);
    const allowed = await get(apiId);
    assert.equal(allowed.status, 200);
    assert.equal(await allowed.text(), "invoked");

    await node.client.send(new RemovePermissionCommand({ FunctionName: "guarded", StatementId: "this-api" }));
    assert.equal((await get(apiId)).status, 500, "removing the permission takes effect at once");
  });

  it("a route naming an alias needs the alias's permission; the function's own does not cover it", async () => {
    await node.client.send(new PublishVersionCommand({ FunctionName: "aliased" }));
    await node.client.send(new CreateAliasCommand({ FunctionName: "aliased", Name: "live", FunctionVersion: "1" }));
    const { apiId } = await restApiFor(target, functionArn("aliased", "live"));
    await permit("aliased", "function-only");
    assert.equal((await get(apiId)).status, 500);
    await permit("aliased", "alias", undefined, "live");
    assert.equal((await get(apiId)).status, 200);
  });
});
