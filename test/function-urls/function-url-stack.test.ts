/**
 * SAM's FunctionUrlConfig deployed through the CloudFormation API (SDK v3) against a real node:
 * the `<Fn>Url` resource and the public permissions SAM generates for AuthType NONE make a URL
 * that answers at once, an AWS_IAM URL on an alias refuses unsigned calls, the outputs carry
 * GetAtt FunctionUrl, and deleting the stack removes the URLs.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStacksCommand,
  waitUntilStackCreateComplete,
  waitUntilStackDeleteComplete,
} from "@aws-sdk/client-cloudformation";
import { ListFunctionUrlConfigsCommand } from "@aws-sdk/client-lambda";
import { NODE_REGION, startLambdaNode, type LambdaNode } from "../helpers/lambda-node.js";
import { call } from "./url-helpers.js";

const TEMPLATE = `
Transform: AWS::Serverless-2016-10-31
Resources:
  Hello:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: stack-url-hello
      Runtime: nodejs20.x
      Handler: index.handler
      InlineCode: "exports.handler = async (e) => ({ statusCode: 200, body: 'hi ' + e.rawPath });"
      FunctionUrlConfig:
        AuthType: NONE
        Cors:
          AllowOrigins: ["https://app.example"]
  Private:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: stack-url-private
      Runtime: nodejs20.x
      Handler: index.handler
      AutoPublishAlias: live
      InlineCode: "exports.handler = async () => 'secret';"
      FunctionUrlConfig:
        AuthType: AWS_IAM
Outputs:
  HelloUrl:
    Value: !GetAtt HelloUrl.FunctionUrl
  PrivateUrl:
    Value: !GetAtt PrivateUrl.FunctionUrl
  PrivateArn:
    Value: !Ref PrivateUrl
`;

const waiter = { maxWaitTime: 120, minDelay: 1, maxDelay: 1 };
let node: LambdaNode;
let cfn: CloudFormationClient;
before(async () => {
  node = await startLambdaNode();
  cfn = new CloudFormationClient({
    region: NODE_REGION,
    endpoint: node.url,
    credentials: { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey },
    maxAttempts: 1,
  });
});
after(async () => {
  cfn.destroy();
  await node.close();
});

describe("function URLs in stacks", () => {
  test("FunctionUrlConfig makes working URLs; the stack's deletion removes them", async () => {
    await cfn.send(
      new CreateStackCommand({
        StackName: "urls",
        TemplateBody: TEMPLATE,
        Capabilities: ["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"],
      }),
    );
    await waitUntilStackCreateComplete({ client: cfn, ...waiter }, { StackName: "urls" });
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: "urls" }))).Stacks?.[0];
    const out = Object.fromEntries((stack?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue ?? ""]));
    assert.match(out["HelloUrl"] ?? "", /^http:\/\/[a-z0-9]{32}\.lambda-url\.us-east-1\.localhost:\d+\/$/);
    assert.match(out["PrivateArn"] ?? "", /:function:stack-url-private:live$/);

    const hello = await call(`${out["HelloUrl"]}there`, { headers: { origin: "https://app.example" } });
    assert.deepEqual([hello.status, hello.body], [200, "hi /there"]);
    assert.equal(hello.headers["access-control-allow-origin"], "https://app.example");
    assert.equal((await call(out["PrivateUrl"] ?? "")).status, 403);

    await cfn.send(new DeleteStackCommand({ StackName: "urls" }));
    await waitUntilStackDeleteComplete({ client: cfn, ...waiter }, { StackName: "urls" });
    assert.equal((await call(out["HelloUrl"] ?? "")).status, 403);
    await assert.rejects(node.client.send(new ListFunctionUrlConfigsCommand({ FunctionName: "stack-url-hello" })));
  });
});
