/**
 * AWS::SNS::TopicPolicy deployed with the AWS CLI v2's `aws cloudformation deploy`: the document
 * becomes the Policy of the topics it lists, an update that drops a topic gives that topic SNS's
 * default policy back, and deleting the stack does so for all.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { awsCli } from "../helpers/apigw-stack.js";
import { startLambdaNode, type LambdaNode } from "../helpers/lambda-node.js";
import { tempDir, type TempDir } from "../helpers/temp-dir.js";

function template(policyTopics: readonly string[]): string {
  return `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Orders:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: policy-orders
  Audit:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: policy-audit
  Allow:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [${policyTopics.map((t) => `!Ref ${t}`).join(", ")}]
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Sid: FromRules
            Effect: Allow
            Principal: { Service: events.amazonaws.com }
            Action: sns:Publish
            Resource: '*'
`;
}

describe("AWS::SNS::TopicPolicy through aws cloudformation deploy", () => {
  let node: LambdaNode;
  let dir: TempDir;
  const cli = (...args: string[]) =>
    awsCli(
      {
        apiUrl: node.url,
        credentials: { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey },
        home: dir.path,
      },
      args,
    );
  const deploy = async (policyTopics: readonly string[]) => {
    const file = join(dir.path, "template.yaml");
    writeFileSync(file, template(policyTopics));
    const r = await cli("cloudformation", "deploy", "--stack-name", "topic-policy", "--template-file", file);
    assert.equal(r.code, 0, r.stderr);
  };
  const policyOf = async (name: string) => {
    const arn = `arn:aws:sns:us-east-1:123456789012:${name}`;
    const r = await cli("sns", "get-topic-attributes", "--topic-arn", arn);
    assert.equal(r.code, 0, r.stderr);
    const attrs = (JSON.parse(r.stdout) as { Attributes: Record<string, string> }).Attributes;
    return JSON.parse(attrs["Policy"]!) as { Id?: string; Statement: { Sid: string }[] };
  };

  before(async () => {
    node = await startLambdaNode();
    dir = tempDir("topic-policy");
  });
  after(async () => {
    await node.close();
    await dir.remove();
  });

  it("sets, narrows and removes the topics' Policy with the stack", async () => {
    await deploy(["Orders", "Audit"]);
    assert.equal((await policyOf("policy-orders")).Statement[0]!.Sid, "FromRules");
    assert.equal((await policyOf("policy-audit")).Statement[0]!.Sid, "FromRules");

    await deploy(["Orders"]);
    assert.equal((await policyOf("policy-orders")).Statement[0]!.Sid, "FromRules");
    assert.equal((await policyOf("policy-audit")).Id, "__default_policy_ID");

    const described = await cli(
      "cloudformation",
      "describe-stack-resource",
      "--stack-name",
      "topic-policy",
      "--logical-resource-id",
      "Allow",
    );
    assert.equal(described.code, 0, described.stderr);
    assert.match(described.stdout, /AWS::SNS::TopicPolicy/);

    // Keep the topics, drop the policy: the one topic it was on gets the default back.
    const file = join(dir.path, "template.yaml");
    writeFileSync(file, template(["Orders"]).replace(/  Allow:[\s\S]*$/, ""));
    const r = await cli("cloudformation", "deploy", "--stack-name", "topic-policy", "--template-file", file);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await policyOf("policy-orders")).Id, "__default_policy_ID");

    const del = await cli("cloudformation", "delete-stack", "--stack-name", "topic-policy");
    assert.equal(del.code, 0, del.stderr);
  });
});
