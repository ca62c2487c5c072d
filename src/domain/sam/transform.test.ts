import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { ROOT } from "../../../test/helpers/paths.js";
import { PlatformError } from "../../shared/errors.js";
import { readParameterDeclarations, resolveParameters } from "../template/parameters.js";
import { readTemplate } from "../template/read.js";
import type { TemplateObject } from "../template/values.js";
import { samTransform } from "./transform.js";

// Fixtures written after SAM's translator corpus (tests/translator/input|output); the expected
// logical ids, hashes and properties are the ones SAM generates for the same inputs.
function transform(name: string, overrides: Record<string, string> = {}) {
  const body = readTemplate(readFileSync(join(ROOT, "test", "fixtures", "sam", name), "utf8"), name).body;
  const parameters = resolveParameters(readParameterDeclarations(body.Parameters), { overrides });
  return samTransform(body, { parameters });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- deep literals of the generated template, compared piecewise
type Resources = Record<string, { Type: string; Properties?: Record<string, any>; [k: string]: unknown }>;
const resources = (t: TemplateObject) => t.Resources as unknown as Resources;

test("functions: code, roles, versions and aliases named and hashed as SAM does", () => {
  const { template } = transform("functions.yaml");
  const r = resources(template);
  assert.deepEqual(r.MinimalFunction?.Properties?.Code, { S3Bucket: "sam-demo-bucket", S3Key: "hello.zip" });
  assert.deepEqual(r.MinimalFunction?.Properties?.Role, { "Fn::GetAtt": ["MinimalFunctionRole", "Arn"] });
  assert.deepEqual(r.MinimalFunction?.Properties?.Tags, [{ Key: "lambda:createdBy", Value: "SAM" }]);
  assert.deepEqual(r.FunctionWithCodeUriObject?.Properties?.Code, {
    S3Bucket: "somebucket",
    S3Key: "somekey",
    S3ObjectVersion: "1",
  });
  assert.deepEqual(r.FunctionWithInlineCode?.Properties?.Code, { ZipFile: "hello world" });
  assert.deepEqual(r.FunctionWithInlineCode?.Properties?.TracingConfig, { Mode: "Active" });
  assert.deepEqual(r.FunctionWithInlineCodeRole?.Properties?.ManagedPolicyArns, [
    "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess",
  ]);
  assert.equal(r.CompleteFunction?.Properties?.Role, "arn:aws:iam::012345678901:role/lambda_basic_execution");
  assert.equal(r.CompleteFunctionRole, undefined);
  // AutoPublishAlias: the version hash is of the code location (SAM: MinimalFunctionVersion640128d35d).
  assert.equal(r.AliasFunctionVersion640128d35d?.Type, "AWS::Lambda::Version");
  assert.equal(r.AliasFunctionVersion640128d35d?.DeletionPolicy, "Retain");
  assert.deepEqual(r.AliasFunctionVersion640128d35d?.Properties, {
    FunctionName: { Ref: "AliasFunction" },
    Description: "sam-testing",
  });
  assert.deepEqual(r.AliasFunctionAliaslive?.Properties, {
    Name: "live",
    FunctionName: { Ref: "AliasFunction" },
    FunctionVersion: { "Fn::GetAtt": ["AliasFunctionVersion640128d35d", "Version"] },
  });
  // With environment and memory size in the hash (unresolved, as SAM hashes them), and - / _ in the alias id.
  assert.ok(r.ConfiguredAliasFunctionVersion7b3cbfa2b0);
  assert.ok(r.ConfiguredAliasFunctionAliasmyDaliasU1);
  // AutoPublishCodeSha256: the version is named after the sha, which also joins the description.
  assert.ok(r.ShaFunctionVersion6b86b273ff);
  assert.equal(
    r.ShaFunction?.Properties?.Description,
    "My testing description 6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b",
  );
  // AutoPublishAliasAllProperties hashes every property of the function (SAM: 62bebcf0c1).
  assert.ok(r.AllPropertiesFunctionVersion62bebcf0c1);
});

test("the .Alias and .Version references SAM adds, in Ref, Fn::Sub and Fn::GetAtt", () => {
  const { template } = transform("functions.yaml");
  const consumer = resources(template).Consumer?.Properties;
  assert.deepEqual(consumer?.FunctionName, { Ref: "AliasFunctionAliaslive" });
  assert.deepEqual(consumer?.SourceArn, { "Fn::Sub": "${AliasFunctionVersion640128d35d}|${AliasFunctionAliaslive}" });
  assert.deepEqual((template.Outputs as Record<string, { Value: unknown }>).VersionNumber?.Value, {
    "Fn::GetAtt": ["AliasFunctionVersion640128d35d", "Version"],
  });
});

test("a changed code location or environment names a new version; an unchanged one keeps it", () => {
  const a = Object.keys(resources(transform("functions.yaml").template));
  const b = Object.keys(resources(transform("functions.yaml").template));
  assert.deepEqual(a, b);
  const text = readFileSync(join(ROOT, "test", "fixtures", "sam", "functions.yaml"), "utf8").replace(
    "CodeUri: s3://sam-demo-bucket/hello.zip\n      Handler: hello.handler\n      Runtime: nodejs20.x\n      AutoPublishAlias: live\n      VersionDescription",
    "CodeUri: s3://sam-demo-bucket/hello2.zip\n      Handler: hello.handler\n      Runtime: nodejs20.x\n      AutoPublishAlias: live\n      VersionDescription",
  );
  const body = readTemplate(text, "functions.yaml").body;
  const changed = resources(
    samTransform(body, { parameters: resolveParameters(readParameterDeclarations(body.Parameters)) }).template,
  );
  assert.ok(changed.AliasFunctionVersion6dc0c5bcd9, Object.keys(changed).join(" "));
  assert.equal(changed.AliasFunctionVersion640128d35d, undefined);
});

test("events of each type become the resources and permissions SAM generates, pointed at the alias", () => {
  const r = resources(transform("events.yaml").template);
  const types = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.Type]));
  assert.deepEqual(types, {
    MyAwesomeFunction: "AWS::Lambda::Function",
    Notifications: "AWS::SNS::Topic",
    Jobs: "AWS::SQS::Queue",
    ServerlessRestApi: "AWS::ApiGateway::RestApi",
    MyAwesomeFunctionVersion640128d35d: "AWS::Lambda::Version",
    MyAwesomeFunctionAliasLive: "AWS::Lambda::Alias",
    MyAwesomeFunctionRole: "AWS::IAM::Role",
    MyAwesomeFunctionImplicitApiPermissionProd: "AWS::Lambda::Permission",
    MyAwesomeFunctionCWLogPermission: "AWS::Lambda::Permission",
    MyAwesomeFunctionCWLog: "AWS::Logs::SubscriptionFilter",
    MyAwesomeFunctionEBRule: "AWS::Events::Rule",
    MyAwesomeFunctionEBRulePermission: "AWS::Lambda::Permission",
    MyAwesomeFunctionEBScheduleQueue: "AWS::SQS::Queue",
    MyAwesomeFunctionEBScheduleQueuePolicy: "AWS::SQS::QueuePolicy",
    MyAwesomeFunctionEBSchedule: "AWS::Events::Rule",
    MyAwesomeFunctionEBSchedulePermission: "AWS::Lambda::Permission",
    MyAwesomeFunctionEvery5: "AWS::Scheduler::Schedule",
    MyAwesomeFunctionEvery5Role: "AWS::IAM::Role",
    MyAwesomeFunctionKinesisStream: "AWS::Lambda::EventSourceMapping",
    MyAwesomeFunctionNotificationTopicPermission: "AWS::Lambda::Permission",
    MyAwesomeFunctionNotificationTopic: "AWS::SNS::Subscription",
    MyAwesomeFunctionQueue: "AWS::Lambda::EventSourceMapping",
    ServerlessRestApiDeploymentb6ec657f13: "AWS::ApiGateway::Deployment",
    ServerlessRestApiProdStage: "AWS::ApiGateway::Stage",
  });
  const alias = { Ref: "MyAwesomeFunctionAliasLive" };
  assert.deepEqual(r.MyAwesomeFunctionImplicitApiPermissionProd?.Properties?.SourceArn, {
    "Fn::Sub": [
      "arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${__ApiId__}/${__Stage__}/POST/add",
      { __ApiId__: { Ref: "ServerlessRestApi" }, __Stage__: "*" },
    ],
  });
  assert.deepEqual(r.MyAwesomeFunctionEBSchedule?.Properties?.Targets, [
    {
      Arn: alias,
      Id: "MyAwesomeFunctionEBScheduleLambdaTarget",
      DeadLetterConfig: { Arn: { "Fn::GetAtt": ["MyAwesomeFunctionEBScheduleQueue", "Arn"] } },
    },
  ]);
  assert.deepEqual(r.MyAwesomeFunctionCWLog?.DependsOn, ["MyAwesomeFunctionCWLogPermission"]);
  assert.deepEqual(r.MyAwesomeFunctionKinesisStream?.Properties, {
    FunctionName: alias,
    EventSourceArn: "arn:aws:kinesis:us-west-2:012345678901:stream/my-stream",
    StartingPosition: "TRIM_HORIZON",
    BatchSize: 100,
  });
  assert.deepEqual(r.MyAwesomeFunctionRole?.Properties?.ManagedPolicyArns, [
    "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    "arn:aws:iam::aws:policy/service-role/AWSLambdaKinesisExecutionRole",
    "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole",
  ]);
  assert.deepEqual(r.ServerlessRestApi?.Properties?.Body.paths["/add"].post["x-amazon-apigateway-integration"], {
    type: "aws_proxy",
    httpMethod: "POST",
    uri: {
      "Fn::Sub":
        "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${MyAwesomeFunctionAliasLive}/invocations",
    },
  });
  assert.equal(r.ServerlessRestApiProdStage?.Properties?.StageName, "Prod");
  assert.equal(r.ServerlessRestApiDeploymentb6ec657f13?.Properties?.StageName, "Stage");
});

