/**
 * `haneul deploy` and the stack commands as a user runs them, against a real `haneul server`:
 * a SAM template with a code directory deployed, redeployed unchanged (nothing published), with a
 * code change (new version, alias moved, the API answers with the new code), a broken template,
 * a stack listed, described, its events shown, and deleted.
 */
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ListVersionsByFunctionCommand, GetAliasCommand } from "@aws-sdk/client-lambda";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { haneulCli } from "../helpers/haneul-cli.js";
import { SERVER_KEY, startServerNode, type ServerNode } from "../helpers/server-node.js";
import { tempDir } from "../helpers/temp-dir.js";

let node: ServerNode;
let app: ReturnType<typeof tempDir>;

const TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage:
    Type: String
    AllowedValues: [dev, prod]
Resources:
  Hello:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      CodeUri: src/
      AutoPublishAlias: live
      FunctionUrlConfig:
        AuthType: NONE
      Environment:
        Variables:
          STAGE: !Ref Stage
      Events:
        Get:
          Type: HttpApi
          Properties:
            Path: /hello
            Method: get
        Tick:
          Type: Schedule
          Properties:
            Schedule: rate(1 hour)
            Input: '{"tick": 1}'
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 40
  HelloLogs:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: !Sub /aws/lambda/\${Hello}
      RetentionInDays: 30
Outputs:
  FunctionName:
    Value: !Ref Hello
  QueueUrl:
    Value: !Ref Queue
