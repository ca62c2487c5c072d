/**
 * API Gateway access logs with the AWS CLI v2: a REST stage (UpdateStage patch operations) and an
 * HTTP API stage (AccessLogSettings) log one line per request, in their `$context` format, to a
 * CloudWatch Logs group read back with `aws logs filter-log-events` / `get-log-events`. The
 * request id in each line is the one the client got in x-amzn-RequestId / apigw-requestid.
 * Refusals carry API Gateway's errors (missing group, bad ARN, Firehose, a format without a
 * request id, unsupported HTTP API variables).
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { AddPermissionCommand, CreateFunctionCommand } from "@aws-sdk/client-lambda";
import { zipSync } from "fflate";
import { restApiFor } from "../helpers/apigw-client.js";
import { awsCli, type CliResult } from "../helpers/apigw-stack.js";
import {
  functionArn,
  NODE_ACCOUNT,
  NODE_REGION,
  NODE_ROLE,
  startLambdaNode,
  type LambdaNode,
} from "../helpers/lambda-node.js";
import { tempDir, type TempDir } from "../helpers/temp-dir.js";
import { waitFor } from "../helpers/wait.js";

const SOURCE = `exports.handler = async () => ({ statusCode: 201, body: "made" });`;

let node: LambdaNode;
let home: TempDir;

const groupArn = (name: string): string => `arn:aws:logs:${NODE_REGION}:${NODE_ACCOUNT}:log-group:${name}`;

function aws(...args: string[]): Promise<CliResult> {
  return awsCli(
    {
      apiUrl: node.url,
      home: home.path,
      credentials: { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey },
    },
    args,
  );
}

async function ok<T = Record<string, unknown>>(...args: string[]): Promise<T> {
  const r = await aws(...args);
  assert.equal(r.code, 0, `aws ${args.join(" ")} failed:\n${r.stderr}`);
  return (r.stdout.trim() ? JSON.parse(r.stdout) : {}) as T;
}

async function refused(args: string[], error: string, message: string): Promise<void> {
  const r = await aws(...args);
  assert.notEqual(r.code, 0, `aws ${args.join(" ")} should fail`);
  assert.match(r.stderr, new RegExp(`\\(${error}\\)`), r.stderr);
  assert.ok(r.stderr.includes(message), `expected «${message}» in:\n${r.stderr}`);
}

/** The messages of `group` once there are `count` of them. */
async function linesOf(group: string, count: number): Promise<string[]> {
  let messages: string[] = [];
  await waitFor(
    async () => {
      const r = await aws("logs", "filter-log-events", "--log-group-name", group);
      if (r.code !== 0) return false;
      messages = ((JSON.parse(r.stdout) as { events: { message: string }[] }).events ?? []).map((e) => e.message);
      return messages.length >= count;
    },
    `${count} access log lines in ${group}`,
    20_000,
  );
  return messages;
}

before(async () => {
  node = await startLambdaNode();
  home = tempDir("aws-home");
  await node.client.send(
    new CreateFunctionCommand({
      FunctionName: "made",
      Runtime: "nodejs20.x",
      Role: NODE_ROLE,
      Handler: "index.handler",
      Code: { ZipFile: zipSync({ "index.js": new TextEncoder().encode(SOURCE) }) },
    }),
  );
  await node.client.send(
    new AddPermissionCommand({
      FunctionName: "made",
      StatementId: "apigw",
      Action: "lambda:InvokeFunction",
      Principal: "apigateway.amazonaws.com",
    }),
  );
});

after(async () => {
  await node?.close();
  await home?.remove();
});

