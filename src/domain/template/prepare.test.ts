import assert from "node:assert/strict";
import { test } from "node:test";
import { prepareTemplate, resolveDeployedOutputs, resolveDeployedProperties } from "./prepare.js";
import { pseudoParameters } from "./pseudo.js";
import { readTemplate } from "./read.js";

const TEMPLATE = `
Parameters:
  Env: { Type: String, Default: dev }
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  NotProd: !Not [!Condition IsProd]
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Condition: IsProd
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: !If [IsProd, !GetAtt Queue.QueueName, !Sub "\${Env}-topic"]
  Fn:
    Type: AWS::Lambda::Function
    DependsOn: Topic
    Properties:
      Environment:
        Variables:
          TOPIC: !Ref Topic
          QUEUE: !If [IsProd, !Ref Queue, !Ref AWS::NoValue]
Outputs:
  TopicArn:
    Value: !Ref Topic
    Export: { Name: !Sub "\${AWS::StackName}-topic" }
  QueueUrl:
    Condition: IsProd
    Value: !Ref Queue
`;

const pseudo = pseudoParameters({ region: "us-east-1", accountId: "123456789012", stackName: "app" });

test("a false condition drops its resource, its outputs and the Fn::If branches that name it", () => {
  const body = readTemplate(TEMPLATE, "t.yaml").body;
  const p = prepareTemplate(body, { parameters: new Map([["Env", "dev"]]), pseudo });
  assert.deepEqual([...p.resources.keys()], ["Topic", "Fn"]);
  assert.deepEqual(p.resources.get("Topic")?.properties, { TopicName: "dev-topic" });
  assert.deepEqual(p.resources.get("Fn")?.properties, { Environment: { Variables: { TOPIC: { Ref: "Topic" } } } });
  assert.deepEqual(p.order, ["Topic", "Fn"]);
  assert.deepEqual(
    p.outputs.map((o) => o.name),
    ["TopicArn"],
  );
  const deployed = { physicalId: (id: string) => `arn:${id}`, attribute: (id: string, n: string) => `${id}.${n}` };
  assert.deepEqual(resolveDeployedProperties(p, "Fn", deployed), {
    Environment: { Variables: { TOPIC: "arn:Topic" } },
  });
  assert.deepEqual(resolveDeployedOutputs(p, deployed), [
    { name: "TopicArn", value: "arn:Topic", description: undefined, exportName: "app-topic" },
  ]);
});

test("a true condition keeps them, and the order follows the references", () => {
  const body = readTemplate(TEMPLATE, "t.yaml").body;
  const p = prepareTemplate(body, { parameters: new Map([["Env", "prod"]]), pseudo });
  assert.deepEqual(p.order, ["Queue", "Topic", "Fn"]);
  assert.deepEqual(
    p.conditions,
    new Map([
      ["IsProd", true],
      ["NotProd", false],
    ]),
  );
});

test("referring to a resource whose condition is false is an unresolved dependency", () => {
  const body = readTemplate(
    TEMPLATE.replace("QUEUE: !If [IsProd, !Ref Queue, !Ref AWS::NoValue]", "QUEUE: !Ref Queue"),
    "t.yaml",
  ).body;
  assert.throws(() => prepareTemplate(body, { parameters: new Map([["Env", "dev"]]), pseudo }), {
    message: "Template format error: Unresolved resource dependencies [Queue] in the Resources block of the template",
  });
});

test("conditions may not refer to resources", () => {
  const body = readTemplate(TEMPLATE.replace("!Equals [!Ref Env, prod]", "!Equals [!Ref Topic, prod]"), "t.yaml").body;
  assert.throws(() => prepareTemplate(body, { parameters: new Map([["Env", "dev"]]), pseudo }), {
    message:
      "Template format error: Unresolved dependencies [Topic]. Cannot reference resources in the Conditions block of the template",
  });
});