`;

function haneul(...args: string[]): ReturnType<typeof haneulCli> {
  return haneulCli(node, app.path, ...args);
}

function writeCode(body: string): void {
  mkdirSync(join(app.path, "src"), { recursive: true });
  writeFileSync(
    join(app.path, "src", "index.js"),
    `exports.handler = async () => ({ statusCode: 200, body: ${JSON.stringify(body)} + ":" + process.env.STAGE });\n`,
  );
}

async function versions(fn: string): Promise<string[]> {
  const out = await node.client.send(new ListVersionsByFunctionCommand({ FunctionName: fn }));
  return (out.Versions ?? []).map((v) => v.Version ?? "");
}

describe("haneul deploy", () => {
  before(async () => {
    node = await startServerNode({ timeoutMs: 60_000 });
    app = tempDir("deploy-app", { inRepo: true });
    writeFileSync(join(app.path, "template.yaml"), TEMPLATE);
    writeFileSync(
      join(app.path, "samconfig.toml"),
      'version = 0.1\n[default.deploy.parameters]\nparameter_overrides = "Stage=dev"\n',
    );
    writeCode("v1");
  });
  after(async () => {
    await node?.close();
    await app?.remove();
  });

  test("deploys, then redeploys unchanged without touching anything, then a code change moves the alias", async () => {
    const first = await haneul("deploy", "--stack-name", "app");
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /Add +Hello +AWS::Lambda::Function +new in the template/);
    // Queues, rules and log groups are created: no warning names them.
    assert.doesNotMatch(first.stdout, /warning: (Queue|HelloTick|HelloLogs) /);
    assert.match(first.stdout, /Add +HelloTick +AWS::Events::Rule/);
    const queueUrl = /QueueUrl +(http:\S+)/.exec(first.stdout)?.[1] ?? "";
    const sqs = new SQSClient({ region: "us-east-1", endpoint: node.apiUrl, credentials: SERVER_KEY, maxAttempts: 1 });
    const attrs = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["VisibilityTimeout"] }),
    );
    sqs.destroy();
    assert.equal(attrs.Attributes?.VisibilityTimeout, "40");
    assert.match(first.stdout, /Stack app: CREATE_COMPLETE/);
    const fn = /FunctionName +(\S+)/.exec(first.stdout)?.[1] ?? "";
    const url = /ServerlessHttpApi +(http:\S+)/.exec(first.stdout)?.[1] ?? "";
    assert.match(url, /^http:\/\/[a-z0-9]{10}\.execute-api\.localhost:\d+\/$/);
    const apiId = /^http:\/\/([a-z0-9]+)\./.exec(url)?.[1] ?? "";
    const call = async () => (await fetch(`${node.gatewayUrl}/_api/${apiId}/$default/hello`)).text();
    assert.equal(await call(), "v1:dev");
    // The function URL (on the alias, public as SAM makes it) is printed and answers.
    const functionUrl = /Function URLs:\n +HelloUrl +(http:\S+)/.exec(first.stdout)?.[1] ?? "";
    const urlId = /^http:\/\/([a-z0-9]{32})\.lambda-url\.us-east-1\.localhost:\d+\/$/.exec(functionUrl)?.[1];
    assert.ok(urlId, first.stdout);
    assert.equal(await (await fetch(`${node.gatewayUrl}/lambda-url/${urlId}/`)).text(), "v1:dev");
    assert.deepEqual(await versions(fn), ["$LATEST", "1"]);

    const again = await haneul("deploy", "--stack-name", "app");
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /No changes to deploy. Stack app is up to date/);
    assert.deepEqual(await versions(fn), ["$LATEST", "1"]);

    writeCode("v2");
    const changed = await haneul("deploy", "--stack-name", "app", "--output", "json");
    assert.equal(changed.code, 0, changed.stderr);
    const report = JSON.parse(changed.stdout) as {
      status: string;
      changes: { ResourceChange: { Action: string; LogicalResourceId: string } }[];
    };
    assert.equal(report.status, "UPDATE_COMPLETE");
    assert.deepEqual(
      report.changes.map(
        (c) => `${c.ResourceChange.Action} ${c.ResourceChange.LogicalResourceId.replace(/[0-9a-f]{10}$/, "*")}`,
      ),
      ["Add HelloVersion*", "Modify Hello", "Modify HelloAliaslive", "Remove HelloVersion*"],
    );
    assert.deepEqual(await versions(fn), ["$LATEST", "1", "2"]);
    const alias = await node.client.send(new GetAliasCommand({ FunctionName: fn, Name: "live" }));
    assert.equal(alias.FunctionVersion, "2");
    assert.equal(await call(), "v2:dev");

    const over = await haneul(
      "deploy",
      "--stack-name",
      "app",
      "--parameter-overrides",
      "Stage=prod",
      "--no-execute-changeset",
    );
    assert.equal(over.code, 0, over.stderr);
    assert.match(over.stdout, /Modify +Hello +AWS::Lambda::Function +Environment changed/);
    assert.equal(await call(), "v2:dev");
  });

  test("a broken template is refused with CloudFormation's words, naming the file and line", async () => {
    writeFileSync(join(app.path, "broken.yaml"), TEMPLATE.replace("!Ref Stage", "!Ref Nowhere"));
    const out = await haneul("deploy", "--stack-name", "broken", "--template", "broken.yaml");
    assert.equal(out.code, 1);
    assert.match(out.stderr, /Unresolved resource dependencies \[Nowhere\] in the Resources block of the template/);
    const bad = await haneul("deploy", "--stack-name", "broken", "--parameter-overrides", "Stage=qa");
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /Parameter 'Stage' must be one of AllowedValues/);
  });

  test("stacks, stack describe, stack events and delete-stack", async () => {
    const list = await haneul("stacks");
    assert.match(list.stdout, /^app +UPDATE_COMPLETE/m);
    const described = await haneul("stack", "describe", "app");
    assert.match(described.stdout, /Queue +AWS::SQS::Queue +UPDATE_COMPLETE|Queue +AWS::SQS::Queue +CREATE_COMPLETE/);
    assert.match(described.stdout, /APIs:\n +ServerlessHttpApi +http:/);
    const events = await haneul("stack", "events", "app", "--output", "json");
    const parsed = JSON.parse(events.stdout) as {
      ResourceStatus: string;
      ResourceStatusReason?: string;
      LogicalResourceId: string;
    }[];
    assert.ok(
      !parsed.some(
        (e) => e.LogicalResourceId === "Queue" && /recorded, not created/.test(e.ResourceStatusReason ?? ""),
      ),
    );
    const deleted = await haneul("delete-stack", "app");
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(deleted.stdout, /Stack app: DELETE_COMPLETE/);
    const gone = await haneul("stack", "describe", "app");
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /Stack with id app does not exist/);
  });
});