describe("REST API stage access logs", () => {
  const FORMAT = JSON.stringify({
    requestId: "$context.requestId",
    ip: "$context.identity.sourceIp",
    agent: "$context.identity.userAgent",
    time: "$context.requestTime",
    method: "$context.httpMethod",
    resourcePath: "$context.resourcePath",
    path: "$context.path",
    status: "$context.status",
    protocol: "$context.protocol",
    length: "$context.responseLength",
    integrationStatus: "$context.integrationStatus",
    responseType: "$context.error.responseType",
    error: "$context.error.message",
    stage: "$context.stage",
    unknown: "$context.notAVariable",
  });

  test("configured with update-stage, each request's line reaches the group with its values", async () => {
    const target = { apiUrl: node.url, accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey };
    const { apiId } = await restApiFor(target, functionArn("made"));
    const stage = ["apigateway", "update-stage", "--rest-api-id", apiId, "--stage-name", "prod", "--patch-operations"];
    await refused(
      [...stage, `op=replace,path=/accessLogSettings/destinationArn,value=${groupArn("/access/rest")}`],
      "NotFoundException",
      "Cannot enable logging. LogDestination: /access/rest does not exist",
    );
    await ok("logs", "create-log-group", "--log-group-name", "/access/rest");
    await refused(
      [...stage, "op=replace,path=/accessLogSettings/destinationArn,value=not-an-arn"],
      "BadRequestException",
      "Invalid ARN specified in the request. ARNs must start with 'arn:': not-an-arn",
    );
    await refused(
      [
        ...stage,
        `op=replace,path=/accessLogSettings/destinationArn,value=arn:aws:firehose:${NODE_REGION}:${NODE_ACCOUNT}:deliverystream/amazon-apigateway-x`,
      ],
      "NotFoundException",
      "Cannot enable logging. LogDestination: amazon-apigateway-x does not exist",
    );
    await refused(
      [...stage, "op=replace,path=/accessLogSettings/format,value=$context.status"],
      "BadRequestException",
      "Access Log format must include either $context.requestId or $context.extendedRequestId : '$context.status'",
    );
    const patched = await ok<{ accessLogSettings: Record<string, string> }>(
      "apigateway",
      "update-stage",
      ...["--rest-api-id", apiId, "--stage-name", "prod", "--patch-operations"],
      JSON.stringify([
        { op: "replace", path: "/accessLogSettings/destinationArn", value: groupArn("/access/rest") },
        { op: "replace", path: "/accessLogSettings/format", value: FORMAT },
      ]),
    );
    assert.deepEqual(patched.accessLogSettings, { destinationArn: groupArn("/access/rest"), format: FORMAT });
    const got = await ok<{ accessLogSettings: Record<string, string> }>(
      ...["apigateway", "get-stage", "--rest-api-id", apiId, "--stage-name", "prod"],
    );
    assert.deepEqual(got.accessLogSettings, patched.accessLogSettings);

    const made = await fetch(`${node.gatewayUrl}/_api/${apiId}/prod/`, { headers: { "user-agent": "access-test/1" } });
    assert.equal(made.status, 201);
    const missing = await fetch(`${node.gatewayUrl}/_api/${apiId}/prod/nowhere`);
    assert.equal(missing.status, 403);
    const lines = (await linesOf("/access/rest", 2)).map((m) => JSON.parse(m) as Record<string, string>);
    const ok201 = lines.find((l) => l["requestId"] === made.headers.get("x-amzn-requestid"));
    assert.ok(ok201, `a line with the request's id: ${JSON.stringify(lines)}`);
    assert.equal(ok201["status"], "201");
    assert.equal(ok201["method"], "GET");
    assert.equal(ok201["resourcePath"], "/");
    assert.equal(ok201["path"], "/prod/");
    assert.equal(ok201["stage"], "prod");
    assert.equal(ok201["agent"], "access-test/1");
    assert.equal(ok201["ip"], "127.0.0.1");
    assert.equal(ok201["protocol"], "HTTP/1.1");
    assert.equal(ok201["length"], "4");
    assert.equal(ok201["integrationStatus"], "200");
    assert.equal(ok201["error"], "-");
    assert.equal(ok201["unknown"], "-", "an unknown variable is logged as -");
    assert.match(ok201["time"] ?? "", /^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    const denied = lines.find((l) => l["requestId"] === missing.headers.get("x-amzn-requestid"));
    assert.ok(denied);
    assert.equal(denied["status"], "403");
    assert.equal(denied["responseType"], "MISSING_AUTHENTICATION_TOKEN");
    assert.equal(denied["error"], "Missing Authentication Token");
    assert.equal(denied["resourcePath"], "-");

    const streams = await ok<{ logStreams: { logStreamName: string }[] }>(
      ...["logs", "describe-log-streams", "--log-group-name", "/access/rest"],
    );
    assert.equal(streams.logStreams.length, 1);
    assert.match(streams.logStreams[0]?.logStreamName ?? "", /^[0-9a-f]{32}$/);

    const removed = await ok<Record<string, unknown>>(
      ...["apigateway", "update-stage", "--rest-api-id", apiId, "--stage-name", "prod"],
      ...["--patch-operations", "op=remove,path=/accessLogSettings"],
    );
    assert.equal(removed["accessLogSettings"], undefined);
  });
});

describe("HTTP API stage access logs", () => {
  test("AccessLogSettings on update-stage; get-log-events shows the line; delete-access-log-settings", async () => {
    const api = await ok<{ ApiId: string }>(
      ...["apigatewayv2", "create-api", "--name", "quick", "--protocol-type", "HTTP", "--target", functionArn("made")],
    );
    await ok("logs", "create-log-group", "--log-group-name", "/access/http");
    const stage = ["apigatewayv2", "update-stage", "--api-id", api.ApiId, "--stage-name", "$default"];
    await refused(
      [
        ...stage,
        "--access-log-settings",
        `DestinationArn=${groupArn("/access/http")},Format=$context.requestId $context.foo`,
      ],
      "BadRequestException",
      "The following context variables are not supported: [$context.foo]",
    );
    await refused(
      [...stage, "--access-log-settings", `DestinationArn=${groupArn("/access/http")}`],
      "BadRequestException",
      "Access Log value missing. Expected destinationArn and format.",
    );
    const format =
      "$context.requestId $context.httpMethod $context.routeKey $context.path $context.status $context.integrationStatus";
    const updated = await ok<{ AccessLogSettings: Record<string, string> }>(
      ...stage,
      "--access-log-settings",
      JSON.stringify({ DestinationArn: groupArn("/access/http"), Format: format }),
    );
    assert.deepEqual(updated.AccessLogSettings, { DestinationArn: groupArn("/access/http"), Format: format });

    const res = await fetch(`${node.gatewayUrl}/_api/${api.ApiId}/$default/anything`, { method: "POST", body: "x" });
    assert.equal(res.status, 201);
    const [line] = await linesOf("/access/http", 1);
    assert.equal(line, `${res.headers.get("apigw-requestid")} POST $default /anything 201 200`);
    const streams = await ok<{ logStreams: { logStreamName: string }[] }>(
      ...["logs", "describe-log-streams", "--log-group-name", "/access/http"],
    );
    const streamName = streams.logStreams[0]?.logStreamName ?? "";
    const events = await ok<{ events: { message: string }[] }>(
      ...["logs", "get-log-events", "--log-group-name", "/access/http", "--log-stream-name", streamName],
    );
    assert.deepEqual(
      events.events.map((e) => e.message),
      [line],
    );

    await ok("apigatewayv2", "delete-access-log-settings", "--api-id", api.ApiId, "--stage-name", "$default");
    const after = await ok<Record<string, unknown>>(
      "apigatewayv2",
      "get-stage",
      "--api-id",
      api.ApiId,
      "--stage-name",
      "$default",
    );
    assert.equal(after["AccessLogSettings"], undefined);
  });
});

const SAM = `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  AccessLogs:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: /access/sam
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: live
      AccessLogSetting:
        DestinationArn: !GetAtt AccessLogs.Arn
        Format: "rest $context.requestId $context.httpMethod $context.resourcePath $context.status"
  Http:
    Type: AWS::Serverless::HttpApi
    Properties:
      AccessLogSettings:
        DestinationArn: !GetAtt AccessLogs.Arn
        Format: "http $context.requestId $context.routeKey $context.status"
  Hello:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      InlineCode: "exports.handler = async () => ({ statusCode: 200, body: 'sam' });"
      Events:
        Rest:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /hello
            Method: get
        Http:
          Type: HttpApi
          Properties:
            ApiId: !Ref Http
            Path: /hello
            Method: get
Outputs:
  RestApiId:
    Value: !Ref Api
  HttpApiId:
    Value: !Ref Http
`;

describe("SAM: AccessLogSetting (Api) and AccessLogSettings (HttpApi)", () => {
  test("cloudformation deploy configures both stages; their requests are logged", async () => {
    const file = `${home.path}/template.yaml`;
    writeFileSync(file, SAM);
    const deployed = await aws(
      ...["cloudformation", "deploy", "--template-file", file, "--stack-name", "logged"],
      ...["--capabilities", "CAPABILITY_IAM"],
    );
    assert.equal(deployed.code, 0, deployed.stderr);
    const stack = await ok<{ Stacks: { Outputs: { OutputKey: string; OutputValue: string }[] }[] }>(
      ...["cloudformation", "describe-stacks", "--stack-name", "logged"],
    );
    const out = Object.fromEntries((stack.Stacks[0]?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
    const rest = await fetch(`${node.gatewayUrl}/_api/${out["RestApiId"]}/live/hello`);
    assert.equal(rest.status, 200);
    const http = await fetch(`${node.gatewayUrl}/_api/${out["HttpApiId"]}/$default/hello`);
    assert.equal(http.status, 200);
    const lines = await linesOf("/access/sam", 2);
    assert.deepEqual(lines.sort(), [
      `http ${http.headers.get("apigw-requestid")} GET /hello 200`,
      `rest ${rest.headers.get("x-amzn-requestid")} GET /hello 200`,
    ]);
  });
});
