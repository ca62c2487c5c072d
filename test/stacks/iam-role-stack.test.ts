/**
 * A SAM app's execution roles made in the node's IAM by the stack deploy (CloudFormation API,
 * SDK v3): a function with `SQSSendMessagePolicy` sends to its queue with its session keys and
 * is refused another; a failed async event reaches the OnFailure queue the role allows; an update
 * that drops the policy takes the permission away; deleting the stack deletes the role
 * (`aws iam get-role` → NoSuchEntity).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStackResourcesCommand,
  UpdateStackCommand,
  waitUntilStackCreateComplete,
  waitUntilStackDeleteComplete,
  waitUntilStackUpdateComplete,
} from "@aws-sdk/client-cloudformation";
import { InvokeCommand } from "@aws-sdk/client-lambda";
import { ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { awsCli } from "../helpers/apigw-stack.js";
import { NODE_REGION, startLambdaNode, type LambdaNode } from "../helpers/lambda-node.js";
import { tempDir } from "../helpers/temp-dir.js";
import { waitFor } from "../helpers/wait.js";

const SENDER = `exports.handler = async (event) => {
          const { SQSClient, SendMessageCommand } = require("@aws-sdk/client-sqs");
          try {
            await new SQSClient({ maxAttempts: 1 }).send(new SendMessageCommand({ QueueUrl: event.url, MessageBody: "hi" }));
            return "sent";
          } catch (e) {
            return e.name;
          }
        };`;

const template = (withPolicy: boolean) => `Transform: AWS::Serverless-2016-10-31
Resources:
  Allowed:
    Type: AWS::SQS::Queue
  Other:
    Type: AWS::SQS::Queue
  Failures:
    Type: AWS::SQS::Queue
  Sender:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      Timeout: 10
      InlineCode: |
        ${SENDER}
${withPolicy ? "      Policies:\n        - SQSSendMessagePolicy:\n            QueueName: !GetAtt Allowed.QueueName\n" : ""}  Failing:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      InlineCode: |
        exports.handler = async () => { throw new Error("always fails"); };
      EventInvokeConfig:
        MaximumRetryAttempts: 0
        DestinationConfig:
          OnFailure:
            Type: SQS
            Destination: !GetAtt Failures.Arn
`;

describe("stack-made IAM roles", () => {
  let node: LambdaNode;
  let cfn: CloudFormationClient;
  let sqs: SQSClient;
  let home: ReturnType<typeof tempDir>;
  let ids: Record<string, string> = {};
  const STACK = "withroles";

  const resources = async (): Promise<Record<string, string>> => {
    const out = (await cfn.send(new DescribeStackResourcesCommand({ StackName: STACK }))).StackResources ?? [];
    return Object.fromEntries(out.map((r) => [r.LogicalResourceId ?? "", r.PhysicalResourceId ?? ""]));
  };
  const send = async (queue: string): Promise<string> => {
    const out = await node.client.send(
      new InvokeCommand({ FunctionName: ids["Sender"], Payload: Buffer.from(JSON.stringify({ url: ids[queue] })) }),
    );
    assert.equal(out.FunctionError, undefined);
    return JSON.parse(Buffer.from(out.Payload ?? []).toString()) as string;
  };
  const cli = (args: string[]) =>
    awsCli(
      {
        apiUrl: node.url,
        home: home.path,
        credentials: { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey },
      },
      args,
    );

  before(async () => {
    node = await startLambdaNode();
    home = tempDir("iam-cli");
    const config = {
      region: NODE_REGION,
      endpoint: node.url,
      credentials: { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey },
      maxAttempts: 1,
    };
    cfn = new CloudFormationClient(config);
    sqs = new SQSClient(config);
    await cfn.send(
      new CreateStackCommand({ StackName: STACK, TemplateBody: template(true), Capabilities: ["CAPABILITY_IAM"] }),
    );
    await waitUntilStackCreateComplete(
      { client: cfn, maxWaitTime: 120, minDelay: 1, maxDelay: 1 },
      { StackName: STACK },
    );
    ids = await resources();
  });
  after(async () => {
    cfn.destroy();
    sqs.destroy();
    await node.close();
    home.remove();
  });

  it("creates the role in IAM with its trust policy, managed and inline policies", async () => {
    const got = await cli(["iam", "get-role", "--role-name", ids["SenderRole"]!]);
    assert.equal(got.code, 0, got.stderr);
    const role = (JSON.parse(got.stdout) as { Role: { RoleName: string; Arn: string } }).Role;
    assert.equal(role.RoleName, ids["SenderRole"]);
    assert.match(role.RoleName, /^withroles-SenderRole-[0-9A-F]{12}$/);
    const attached = await cli(["iam", "list-attached-role-policies", "--role-name", role.RoleName]);
    assert.match(attached.stdout, /AWSLambdaBasicExecutionRole/);
    const inline = await cli(["iam", "list-role-policies", "--role-name", role.RoleName]);
    assert.match(inline.stdout, /SenderRolePolicy0/);
  });

  it("lets the function send to the queue its policy names, and refuses another", async () => {
    assert.equal(await send("Allowed"), "sent");
    assert.match(await send("Other"), /AccessDenied/);
  });

  it("delivers a failed async event to the OnFailure queue the role allows", async () => {
    const out = await node.client.send(new InvokeCommand({ FunctionName: ids["Failing"], InvocationType: "Event" }));
    assert.equal(out.StatusCode, 202);
    await waitFor(
      async () => {
        const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: ids["Failures"], WaitTimeSeconds: 1 }));
        return (got.Messages ?? []).some((m) => /always fails/.test(m.Body ?? ""));
      },
      "the failure record in the OnFailure queue",
      60_000,
    );
  });

  it("makes a named role with an AWS::IAM::Policy, keeps that policy when the trust policy changes, and fails a malformed document with IAM's message", async () => {
    const trust = (service: string) =>
      `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"${service}"},"Action":"sts:AssumeRole"}]}`;
    const plain = (service: string, action: string) => `Resources:
  Named:
    Type: AWS::IAM::Role
    Properties:
      RoleName: plain-named
      Path: /app/
      AssumeRolePolicyDocument: ${trust(service)}
  Extra:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: extra
      Roles: [!Ref Named]
      PolicyDocument: {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"${action}","Resource":"*"}]}
`;
    const wait = { client: cfn, maxWaitTime: 120, minDelay: 1, maxDelay: 1 };
    await cfn.send(
      new CreateStackCommand({
        StackName: "plain",
        TemplateBody: plain("lambda.amazonaws.com", "sqs:*"),
        Capabilities: ["CAPABILITY_NAMED_IAM"],
      }),
    );
    await waitUntilStackCreateComplete(wait, { StackName: "plain" });
    const role = JSON.parse((await cli(["iam", "get-role", "--role-name", "plain-named"])).stdout) as {
      Role: { Arn: string; Path: string };
    };
    assert.equal(role.Role.Arn, "arn:aws:iam::123456789012:role/app/plain-named");
    const extra = await cli(["iam", "get-role-policy", "--role-name", "plain-named", "--policy-name", "extra"]);
    assert.equal(extra.code, 0, extra.stderr);

    await cfn.send(
      new UpdateStackCommand({
        StackName: "plain",
        TemplateBody: plain("edgelambda.amazonaws.com", "sqs:*"),
        Capabilities: ["CAPABILITY_NAMED_IAM"],
      }),
    );
    await waitUntilStackUpdateComplete(wait, { StackName: "plain" });
    const again = await cli(["iam", "get-role", "--role-name", "plain-named"]);
    assert.match(again.stdout, /edgelambda\.amazonaws\.com/);
    const kept = await cli(["iam", "get-role-policy", "--role-name", "plain-named", "--policy-name", "extra"]);
    assert.equal(kept.code, 0, "the AWS::IAM::Policy survives the role being made again");

    await cfn.send(
      new UpdateStackCommand({
        StackName: "plain",
        TemplateBody: plain("edgelambda.amazonaws.com", "not-an-action"),
        Capabilities: ["CAPABILITY_NAMED_IAM"],
      }),
    );
    await assert.rejects(waitUntilStackUpdateComplete(wait, { StackName: "plain" }));
    const events = (await cfn.send(new DescribeStackEventsCommand({ StackName: "plain" }))).StackEvents ?? [];
    const failed = events.find((e) => e.LogicalResourceId === "Extra" && e.ResourceStatus === "UPDATE_FAILED");
    assert.match(failed?.ResourceStatusReason ?? "", /MalformedPolicyDocument/);

    await cfn.send(new DeleteStackCommand({ StackName: "plain" }));
    await waitUntilStackDeleteComplete(wait, { StackName: "plain" });
    assert.match((await cli(["iam", "get-role", "--role-name", "plain-named"])).stderr, /NoSuchEntity/);
  });

  it("takes the permission away when an update drops the policy, and deletes the role with the stack", async () => {
    await cfn.send(
      new UpdateStackCommand({ StackName: STACK, TemplateBody: template(false), Capabilities: ["CAPABILITY_IAM"] }),
    );
    await waitUntilStackUpdateComplete(
      { client: cfn, maxWaitTime: 120, minDelay: 1, maxDelay: 1 },
      { StackName: STACK },
    );
    assert.equal((await resources())["SenderRole"], ids["SenderRole"], "the role is updated in place");
    assert.match(await send("Allowed"), /AccessDenied/);

    await cfn.send(new DeleteStackCommand({ StackName: STACK }));
    await waitUntilStackDeleteComplete(
      { client: cfn, maxWaitTime: 120, minDelay: 1, maxDelay: 1 },
      { StackName: STACK },
    );
    const gone = await cli(["iam", "get-role", "--role-name", ids["SenderRole"]!]);
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /NoSuchEntity/);
  });
});
