/**
 * AWS::IAM::ManagedPolicy in a SAM stack (CloudFormation API, SDK v3): a function whose role gets
 * the policy through `Policies: [!Ref SendPolicy]` (the role's ManagedPolicyArns) and one whose
 * role the policy names in `Roles` both send to the queue the policy allows, and no other; the
 * role carries the template's tags; an update of the document makes a new default version that
 * moves the permission; deleting the stack deletes the policies.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackResourcesCommand,
  UpdateStackCommand,
  waitUntilStackCreateComplete,
  waitUntilStackDeleteComplete,
  waitUntilStackUpdateComplete,
} from "@aws-sdk/client-cloudformation";
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  type IAMClient,
  ListEntitiesForPolicyCommand,
  ListRoleTagsCommand,
} from "@aws-sdk/client-iam";
import { InvokeCommand } from "@aws-sdk/client-lambda";
import { iamClient } from "../helpers/iam.js";
import { NODE_ACCOUNT, NODE_REGION, startLambdaNode, type LambdaNode } from "../helpers/lambda-node.js";

const SENDER = `exports.handler = async (event) => {
          const { SQSClient, SendMessageCommand } = require("@aws-sdk/client-sqs");
          try {
            await new SQSClient({ maxAttempts: 1 }).send(new SendMessageCommand({ QueueUrl: event.url, MessageBody: "hi" }));
            return "sent";
          } catch (e) {
            return e.name;
          }
        };`;

const fn = (extra: string) => `    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      Timeout: 10
      InlineCode: |
        ${SENDER}
${extra}`;

const sendTo = (queue: string) =>
  `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"\${${queue}.Arn}"}]}`;

const template = (queue: string) => `Transform: AWS::Serverless-2016-10-31
Resources:
  Allowed:
    Type: AWS::SQS::Queue
  Other:
    Type: AWS::SQS::Queue
  SendPolicy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      Description: sends to one queue
      Path: /app/
      PolicyDocument: !Sub '${sendTo(queue)}'
  ByArn:
${fn("      Policies:\n        - !Ref SendPolicy\n      Tags:\n        team: orders\n")}
  ByRoles:
${fn("")}
  AttachToRole:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      ManagedPolicyName: attach-to-role
      Roles: [!Ref ByRolesRole]
      PolicyDocument: !Sub '${sendTo("Allowed")}'
`;

describe("AWS::IAM::ManagedPolicy in a stack", () => {
  let node: LambdaNode;
  let cfn: CloudFormationClient;
  let iam: IAMClient;
  let ids: Record<string, string> = {};
  const STACK = "policies";
  const wait = () => ({ client: cfn, maxWaitTime: 180, minDelay: 1, maxDelay: 1 });
  const capabilities = ["CAPABILITY_NAMED_IAM" as const];

  const resources = async (): Promise<Record<string, string>> => {
    const out = (await cfn.send(new DescribeStackResourcesCommand({ StackName: STACK }))).StackResources ?? [];
    return Object.fromEntries(out.map((r) => [r.LogicalResourceId ?? "", r.PhysicalResourceId ?? ""]));
  };
  const send = async (fnId: string, queue: string): Promise<string> => {
    const out = await node.client.send(
      new InvokeCommand({ FunctionName: ids[fnId], Payload: Buffer.from(JSON.stringify({ url: ids[queue] })) }),
    );
    assert.equal(out.FunctionError, undefined);
    return JSON.parse(Buffer.from(out.Payload ?? []).toString()) as string;
  };

  before(async () => {
    node = await startLambdaNode();
    const credentials = { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey };
    cfn = new CloudFormationClient({ region: NODE_REGION, endpoint: node.url, credentials, maxAttempts: 1 });
    iam = iamClient({ endpoint: node.url, ...credentials });
    await cfn.send(
      new CreateStackCommand({ StackName: STACK, TemplateBody: template("Allowed"), Capabilities: capabilities }),
    );
    await waitUntilStackCreateComplete(wait(), { StackName: STACK });
    ids = await resources();
  });
  after(async () => {
    cfn?.destroy();
    iam?.destroy();
    await node?.close();
  });

  it("makes the policies in IAM, Ref being the ARN, attached to both roles", async () => {
    const arn = ids["SendPolicy"] ?? "";
    assert.match(arn, new RegExp(`^arn:aws:iam::${NODE_ACCOUNT}:policy/app/policies-SendPolicy-[0-9A-F]{12}$`));
    const got = (await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy;
    assert.equal(got?.Description, "sends to one queue");
    assert.equal(got?.AttachmentCount, 1);
    const entities = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: arn }));
    assert.deepEqual(
      entities.PolicyRoles?.map((r) => r.RoleName),
      [ids["ByArnRole"]],
    );
    const named = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: ids["AttachToRole"] }));
    assert.equal(ids["AttachToRole"], `arn:aws:iam::${NODE_ACCOUNT}:policy/attach-to-role`);
    assert.deepEqual(
      named.PolicyRoles?.map((r) => r.RoleName),
      [ids["ByRolesRole"]],
    );
  });

  it("stores the template's tags on the role SAM makes", async () => {
    const tags = (await iam.send(new ListRoleTagsCommand({ RoleName: ids["ByArnRole"] }))).Tags;
    assert.deepEqual(tags, [
      { Key: "lambda:createdBy", Value: "SAM" },
      { Key: "team", Value: "orders" },
    ]);
  });

  it("grants what the policies allow, and nothing else", async () => {
    assert.equal(await send("ByArn", "Allowed"), "sent");
    assert.equal(await send("ByRoles", "Allowed"), "sent");
    assert.match(await send("ByArn", "Other"), /AccessDenied/);
    assert.match(await send("ByRoles", "Other"), /AccessDenied/);
  });

  it("an update of the document makes a new default version that moves the permission", async () => {
    await cfn.send(
      new UpdateStackCommand({ StackName: STACK, TemplateBody: template("Other"), Capabilities: capabilities }),
    );
    await waitUntilStackUpdateComplete(wait(), { StackName: STACK });
    const arn = ids["SendPolicy"] ?? "";
    assert.equal((await resources())["SendPolicy"], arn, "updated in place");
    const got = (await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy;
    assert.equal(got?.DefaultVersionId, "v2");
    const v2 = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: "v2" }));
    assert.match(decodeURIComponent(v2.PolicyVersion?.Document ?? ""), new RegExp(ids["Other"]!.split("/").pop()!));
    assert.equal(await send("ByArn", "Other"), "sent");
    assert.match(await send("ByArn", "Allowed"), /AccessDenied/);
  });

  it("deleting the stack deletes the policies", async () => {
    await cfn.send(new DeleteStackCommand({ StackName: STACK }));
    await waitUntilStackDeleteComplete(wait(), { StackName: STACK });
    for (const id of ["SendPolicy", "AttachToRole"]) {
      await assert.rejects(
        iam.send(new GetPolicyCommand({ PolicyArn: ids[id] })),
        (e: Error) => e.name === "NoSuchEntityException",
      );
    }
  });
});
