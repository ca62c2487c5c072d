/**
 * Resource-based policies (AddPermission) decide who may invoke a function, as on AWS: a user
 * whose identity policies do not allow Invoke is refused until the function's (or the alias's)
 * policy names it, and a permission on an alias does not open the function itself.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CreateAccessKeyCommand, CreateUserCommand } from "@aws-sdk/client-iam";
import {
  AddPermissionCommand,
  CreateAliasCommand,
  CreateFunctionCommand,
  InvokeCommand,
  LambdaClient,
  PublishVersionCommand,
  RemovePermissionCommand,
} from "@aws-sdk/client-lambda";
import { HANDLER_ZIP } from "../helpers/control-fixture.js";
import { iamClient } from "../helpers/iam.js";
import {
  AKID,
  NODE_ACCOUNT,
  NODE_REGION,
  NODE_ROLE,
  SECRET,
  startLambdaNode,
  type LambdaNode,
} from "../helpers/lambda-node.js";

let node: LambdaNode;
let outsider: LambdaClient;
const userArn = `arn:aws:iam::${NODE_ACCOUNT}:user/outsider`;
const fnArn = (q?: string) => `arn:aws:lambda:${NODE_REGION}:${NODE_ACCOUNT}:function:guarded${q ? `:${q}` : ""}`;

describe("AddPermission decides who may invoke", () => {
  before(async () => {
    node = await startLambdaNode();
    const iam = iamClient({ endpoint: node.url, accessKeyId: AKID, secretAccessKey: SECRET });
    await iam.send(new CreateUserCommand({ UserName: "outsider" }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: "outsider" }))).AccessKey;
    iam.destroy();
    outsider = new LambdaClient({
      region: NODE_REGION,
      endpoint: node.url,
      credentials: { accessKeyId: key?.AccessKeyId ?? "", secretAccessKey: key?.SecretAccessKey ?? "" },
      maxAttempts: 1,
    });
    await node.client.send(
      new CreateFunctionCommand({
        FunctionName: "guarded",
        Runtime: "nodejs20.x",
        Role: NODE_ROLE,
        Handler: "index.handler",
        Code: { ZipFile: HANDLER_ZIP },
      }),
    );
    await node.client.send(new PublishVersionCommand({ FunctionName: "guarded" }));
    await node.client.send(new CreateAliasCommand({ FunctionName: "guarded", Name: "live", FunctionVersion: "1" }));
  });
  after(async () => {
    outsider?.destroy();
    await node?.close();
  });

  const invoke = (FunctionName: string) =>
    outsider.send(new InvokeCommand({ FunctionName, Payload: Buffer.from('{"a":1}') }));

  test("no identity policy, no resource policy: AccessDeniedException with AWS's text", async () => {
    await assert.rejects(invoke("guarded"), {
      name: "AccessDeniedException",
      message: `User: ${userArn} is not authorized to perform: lambda:InvokeFunction on resource: ${fnArn()} because no identity-based policy allows the lambda:InvokeFunction action`,
    });
  });

  test("a statement naming the user on the alias opens the alias only, until it is removed", async () => {
    await node.client.send(
      new AddPermissionCommand({
        FunctionName: "guarded",
        Qualifier: "live",
        StatementId: "outsider",
        Action: "lambda:InvokeFunction",
        Principal: userArn,
      }),
    );
    const out = await invoke("guarded:live");
    assert.deepEqual(JSON.parse(Buffer.from(out.Payload ?? []).toString()), { a: 1 });
    await assert.rejects(invoke("guarded"), { name: "AccessDeniedException" });
    await node.client.send(
      new RemovePermissionCommand({ FunctionName: "guarded", Qualifier: "live", StatementId: "outsider" }),
    );
    await assert.rejects(invoke("guarded:live"), { name: "AccessDeniedException" });
  });

  test("a service principal's statement does not let a user in", async () => {
    await node.client.send(
      new AddPermissionCommand({
        FunctionName: "guarded",
        StatementId: "apigw",
        Action: "lambda:InvokeFunction",
        Principal: "apigateway.amazonaws.com",
      }),
    );
    await assert.rejects(invoke("guarded"), { name: "AccessDeniedException" });
  });
});