test("REST APIs: Globals CORS preflights, authorizers, the default authorizer and NONE", () => {
  const r = resources(transform("apis.yaml").template);
  const body = r.MyApi?.Properties?.Body;
  assert.deepEqual(body.paths["/secured"].get.security, [{ TokenAuth: [] }]);
  assert.deepEqual(body.paths["/open"].get.security, [{ NONE: [] }]);
  assert.equal(body.paths["/secured"].options.security, undefined, "AddDefaultAuthorizerToCorsPreflight: false");
  assert.equal(body.paths["/secured"].options["x-amazon-apigateway-integration"].type, "mock");
  assert.equal(
    body.paths["/secured"].options["x-amazon-apigateway-integration"].responses.default.responseParameters[
      "method.response.header.Access-Control-Allow-Methods"
    ],
    "'GET,POST'",
  );
  assert.equal(
    body.securityDefinitions.RequestAuth["x-amazon-apigateway-authorizer"].identitySource,
    "method.request.header.Authorization1, method.request.querystring.token",
  );
  assert.equal(body.securityDefinitions.Pool["x-amazon-apigateway-authtype"], "cognito_user_pools");
  assert.ok(r.MyApiTokenAuthAuthorizerPermission && r.MyApiRequestAuthAuthorizerPermission);
  assert.equal(r.MyApiPoolAuthorizerPermission, undefined);
  assert.ok(r.ImplicitApiFunctionSecuredPermissionv1 && r.ImplicitApiFunctionGetHtmlPermissionProd);
  assert.match(JSON.stringify(r.ImplicitApiFunctionAnyHtmlPermissionProd?.Properties?.SourceArn), /\/\*\/any\/\*"/);
  assert.ok(r.MyApiv1Stage && Object.keys(r).some((k) => /^MyApiDeployment[0-9a-f]{10}$/.test(k)));
});

test("HTTP APIs: the $default route, path parameters, CORS and a JWT default authorizer", () => {
  const r = resources(transform("apis.yaml").template);
  const implicit = r.ServerlessHttpApi?.Properties?.Body;
  assert.equal(implicit.openapi, "3.0.1");
  assert.equal(implicit.paths.$default["x-amazon-apigateway-any-method"].isDefaultRoute, true);
  assert.deepEqual(implicit.paths["/get/{something}/with/{params}"].post.parameters, [
    { name: "something", in: "path", required: true },
    { name: "params", in: "path", required: true },
  ]);
  // One permission for the $default route covers the function's other routes (as SAM generates it).
  assert.ok(r.HttpFunctionSimpleCasePermission);
  assert.equal(r.HttpFunctionBasicPermission, undefined);
  assert.deepEqual(r.ServerlessHttpApiApiGatewayDefaultStage?.Properties, {
    ApiId: { Ref: "ServerlessHttpApi" },
    StageName: "$default",
    Tags: { "httpapi:createdBy": "SAM" },
    AutoDeploy: true,
  });
  const explicit = r.MyHttpApi?.Properties?.Body;
  assert.deepEqual(explicit["x-amazon-apigateway-cors"], {
    allowOrigins: ["https://example.com"],
    allowMethods: ["GET"],
  });
  assert.deepEqual(explicit.paths["/items"].get.security, [{ Jwt: ["read"] }]);
  assert.deepEqual(explicit.components.securitySchemes.Jwt["x-amazon-apigateway-authorizer"].jwtConfiguration, {
    issuer: "https://issuer.example.com",
    audience: ["app"],
  });
});

test("layers get SAM's hashed ids and references follow them; DeploymentPreference as SAM generates it", () => {
  const r = resources(transform("layers-and-deployments.yaml").template);
  assert.equal(r.MinimalLayer0c7f96cce7?.Type, "AWS::Lambda::LayerVersion");
  assert.deepEqual(r.MinimalLayer0c7f96cce7?.Properties, {
    LayerName: "MinimalLayer",
    Content: { S3Bucket: "sam-demo-bucket", S3Key: "layer.zip" },
  });
  assert.equal(r.LayerWithCondition7c655e10ea?.Condition, "TestCondition");
  assert.equal(r.LayerWithContentUriObjectbdbf1b82ac?.DeletionPolicy, "Delete");
  assert.deepEqual(r.MinimalFunction?.Properties?.Layers, [{ Ref: "MinimalLayer0c7f96cce7" }]);
  assert.deepEqual(r.ServerlessDeploymentApplication?.Properties, { ComputePlatform: "Lambda" });
  assert.equal(r.CodeDeployServiceRole?.Type, "AWS::IAM::Role");
  const group = r.MinimalFunctionDeploymentGroup?.Properties;
  assert.deepEqual(group?.DeploymentConfigName, {
    "Fn::Sub": ["CodeDeployDefault.Lambda${ConfigName}", { ConfigName: "Linear10PercentEvery1Minute" }],
  });
  assert.deepEqual(group?.AlarmConfiguration, { Enabled: true, Alarms: [{ Name: { Ref: "Alarm" } }] });
  assert.deepEqual(r.MinimalFunctionAliaslive?.UpdatePolicy, {
    CodeDeployLambdaAliasUpdate: {
      ApplicationName: { Ref: "ServerlessDeploymentApplication" },
      DeploymentGroupName: { Ref: "MinimalFunctionDeploymentGroup" },
      BeforeAllowTrafficHook: { Ref: "PreTrafficHook" },
    },
  });
});

test("DeploymentPreference's PassthroughCondition gives the deployment group the function's Condition", () => {
  const groupCondition = (passthrough: string) => {
    const yaml = `Transform: AWS::Serverless-2016-10-31
Conditions:
  On: !Equals [a, a]
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Condition: On
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      InlineCode: x
      AutoPublishAlias: live
      DeploymentPreference: { Type: AllAtOnce${passthrough} }
`;
    const out = samTransform(readTemplate(yaml, "t.yaml").body, { parameters: new Map() });
    return resources(out.template).FnDeploymentGroup?.Condition;
  };
  assert.equal(groupCondition(", PassthroughCondition: true"), "On");
  assert.equal(groupCondition(""), undefined);
});

function failure(yaml: string): string {
  const body = readTemplate(`Transform: AWS::Serverless-2016-10-31\n${yaml}`, "t.yaml").body;
  try {
    samTransform(body, { parameters: new Map() });
  } catch (e) {
    assert.ok(e instanceof PlatformError && e.awsType === "ValidationError");
    return e.message;
  }
  assert.fail("the transform succeeded");
}

const PREFIX =
  "Transform AWS::Serverless-2016-10-31 failed with: Invalid Serverless Application Specification document.";

test("invalid SAM resources fail with the transform's messages, every error counted", () => {
  assert.equal(
    failure(
      "Resources:\n  Function:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: http://dropbox.com/my-object.zip\n      Runtime: nodejs20.x\n      Handler: hello.handler\n  Other:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: s3://b/k\n",
    ),
    `${PREFIX} Number of errors found: 2. Resource with id [Function] is invalid. 'CodeUri' is not a valid S3 Uri of the form 's3://bucket/key' with optional versionId query parameter. Resource with id [Other] is invalid. Runtime and Handler needs to be present when PackageType is of type \`Zip\``,
  );
  assert.match(
    failure("Globals:\n  Function:\n    SomeKey: x\nResources:\n  F:\n    Type: AWS::Serverless::Function\n"),
    /Number of errors found: 1\. 'Globals' section is invalid\. 'SomeKey' is not a supported property of 'Function'\. Must be one of the following values - \['Handler', 'Runtime'/,
  );
  assert.match(
    failure("Resources:\n  T:\n    Type: AWS::Serverless::SimpleTable\n"),
    /Resource with id \[T\] is invalid\. AWS::Serverless::SimpleTable is not supported by haneul yet/,
  );
  assert.match(
    failure(
      "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: s3://b/k\n      Handler: a.b\n      Runtime: nodejs20.x\n      Events:\n        Q:\n          Type: SQS\n          Properties: {}\n",
    ),
    /Resource with id \[F\] is invalid\. Event with id \[Q\] is invalid\. Missing required property 'Queue'\.$/,
  );
});

test("local CodeUri goes through the artifact locator; a template without the transform may not use SAM types", () => {
  const body = readTemplate(
    "Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: hello-world/\n      Handler: app.handler\n      Runtime: nodejs20.x\n",
    "t.yaml",
  ).body;
  const { template } = samTransform(body, {
    parameters: new Map(),
    artifacts: (path, use) => ({ S3Bucket: "haneul-artifacts", S3Key: `${use.logicalId}/${path}` }),
  });
  assert.deepEqual(resources(template).F?.Properties?.Code, { S3Bucket: "haneul-artifacts", S3Key: "F/hello-world/" });
  const plain = readTemplate("Resources:\n  F:\n    Type: AWS::Serverless::Function\n", "t.yaml").body;
  assert.throws(() => samTransform(plain, { parameters: new Map() }), {
    message: "Template format error: Unrecognized resource types: [AWS::Serverless::Function]",
  });
});

test("an implicit API whose functions are all conditional exists under their conditions, as SAM combines them", () => {
  const fn = (name: string, condition: string, path: string) =>
    `  ${name}:\n    Type: AWS::Serverless::Function\n    Condition: ${condition}\n    Properties:\n      CodeUri: s3://b/k\n      Handler: a.b\n      Runtime: nodejs20.x\n      Events:\n        Get:\n          Type: Api\n          Properties: { Path: ${path}, Method: get }\n`;
  const body = readTemplate(
    `Transform: AWS::Serverless-2016-10-31\nConditions:\n  A: !Equals [a, a]\n  B: !Equals [a, b]\nResources:\n${fn("First", "A", "/one")}${fn("Second", "B", "/two")}`,
    "t.yaml",
  ).body;
  const { template } = samTransform(body, { parameters: new Map() });
  const r = resources(template);
  assert.equal(r.ServerlessRestApi?.Condition, "ServerlessRestApiCondition");
  assert.equal(r.ServerlessRestApiProdStage?.Condition, "ServerlessRestApiCondition");
  assert.deepEqual((template.Conditions as Record<string, unknown>).ServerlessRestApiCondition, {
    "Fn::Or": [{ Condition: "A" }, { Condition: "B" }],
  });
  assert.deepEqual(r.ServerlessRestApi?.Properties?.Body.paths["/one"]["Fn::If"][0], "A");
});

test("Auth.ApiKeyRequired and Auth.UsagePlan: api_key on the methods, PER_API and SHARED plans as SAM names them", () => {
  const r = resources(transform("api-usage-plans.yaml").template);
  const one = r.MyApiOne?.Properties?.Body;
  assert.deepEqual(one.paths["/path/one"].get.security, [{ api_key: [] }]);
  assert.equal(one.paths["/path/open"].get.security, undefined, "the event's ApiKeyRequired: false");
  assert.equal(one.paths["/path/one"].options.security, undefined, "AddApiKeyRequiredToCorsPreflight: false");
  assert.deepEqual(one.securityDefinitions.api_key, { type: "apiKey", name: "x-api-key", in: "header" });
  assert.deepEqual(r.MyApiOneUsagePlan, {
    Type: "AWS::ApiGateway::UsagePlan",
    DependsOn: ["MyApiOne"],
    Properties: {
      ApiStages: [{ ApiId: { Ref: "MyApiOne" }, Stage: { Ref: "MyApiOneProdStage" } }],
      UsagePlanName: "SomeRandomName",
      Description: "Description for usage plan",
      Quota: { Limit: 10, Offset: 10, Period: "MONTH" },
      Tags: [{ Key: "key1", Value: "value1" }],
      Throttle: { BurstLimit: 1000, RateLimit: 1000 },
    },
  });
  assert.deepEqual(r.MyApiOneApiKey, {
    Type: "AWS::ApiGateway::ApiKey",
    DependsOn: ["MyApiOneUsagePlan"],
    Properties: {
      Enabled: true,
      StageKeys: [{ RestApiId: { Ref: "MyApiOne" }, StageName: { Ref: "MyApiOneProdStage" } }],
    },
  });
  assert.deepEqual(r.MyApiOneUsagePlanKey, {
    Type: "AWS::ApiGateway::UsagePlanKey",
    DependsOn: ["MyApiOneApiKey"],
    Properties: { KeyId: { Ref: "MyApiOneApiKey" }, KeyType: "API_KEY", UsagePlanId: { Ref: "MyApiOneUsagePlan" } },
  });
  // SHARED: one plan, key and plan key over both APIs' stages.
  assert.deepEqual(r.ServerlessUsagePlan?.DependsOn, ["MyApiTwo", "MyApiThree"]);
  assert.deepEqual(r.ServerlessUsagePlan?.Properties?.ApiStages, [
    { ApiId: { Ref: "MyApiTwo" }, Stage: { Ref: "MyApiTwoProdStage" } },
    { ApiId: { Ref: "MyApiThree" }, Stage: { Ref: "MyApiThreeProdStage" } },
  ]);
  assert.equal(r.ServerlessApiKey?.Properties?.StageKeys.length, 2);
  assert.deepEqual(r.ServerlessUsagePlanKey?.Properties?.UsagePlanId, { Ref: "ServerlessUsagePlan" });
  // NONE: the methods need a key, no plan is made.
  assert.deepEqual(r.MyApiFour?.Properties?.Body.paths["/path/four"].get.security, [{ api_key: [] }]);
  assert.equal(
    Object.values(r).filter((x) => /^AWS::ApiGateway::(UsagePlan|ApiKey|UsagePlanKey)$/.test(x.Type)).length,
    6,
    "PER_API's three and SHARED's three",
  );
});

test("Auth.UsagePlan refuses what SAM refuses", () => {
  const bad = (usagePlan: string) =>
    samTransform(
      readTemplate(
        `Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: p
      Auth:
        UsagePlan: ${usagePlan}
`,
        "t.yaml",
      ).body,
      { parameters: new Map() },
    );
  assert.throws(() => bad("{ UsagePlanName: x }"), /'CreateUsagePlan' is a required field for UsagePlan/);
  assert.throws(() => bad("{ CreateUsagePlan: ALL }"), /'CreateUsagePlan' accepts only PER_API, SHARED, NONE/);
  assert.throws(() => bad("{ CreateUsagePlan: NONE, Keys: 1 }"), /Invalid property for 'UsagePlan'/);
  assert.throws(() => bad("nope"), /'UsagePlan' must be a dictionary/);
});
