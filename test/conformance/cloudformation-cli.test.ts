/**
 * The AWS CLI v2 (/usr/bin/aws) against a real `haneul server`: artifacts copied into haneul's S3
 * (`aws s3 mb`, `aws s3 cp`, `aws s3api`), a packaged SAM template deployed with `aws cloudformation
 * deploy` (CreateChangeSet with the SAM transform, its waiter, ExecuteChangeSet, the stack waiter),
 * the API answering, then `aws cloudformation delete-stack` and its waiter.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  GetTemplateCommand,
  ValidateTemplateCommand,
  waitUntilStackCreateComplete,
} from "@aws-sdk/client-cloudformation";
import { zipSync, strToU8 } from "fflate";
import { SERVER_KEY, startServerNode, type ServerNode } from "../helpers/server-node.js";
import { tempDir } from "../helpers/temp-dir.js";
import { writeS3EndpointRules } from "../helpers/s3-endpoint-rules.js";

let node: ServerNode;
let dir: ReturnType<typeof tempDir>;

function aws(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return awsWith({}, ...args);
}

function awsWith(
  extraEnv: Record<string, string>,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      "/usr/bin/aws",
      [...args, "--endpoint-url", node.apiUrl, "--region", "us-east-1"],
      {
        cwd: dir.path,
        env: {
          PATH: "/usr/bin:/bin",
          HOME: dir.path,
          AWS_ACCESS_KEY_ID: SERVER_KEY.accessKeyId,
          AWS_SECRET_ACCESS_KEY: SERVER_KEY.secretAccessKey,
          AWS_PAGER: "",
          ...extraEnv,
        },
        timeout: 180_000,
      },
      (error, stdout, stderr) =>
        resolve({ code: typeof error?.code === "number" ? error.code : error ? 1 : 0, stdout, stderr }),
    );
  });
}

const PACKAGED = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  HelloWorldFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: s3://artifacts/hello.zip
      Handler: app.lambdaHandler
      Runtime: nodejs20.x
      Events:
        HelloWorld:
          Type: Api
          Properties:
            Path: /hello
            Method: get
Outputs:
  HelloWorldApi:
    Value: !Sub "https://\${ServerlessRestApi}.execute-api.\${AWS::Region}.amazonaws.com/Prod/hello/"
    Export:
      Name: hello-api
`;

describe("AWS CLI v2: cloudformation deploy against haneul", () => {
  before(async () => {
    node = await startServerNode({ timeoutMs: 60_000 });
    dir = tempDir("cfn-cli", { inRepo: true });
    const code =
      "exports.lambdaHandler = async () => ({ statusCode: 200, body: JSON.stringify({ message: 'hello world' }) });";
    writeFileSync(join(dir.path, "hello.zip"), zipSync({ "app.js": strToU8(code) }));
    writeFileSync(join(dir.path, "packaged.yaml"), PACKAGED);
  });
  after(async () => {
    await node?.close();
    await dir?.remove();
  });

  test("s3 mb, s3 cp, cloudformation deploy, the API answers, delete-stack", async () => {
    assert.equal((await aws("s3", "mb", "s3://artifacts")).code, 0);
    const cp = await aws("s3", "cp", "hello.zip", "s3://artifacts/hello.zip");
    assert.equal(cp.code, 0, cp.stderr);
    const head = await aws("s3api", "head-object", "--bucket", "artifacts", "--key", "nope");
    assert.notEqual(head.code, 0);
    assert.match(head.stderr, /\(404\) when calling the HeadObject operation: Not Found/);

    const noCaps = await aws("cloudformation", "deploy", "--template-file", "packaged.yaml", "--stack-name", "s");
    assert.notEqual(noCaps.code, 0);
    assert.match(noCaps.stdout + noCaps.stderr, /Requires capabilities : \[CAPABILITY_IAM\]/);

    const deployed = await aws(
      "cloudformation",
      "deploy",
      "--template-file",
      "packaged.yaml",
      "--stack-name",
      "s",
      "--capabilities",
      "CAPABILITY_IAM",
    );
    assert.equal(deployed.code, 0, deployed.stderr);
    assert.match(deployed.stdout, /Successfully created\/updated stack - s/);

    const described = JSON.parse((await aws("cloudformation", "describe-stacks", "--stack-name", "s")).stdout) as {
      Stacks: { StackStatus: string; Outputs: { OutputKey: string; OutputValue: string; ExportName?: string }[] }[];
    };
    assert.equal(described.Stacks[0]?.StackStatus, "CREATE_COMPLETE");
    const apiId =
      /https:\/\/([a-z0-9]+)\.execute-api/.exec(described.Stacks[0]?.Outputs[0]?.OutputValue ?? "")?.[1] ?? "";
    const answer = await fetch(`${node.gatewayUrl}/_api/${apiId}/Prod/hello`);
    assert.equal(answer.status, 200);
    assert.deepEqual(await answer.json(), { message: "hello world" });
    const exports = JSON.parse((await aws("cloudformation", "list-exports")).stdout) as { Exports: { Name: string }[] };
    assert.deepEqual(
      exports.Exports.map((e) => e.Name),
      ["hello-api"],
    );

    const again = await aws(
      "cloudformation",
      "deploy",
      "--template-file",
      "packaged.yaml",
      "--stack-name",
      "s",
      "--capabilities",
      "CAPABILITY_IAM",
    );
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /No changes to deploy. Stack s is up to date/);

    assert.equal((await aws("cloudformation", "delete-stack", "--stack-name", "s")).code, 0);
    const waited = await aws("cloudformation", "wait", "stack-delete-complete", "--stack-name", "s");
    assert.equal(waited.code, 0, waited.stderr);
    const gone = await aws("cloudformation", "describe-stacks", "--stack-name", "s");
    assert.match(gone.stderr, /ValidationError.*Stack with id s does not exist/);
  });

  test("cloudformation package (its S3 client pointed at haneul by an endpoint ruleset on AWS_DATA_PATH), then deploy", async () => {
    // The CLI 2.9's package command makes its S3 client without --endpoint-url; botocore reads the
    // S3 endpoint ruleset from AWS_DATA_PATH first, so one that names the node sends it there.
    writeS3EndpointRules(dir.path, node.apiUrl);
    mkdirSync(join(dir.path, "src"), { recursive: true });
    writeFileSync(
      join(dir.path, "src", "app.js"),
      "exports.lambdaHandler = async () => ({ statusCode: 200, body: 'packaged' });",
    );
    writeFileSync(join(dir.path, "template.yaml"), PACKAGED.replace("s3://artifacts/hello.zip", "src/"));
    const dataPath = { AWS_DATA_PATH: join(dir.path, "models") };
    const packaged = await awsWith(
      dataPath,
      ...["cloudformation", "package", "--template-file", "template.yaml", "--s3-bucket", "artifacts"],
      ...["--output-template-file", "from-source.yaml"],
    );
    assert.equal(packaged.code, 0, packaged.stderr);
    const written = readFileSync(join(dir.path, "from-source.yaml"), "utf8");
    const key = /CodeUri: s3:\/\/artifacts\/([0-9a-f]{32})/.exec(written)?.[1];
    assert.ok(key, written);
    const head = await aws("s3api", "head-object", "--bucket", "artifacts", "--key", key);
    assert.equal(head.code, 0, head.stderr);
    const deployed = await aws(
      ...["cloudformation", "deploy", "--template-file", "from-source.yaml", "--stack-name", "p"],
      ...["--capabilities", "CAPABILITY_IAM"],
    );
    assert.equal(deployed.code, 0, deployed.stderr);
    const described = JSON.parse((await aws("cloudformation", "describe-stacks", "--stack-name", "p")).stdout) as {
      Stacks: { Outputs: { OutputValue: string }[] }[];
    };
    const apiId = /https:\/\/([a-z0-9]+)\.execute-api/.exec(described.Stacks[0]?.Outputs[0]?.OutputValue ?? "")?.[1];
    const answer = await fetch(`${node.gatewayUrl}/_api/${apiId ?? ""}/Prod/hello`);
    assert.equal(await answer.text(), "packaged");
    assert.equal((await aws("cloudformation", "delete-stack", "--stack-name", "p")).code, 0);
    assert.equal((await aws("cloudformation", "wait", "stack-delete-complete", "--stack-name", "p")).code, 0);
  });

  test("SDK v3: ValidateTemplate, CreateStack failing part-way (rolled back, the reason in the events), GetTemplate", async () => {
    const cfn = new CloudFormationClient({
      region: "us-east-1",
      endpoint: node.apiUrl,
      credentials: SERVER_KEY,
      maxAttempts: 1,
    });
    try {
      const body = `Resources:
  Good:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/r
      Code: { ZipFile: "exports.handler = async () => 1;" }
  Bad:
    Type: AWS::Lambda::Function
    DependsOn: Good
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/r
      MemorySize: 1
      Code: { ZipFile: "exports.handler = async () => 1;" }
`;
      const validated = await cfn.send(new ValidateTemplateCommand({ TemplateBody: body }));
      assert.deepEqual(validated.Parameters, []);
      await assert.rejects(cfn.send(new ValidateTemplateCommand({ TemplateBody: "Resources: [" })), (e: Error) => {
        assert.equal(e.name, "ValidationError");
        assert.match(e.message, /Template format error: YAML not well-formed/);
        return true;
      });
      const created = await cfn.send(new CreateStackCommand({ StackName: "broken", TemplateBody: body }));
      await assert.rejects(
        waitUntilStackCreateComplete(
          { client: cfn, maxWaitTime: 60, minDelay: 1, maxDelay: 1 },
          { StackName: "broken" },
        ),
      );
      const stack = (await cfn.send(new DescribeStacksCommand({ StackName: created.StackId }))).Stacks?.[0];
      assert.equal(stack?.StackStatus, "ROLLBACK_COMPLETE");
      assert.equal(
        stack?.StackStatusReason,
        "The following resource(s) failed to create: [Bad]. Rollback requested by user.",
      );
      const events = (await cfn.send(new DescribeStackEventsCommand({ StackName: "broken" }))).StackEvents ?? [];
      const failed = events.find((e) => e.ResourceStatus === "CREATE_FAILED");
      assert.equal(failed?.LogicalResourceId, "Bad");
      assert.match(failed?.ResourceStatusReason ?? "", /Value '1' at 'memorySize' failed to satisfy constraint/);
      assert.ok(events.some((e) => e.LogicalResourceId === "Good" && e.ResourceStatus === "DELETE_COMPLETE"));
      const template = await cfn.send(new GetTemplateCommand({ StackName: "broken" }));
      assert.equal(template.TemplateBody, body);
      await assert.rejects(cfn.send(new DescribeStacksCommand({ StackName: "nope" })), (e: Error) => {
        assert.equal(e.name, "ValidationError");
        assert.equal(e.message, "Stack with id nope does not exist");
        return true;
      });
    } finally {
      cfn.destroy();
    }
  });
});
