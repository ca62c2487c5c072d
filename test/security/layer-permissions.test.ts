/**
 * Who may use a layer, as on AWS: a user whose own policies do not allow `lambda:GetLayerVersion`
 * can neither read a layer version nor attach it to a function (CreateFunction,
 * UpdateFunctionConfiguration) until the version's policy (AddLayerVersionPermission) lets them;
 * removing the permission closes it again.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand } from "@aws-sdk/client-iam";
import {
  AddLayerVersionPermissionCommand,
  CreateFunctionCommand,
  GetLayerVersionCommand,
  LambdaClient,
  PublishLayerVersionCommand,
  RemoveLayerVersionPermissionCommand,
  UpdateFunctionConfigurationCommand,
} from "@aws-sdk/client-lambda";
import { zipSync } from "fflate";
import { HANDLER_ZIP } from "../helpers/control-fixture.js";
import { iamClient } from "../helpers/iam.js";
import {
  AKID,
  NODE_ACCOUNT,
  NODE_ROLE,
  NODE_REGION,
  SECRET,
  startLambdaNode,
  type LambdaNode,
} from "../helpers/lambda-node.js";

const userArn = `arn:aws:iam::${NODE_ACCOUNT}:user/builder`;

let node: LambdaNode;
let builder: LambdaClient;
let layerArn = "";

describe("layer permissions for a user whose policies do not cover the layer", () => {
  before(async () => {
    node = await startLambdaNode();
    const iam = iamClient({ endpoint: node.url, accessKeyId: AKID, secretAccessKey: SECRET });
    await iam.send(new CreateUserCommand({ UserName: "builder" }));
    // May make and configure functions and pass roles; nothing about layers.
    const PolicyDocument = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: ["lambda:CreateFunction", "lambda:UpdateFunctionConfiguration", "iam:PassRole"],
          Resource: "*",
        },
      ],
    });
    await iam.send(new PutUserPolicyCommand({ UserName: "builder", PolicyName: "functions", PolicyDocument }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: "builder" }))).AccessKey;
    iam.destroy();
    builder = new LambdaClient({
      region: NODE_REGION,
      endpoint: node.url,
      credentials: { accessKeyId: key?.AccessKeyId ?? "", secretAccessKey: key?.SecretAccessKey ?? "" },
      maxAttempts: 1,
    });
    const layer = await node.client.send(
      new PublishLayerVersionCommand({
        LayerName: "private-tools",
        Content: { ZipFile: zipSync({ "nodejs/tool.js": new TextEncoder().encode("exports.x = 1;") }) },
      }),
    );
    layerArn = layer.LayerVersionArn ?? "";
  });
  after(async () => {
    builder?.destroy();
    await node?.close();
  });

  const denied = (action: string) => ({
    name: "AccessDeniedException",
    message: `User: ${userArn} is not authorized to perform: ${action} on resource: ${layerArn} because no identity-based policy allows the ${action} action`,
  });
  const create = (FunctionName: string) =>
    builder.send(
      new CreateFunctionCommand({
        FunctionName,
        Runtime: "nodejs20.x",
        Role: NODE_ROLE,
        Handler: "index.handler",
        Code: { ZipFile: HANDLER_ZIP },
        Layers: [layerArn],
      }),
    );

  test("refused: reading the version, and attaching it on create or on a configuration update", async () => {
    await assert.rejects(
      builder.send(new GetLayerVersionCommand({ LayerName: "private-tools", VersionNumber: 1 })),
      denied("lambda:GetLayerVersion"),
    );
    await assert.rejects(create("with-layer"), denied("lambda:GetLayerVersion"));
    await builder.send(
      new CreateFunctionCommand({
        FunctionName: "plain",
        Runtime: "nodejs20.x",
        Role: NODE_ROLE,
        Handler: "index.handler",
        Code: { ZipFile: HANDLER_ZIP },
      }),
    );
    await assert.rejects(
      builder.send(new UpdateFunctionConfigurationCommand({ FunctionName: "plain", Layers: [layerArn] })),
      denied("lambda:GetLayerVersion"),
    );
  });

  test("the version's policy lets the user in until the statement is removed", async () => {
    await node.client.send(
      new AddLayerVersionPermissionCommand({
        LayerName: "private-tools",
        VersionNumber: 1,
        StatementId: "everyone",
        Action: "lambda:GetLayerVersion",
        Principal: "*",
      }),
    );
    const got = await builder.send(new GetLayerVersionCommand({ LayerName: "private-tools", VersionNumber: 1 }));
    assert.equal(got.LayerVersionArn, layerArn);
    const made = await create("with-layer");
    assert.deepEqual(
      made.Layers?.map((l) => l.Arn),
      [layerArn],
    );
    await node.client.send(
      new RemoveLayerVersionPermissionCommand({
        LayerName: "private-tools",
        VersionNumber: 1,
        StatementId: "everyone",
      }),
    );
    await assert.rejects(create("with-layer-again"), denied("lambda:GetLayerVersion"));
  });
});
