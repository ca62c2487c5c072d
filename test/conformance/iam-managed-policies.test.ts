/**
 * Customer managed policies and role tags with the real clients — the AWS CLI v2 and SDK v3
 * (@aws-sdk/client-iam) — against a real node: create, versions (at most five, one default),
 * URL-encoded documents, attachments and their count, entities, tags, deletion rules, and
 * IAM's errors for each refusal.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  GetPolicyVersionCommand,
  type IAMClient,
  ListPoliciesCommand,
  ListPolicyTagsCommand,
  ListPolicyVersionsCommand,
  TagPolicyCommand,
  UntagPolicyCommand,
} from "@aws-sdk/client-iam";
import { awsCli } from "../helpers/apigw-stack.js";
import { iamClient, LAMBDA_TRUST } from "../helpers/iam.js";
import { AKID, NODE_ACCOUNT, SECRET, startLambdaNode, type LambdaNode } from "../helpers/lambda-node.js";
import { tempDir, type TempDir } from "../helpers/temp-dir.js";

// The CLI's JSON, read loosely as each test knows its shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type CliJson = Record<string, any>;

const doc = (action: string) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: action, Resource: "*" }] });

describe("customer managed policies with real clients", () => {
  let node: LambdaNode;
  let iam: IAMClient;
  let home: TempDir;

  const cli = async (...args: string[]) => {
    const r = await awsCli(
      { apiUrl: node.url, home: home.path, credentials: { accessKeyId: AKID, secretAccessKey: SECRET } },
      ["iam", ...args],
    );
    return { ...r, json: r.code === 0 && r.stdout.trim() ? (JSON.parse(r.stdout) as CliJson) : {} };
  };
  const ok = async (...args: string[]) => {
    const r = await cli(...args);
    assert.equal(r.code, 0, `aws iam ${args.join(" ")}: ${r.stderr}`);
    return r.json;
  };
  const fails = async (code: string, message: string, ...args: string[]) => {
    const r = await cli(...args);
    assert.notEqual(r.code, 0, `aws iam ${args.join(" ")} should fail`);
    assert.match(r.stderr, new RegExp(`\\(${code}\\)`));
    assert.ok(r.stderr.includes(message), `${r.stderr} should say ${message}`);
  };

  before(async () => {
    node = await startLambdaNode();
    home = tempDir("iam-policies-cli");
    iam = iamClient({ endpoint: node.url, accessKeyId: AKID, secretAccessKey: SECRET });
  });
  after(async () => {
    iam?.destroy();
    await node?.close();
    home?.remove();
  });

  test("AWS CLI v2: create, version, attach, detach, delete, with IAM's errors", async () => {
    const arn = `arn:aws:iam::${NODE_ACCOUNT}:policy/app/AppPolicy`;
    const created = await ok(
      ...["create-policy", "--policy-name", "AppPolicy", "--path", "/app/"],
      ...["--policy-document", doc("sqs:SendMessage"), "--description", "lets the app send"],
    );
    assert.equal(created.Policy.Arn, arn);
    assert.equal(created.Policy.DefaultVersionId, "v1");
    assert.equal(created.Policy.AttachmentCount, 0);
    assert.match(created.Policy.PolicyId, /^ANPA[A-Z2-7]{17}$/);
    await fails(
      "EntityAlreadyExists",
      "A policy called apppolicy already exists. Duplicate names are not allowed.",
      ...["create-policy", "--policy-name", "apppolicy", "--policy-document", doc("sqs:*")],
    );

    const got = await ok("get-policy", "--policy-arn", arn);
    assert.equal(got.Policy.Description, "lets the app send");
    assert.equal(got.Policy.Path, "/app/");

    // Versions: the CLI decodes the URL-encoded document IAM answers with.
    const v1 = await ok("get-policy-version", "--policy-arn", arn, "--version-id", "v1");
    assert.deepEqual(v1.PolicyVersion.Document, JSON.parse(doc("sqs:SendMessage")));
    assert.equal(v1.PolicyVersion.IsDefaultVersion, true);
    const v2 = await ok("create-policy-version", "--policy-arn", arn, "--policy-document", doc("sqs:*"));
    assert.deepEqual(
      { id: v2.PolicyVersion.VersionId, isDefault: v2.PolicyVersion.IsDefaultVersion },
      { id: "v2", isDefault: false },
    );
    await fails(
      "NoSuchEntity",
      `Policy ${arn} version v9 does not exist or is not attachable.`,
      ...["set-default-policy-version", "--policy-arn", arn, "--version-id", "v9"],
    );
    await ok("set-default-policy-version", "--policy-arn", arn, "--version-id", "v2");
    assert.equal((await ok("get-policy", "--policy-arn", arn)).Policy.DefaultVersionId, "v2");
    await fails(
      "DeleteConflict",
      "Cannot delete the default version of a policy.",
      ...["delete-policy-version", "--policy-arn", arn, "--version-id", "v2"],
    );

    // Attachments: a role and a user; counted, listed, and in the way of deleting.
    await ok("create-role", "--role-name", "app-role", "--assume-role-policy-document", LAMBDA_TRUST);
    await ok("create-user", "--user-name", "app-user");
    await ok("attach-role-policy", "--role-name", "app-role", "--policy-arn", arn);
    await ok("attach-user-policy", "--user-name", "app-user", "--policy-arn", arn);
    const missing = `arn:aws:iam::${NODE_ACCOUNT}:policy/Nope`;
    await fails(
      "NoSuchEntity",
      `Policy ${missing} does not exist or is not attachable.`,
      ...["attach-role-policy", "--role-name", "app-role", "--policy-arn", missing],
    );
    const notPolicy = `arn:aws:iam::${NODE_ACCOUNT}:role/app-role`;
    await fails("InvalidInput", `ARN ${notPolicy} is not valid.`, "get-policy", "--policy-arn", notPolicy);
    assert.equal((await ok("get-policy", "--policy-arn", arn)).Policy.AttachmentCount, 2);
    const attached = await ok("list-attached-role-policies", "--role-name", "app-role");
    assert.deepEqual(attached.AttachedPolicies, [{ PolicyName: "AppPolicy", PolicyArn: arn }]);
    const entities = await ok("list-entities-for-policy", "--policy-arn", arn);
    assert.deepEqual(
      entities.PolicyRoles.map((r: { RoleName: string }) => r.RoleName),
      ["app-role"],
    );
    assert.deepEqual(
      entities.PolicyUsers.map((u: { UserName: string }) => u.UserName),
      ["app-user"],
    );
    assert.deepEqual(entities.PolicyGroups, []);
    const onlyAttached = await ok("list-policies", "--scope", "Local", "--only-attached");
    assert.deepEqual(
      onlyAttached.Policies.map((p: { Arn: string }) => p.Arn),
      [arn],
    );

    await fails("DeleteConflict", "Cannot delete a policy attached to entities.", "delete-policy", "--policy-arn", arn);
    await ok("detach-role-policy", "--role-name", "app-role", "--policy-arn", arn);
    await ok("detach-user-policy", "--user-name", "app-user", "--policy-arn", arn);
    await fails(
      "DeleteConflict",
      "This policy has more than one version. Before you delete a policy, you must delete the policy's versions.",
      ...["delete-policy", "--policy-arn", arn],
    );
    await ok("delete-policy-version", "--policy-arn", arn, "--version-id", "v1");
    await ok("delete-policy", "--policy-arn", arn);
    await fails("NoSuchEntity", `Policy ${arn} was not found.`, "get-policy", "--policy-arn", arn);
  });

  test("AWS CLI v2: role tags on create-role, tag-role, untag-role, list-role-tags and get-role", async () => {
    await ok(
      ...["create-role", "--role-name", "tagged-role", "--assume-role-policy-document", LAMBDA_TRUST],
      ...["--tags", "Key=team,Value=payments", "Key=env,Value=dev"],
    );
    await ok("tag-role", "--role-name", "tagged-role", "--tags", "Key=env,Value=prod", "Key=owner,Value=ana");
    await ok("untag-role", "--role-name", "tagged-role", "--tag-keys", "team");
    const tags = await ok("list-role-tags", "--role-name", "tagged-role");
    assert.deepEqual(tags, {
      Tags: [
        { Key: "env", Value: "prod" },
        { Key: "owner", Value: "ana" },
      ],
      IsTruncated: false,
    });
    assert.deepEqual((await ok("get-role", "--role-name", "tagged-role")).Role.Tags, tags.Tags);
    await fails("NoSuchEntity", "The role with name ghost cannot be found.", "list-role-tags", "--role-name", "ghost");
  });

  test("SDK v3: tags, paging and documents as the SDK hands them on", async () => {
    const made = await iam.send(
      new CreatePolicyCommand({
        PolicyName: "SdkPolicy",
        PolicyDocument: doc("lambda:InvokeFunction"),
        Tags: [{ Key: "a", Value: "1" }],
      }),
    );
    const arn = made.Policy?.Arn ?? "";
    await assert.rejects(
      iam.send(new CreatePolicyCommand({ PolicyName: "SdkBad", PolicyDocument: '{"Version":"2012-10-17"}' })),
      (e: Error) => e.name === "MalformedPolicyDocumentException",
    );
    assert.deepEqual(made.Policy?.Tags, [{ Key: "a", Value: "1" }]);
    await iam.send(new TagPolicyCommand({ PolicyArn: arn, Tags: [{ Key: "b", Value: "2" }] }));
    await iam.send(new UntagPolicyCommand({ PolicyArn: arn, TagKeys: ["a"] }));
    assert.deepEqual((await iam.send(new ListPolicyTagsCommand({ PolicyArn: arn }))).Tags, [{ Key: "b", Value: "2" }]);

    await iam.send(
      new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: doc("sqs:*"), SetAsDefault: true }),
    );
    const v2 = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: "v2" }));
    // The SDKs hand the document on URL-encoded, as IAM sends it.
    assert.equal(decodeURIComponent(v2.PolicyVersion?.Document ?? ""), doc("sqs:*"));
    for (let i = 3; i <= 5; i++)
      await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: doc(`sqs:Get${i}`) }));
    await assert.rejects(
      iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: doc("sqs:*") })),
      (e: Error) =>
        e.name === "LimitExceededException" &&
        e.message ===
          "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.",
    );
    const versions = await iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }));
    assert.deepEqual(
      versions.Versions?.map((v) => [v.VersionId, v.IsDefaultVersion]),
      [
        ["v5", false],
        ["v4", false],
        ["v3", false],
        ["v2", true],
        ["v1", false],
      ],
    );

    const first = await iam.send(new ListPoliciesCommand({ Scope: "AWS", MaxItems: 2 }));
    assert.equal(first.Policies?.length, 2);
    assert.equal(first.IsTruncated, true);
    const rest = await iam.send(new ListPoliciesCommand({ Scope: "AWS", Marker: first.Marker }));
    const names = [...(first.Policies ?? []), ...(rest.Policies ?? [])].map((p) => p.PolicyName);
    assert.ok(names.includes("AWSLambdaBasicExecutionRole"));
    assert.ok(!names.includes("SdkPolicy"), "Scope AWS lists only AWS managed policies");
    const local = await iam.send(new ListPoliciesCommand({ Scope: "Local" }));
    assert.deepEqual(
      local.Policies?.filter((p) => p.PolicyName?.startsWith("Sdk")).map((p) => [p.PolicyName, p.DefaultVersionId]),
      [["SdkPolicy", "v2"]],
    );
  });
});
