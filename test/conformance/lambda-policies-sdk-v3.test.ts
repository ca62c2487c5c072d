/**
 * Resource-based policies, tags and account settings through the real AWS SDK v3 against a real
 * node: AWS's statement form, per-qualifier policies, RevisionId changes and preconditions, the
 * tag limit, and every error path with AWS's type, status and message.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  AddPermissionCommand,
  CreateAliasCommand,
  CreateFunctionCommand,
  GetAccountSettingsCommand,
  GetAliasCommand,
  GetFunctionCommand,
  GetPolicyCommand,
  ListTagsCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  RemovePermissionCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from "@aws-sdk/client-lambda";
import { zipSync } from "fflate";
import {
  functionArn as arn,
  type LambdaNode,
  NODE_ACCOUNT,
  NODE_REGION,
  NODE_ROLE as ROLE,
  startLambdaNode,
} from "../helpers/lambda-node.js";
import { sdkError } from "../helpers/sdk-error.js";

const ZIP = zipSync({ "index.js": new TextEncoder().encode("exports.handler = async () => 1;\n") });

let node: LambdaNode;
before(async () => {
  node = await startLambdaNode();
});
after(async () => {
  await node.close();
});

const create = (name: string, extra: Record<string, unknown> = {}) =>
  node.client.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: "nodejs20.x",
      Role: ROLE,
      Handler: "index.handler",
      Code: { ZipFile: ZIP },
      ...extra,
    }),
  );
const revision = async (name: string) =>
  (await node.client.send(new GetFunctionCommand({ FunctionName: name }))).Configuration?.RevisionId;

describe("policies, tags and account settings with the AWS SDK v3", { concurrency: false }, () => {
  test("tags: create with tags, merge and overwrite, untag (unknown keys ignored), RevisionId changes", async () => {
    await create("tagged", { Tags: { team: "core", stage: "dev" } });
    const list = () => node.client.send(new ListTagsCommand({ Resource: arn("tagged") }));
    assert.deepEqual((await list()).Tags, { team: "core", stage: "dev" });
    const before = await revision("tagged");
    await node.client.send(new TagResourceCommand({ Resource: arn("tagged"), Tags: { stage: "prod", cost: "42" } }));
    assert.deepEqual((await list()).Tags, { team: "core", stage: "prod", cost: "42" });
    const afterTag = await revision("tagged");
    assert.notEqual(afterTag, before);
    await node.client.send(new UntagResourceCommand({ Resource: arn("tagged"), TagKeys: ["team", "nope"] }));
    assert.deepEqual((await list()).Tags, { stage: "prod", cost: "42" });
    assert.notEqual(await revision("tagged"), afterTag);
    await node.client.send(new UntagResourceCommand({ Resource: arn("tagged"), TagKeys: ["stage", "cost"] }));
    assert.deepEqual((await list()).Tags, {});
    const got = await node.client.send(new GetFunctionCommand({ FunctionName: "tagged" }));
    assert.equal(got.Tags, undefined);
  });

  test("tags: at most 50, only on function ARNs, and AWS's errors", async () => {
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, "v"]));
    await node.client.send(new TagResourceCommand({ Resource: arn("tagged"), Tags: fifty }));
    await assert.rejects(
      node.client.send(new TagResourceCommand({ Resource: arn("tagged"), Tags: { one: "more" } })),
      sdkError("InvalidParameterValueException", 400, "Number of tags exceeds resource tag limit."),
    );
    // Replacing a value keeps the count at 50.
    await node.client.send(new TagResourceCommand({ Resource: arn("tagged"), Tags: { k0: "w" } }));
    assert.equal((await node.client.send(new ListTagsCommand({ Resource: arn("tagged") }))).Tags?.["k0"], "w");
    await node.client.send(new PublishVersionCommand({ FunctionName: "tagged" }));
    await assert.rejects(
      node.client.send(new TagResourceCommand({ Resource: arn("tagged", "1"), Tags: { a: "b" } })),
      sdkError(
        "InvalidParameterValueException",
        400,
        "Tags on function aliases and versions are not supported. Please specify a function ARN.",
      ),
    );
    await assert.rejects(
      node.client.send(new ListTagsCommand({ Resource: arn("missing") })),
      sdkError("ResourceNotFoundException", 404, `Function not found: ${arn("missing")}`),
    );
    await assert.rejects(
      node.client.send(new TagResourceCommand({ Resource: arn("tagged"), Tags: {} })),
      sdkError("InvalidParameterValueException", 400, "An error occurred and the request cannot be processed."),
    );
    await assert.rejects(
      node.client.send(new ListTagsCommand({ Resource: "arn:aws:something" })),
      sdkError("ValidationException", 400),
    );
  });

  test("AddPermission answers 201 with the statement in AWS's form; GetPolicy lists them in order", async () => {
    await create("guarded");
    const before = await revision("guarded");
    const added = await node.client.send(
      new AddPermissionCommand({
        FunctionName: "guarded",
        StatementId: "apigw",
        Action: "lambda:InvokeFunction",
        Principal: "apigateway.amazonaws.com",
        SourceArn: `arn:aws:execute-api:${NODE_REGION}:${NODE_ACCOUNT}:abc123/*/GET/items`,
      }),
    );
    assert.equal(added.$metadata.httpStatusCode, 201);
    assert.equal(
      added.Statement,
      JSON.stringify({
        Sid: "apigw",
        Effect: "Allow",
        Principal: { Service: "apigateway.amazonaws.com" },
        Action: "lambda:InvokeFunction",
        Resource: arn("guarded"),
        Condition: {
          ArnLike: { "AWS:SourceArn": `arn:aws:execute-api:${NODE_REGION}:${NODE_ACCOUNT}:abc123/*/GET/items` },
        },
      }),
    );
    const afterAdd = await revision("guarded");
    assert.notEqual(afterAdd, before);
    const second = await node.client.send(
      new AddPermissionCommand({
        FunctionName: arn("guarded"),
        StatementId: "account",
        Action: "lambda:*",
        Principal: "210987654321",
        SourceAccount: "210987654321",
        PrincipalOrgID: "o-abc123",
        RevisionId: afterAdd,
      }),
    );
    assert.deepEqual(JSON.parse(second.Statement ?? ""), {
      Sid: "account",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::210987654321:root" },
      Action: "lambda:*",
      Resource: arn("guarded"),
      Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc123", "AWS:SourceAccount": "210987654321" } },
    });
    await node.client.send(
      new AddPermissionCommand({ FunctionName: "guarded", StatementId: "anyone", Action: "*", Principal: "*" }),
    );
    const policy = await node.client.send(new GetPolicyCommand({ FunctionName: "guarded" }));
    const doc = JSON.parse(policy.Policy ?? "") as {
      Version: string;
      Id: string;
      Statement: { Sid: string; Principal: unknown }[];
    };
    assert.deepEqual(Object.keys(doc), ["Version", "Id", "Statement"]);
    assert.equal(doc.Version, "2012-10-17");
    assert.deepEqual(
      doc.Statement.map((s) => s.Sid),
      ["apigw", "account", "anyone"],
    );
    assert.equal(doc.Statement[2]?.Principal, "*");
    assert.equal(policy.RevisionId, await revision("guarded"));
  });

  test("AddPermission's errors: duplicate id, stale RevisionId, $LATEST, bad principal, id and action", async () => {
    const add = (extra: Record<string, unknown>) =>
      node.client.send(
        new AddPermissionCommand({
          FunctionName: "guarded",
          StatementId: "apigw",
          Action: "lambda:InvokeFunction",
          Principal: "sns.amazonaws.com",
          ...extra,
        }),
      );
    await assert.rejects(
      add({}),
      sdkError(
        "ResourceConflictException",
        409,
        "The statement id (apigw) provided already exists. Please provide a new statement id, or remove the existing statement.",
      ),
    );
    await assert.rejects(
      add({ StatementId: "fresh", RevisionId: "00000000-0000-0000-0000-000000000000" }),
      sdkError(
        "PreconditionFailedException",
        412,
        "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id",
      ),
    );
    await assert.rejects(
      add({ StatementId: "fresh", Qualifier: "$LATEST" }),
      sdkError("InvalidParameterValueException", 400, "We currently do not support adding policies for $LATEST."),
    );
    await assert.rejects(
      add({ StatementId: "fresh", Principal: "not a principal" }),
      sdkError(
        "InvalidParameterValueException",
        400,
        "The provided principal was invalid. Please check the principal and try again.",
      ),
    );
    await assert.rejects(
      add({ StatementId: "example.com" }),
      sdkError(
        "ValidationException",
        400,
        "1 validation error detected: Value 'example.com' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)",
      ),
    );
    await assert.rejects(add({ StatementId: "fresh", Action: "s3:GetObject" }), sdkError("ValidationException", 400));
    await assert.rejects(
      add({ FunctionName: "missing" }),
      sdkError("ResourceNotFoundException", 404, `Function not found: ${arn("missing")}`),
    );
    // Nothing of the refused calls was stored.
    const doc = JSON.parse((await node.client.send(new GetPolicyCommand({ FunctionName: "guarded" }))).Policy ?? "");
    assert.equal((doc as { Statement: unknown[] }).Statement.length, 3);
  });

  test("versions and aliases have policies of their own; an alias's RevisionId changes, $LATEST's does not", async () => {
    await node.client.send(new PublishVersionCommand({ FunctionName: "guarded" }));
    await node.client.send(new CreateAliasCommand({ FunctionName: "guarded", Name: "live", FunctionVersion: "1" }));
    await assert.rejects(
      node.client.send(new GetPolicyCommand({ FunctionName: "guarded", Qualifier: "1" })),
      sdkError("ResourceNotFoundException", 404, "The resource you requested does not exist."),
    );
    const latestBefore = await revision("guarded");
    const aliasBefore = (await node.client.send(new GetAliasCommand({ FunctionName: "guarded", Name: "live" })))
      .RevisionId;
    const onAlias = await node.client.send(
      new AddPermissionCommand({
        FunctionName: "guarded:live",
        StatementId: "apigw",
        Action: "lambda:InvokeFunction",
        Principal: "apigateway.amazonaws.com",
        RevisionId: aliasBefore,
      }),
    );
    assert.equal((JSON.parse(onAlias.Statement ?? "") as { Resource: string }).Resource, arn("guarded", "live"));
    const aliasAfter = (await node.client.send(new GetAliasCommand({ FunctionName: "guarded", Name: "live" })))
      .RevisionId;
    assert.notEqual(aliasAfter, aliasBefore);
    assert.equal(await revision("guarded"), latestBefore);
    const aliasPolicy = await node.client.send(new GetPolicyCommand({ FunctionName: "guarded", Qualifier: "live" }));
    assert.equal(aliasPolicy.RevisionId, aliasAfter);
    await node.client.send(
      new AddPermissionCommand({
        FunctionName: "guarded",
        Qualifier: "1",
        StatementId: "v1",
        Action: "lambda:InvokeFunction",
        Principal: "events.amazonaws.com",
      }),
    );
    const v1 = JSON.parse((await node.client.send(new GetPolicyCommand({ FunctionName: "guarded:1" }))).Policy ?? "");
    assert.deepEqual(
      (v1 as { Statement: { Sid: string }[] }).Statement.map((s) => s.Sid),
      ["v1"],
    );
    await assert.rejects(
      node.client.send(
        new AddPermissionCommand({
          FunctionName: "guarded",
          Qualifier: "7",
          StatementId: "x",
          Action: "lambda:InvokeFunction",
          Principal: "events.amazonaws.com",
        }),
      ),
      sdkError("ResourceNotFoundException", 404, `Function not found: ${arn("guarded", "7")}`),
    );
    await assert.rejects(
      node.client.send(
        new AddPermissionCommand({
          FunctionName: "guarded",
          Qualifier: "nosuch",
          StatementId: "x",
          Action: "lambda:InvokeFunction",
          Principal: "events.amazonaws.com",
        }),
      ),
      sdkError("ResourceNotFoundException", 404, `Cannot find alias arn: ${arn("guarded", "nosuch")}`),
    );
  });

  test("RemovePermission: 204, AWS's not-found messages, and the policy goes with its last statement", async () => {
    const remove = (FunctionName: string, StatementId: string, extra: Record<string, unknown> = {}) =>
      node.client.send(new RemovePermissionCommand({ FunctionName, StatementId, ...extra }));
    await assert.rejects(
      remove("guarded", "nope"),
      sdkError("ResourceNotFoundException", 404, "Statement nope is not found in resource policy."),
    );
    await assert.rejects(
      remove("missing", "apigw"),
      sdkError("ResourceNotFoundException", 404, `No policy found for: ${arn("missing")}`),
    );
    await assert.rejects(
      remove("tagged", "apigw"),
      sdkError("ResourceNotFoundException", 404, "No policy is associated with the given resource."),
    );
    await assert.rejects(
      remove("guarded", "apigw", { RevisionId: "00000000-0000-0000-0000-000000000000" }),
      sdkError("PreconditionFailedException", 412),
    );
    const before = await revision("guarded");
    const out = await remove("guarded", "apigw", { RevisionId: before });
    assert.equal(out.$metadata.httpStatusCode, 204);
    assert.notEqual(await revision("guarded"), before);
    await remove("guarded", "account");
    await remove("guarded", "anyone");
    await assert.rejects(
      node.client.send(new GetPolicyCommand({ FunctionName: "guarded" })),
      sdkError("ResourceNotFoundException", 404, "The resource you requested does not exist."),
    );
    // The alias's policy is untouched by the function's.
    const alias = await node.client.send(new GetPolicyCommand({ FunctionName: "guarded", Qualifier: "live" }));
    assert.match(alias.Policy ?? "", /"Sid":"apigw"/);
  });

  test("GetAccountSettings: limits, unreserved concurrency and the code of every version", async () => {
    const settings = await node.client.send(new GetAccountSettingsCommand({}));
    assert.deepEqual(settings.AccountLimit, {
      TotalCodeSize: 80530636800,
      CodeSizeUnzipped: 262144000,
      CodeSizeZipped: 52428800,
      ConcurrentExecutions: 1000,
      UnreservedConcurrentExecutions: 1000,
    });
    // Two functions, each with $LATEST and version 1: four copies of the zip.
    assert.deepEqual(settings.AccountUsage, { FunctionCount: 2, TotalCodeSize: 4 * ZIP.length });
    await node.client.send(
      new PutFunctionConcurrencyCommand({ FunctionName: "tagged", ReservedConcurrentExecutions: 30 }),
    );
    const after = await node.client.send(new GetAccountSettingsCommand({}));
    assert.equal(after.AccountLimit?.UnreservedConcurrentExecutions, 970);
  });
});
