/**
 * Policy evaluation against the examples of AWS's IAM User Guide ("Policy evaluation logic",
 * "Policy evaluation for requests within a single account", "IAM JSON policy elements:
 * Condition operators", "Policy variables").
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { accessDeniedMessage, authorize, type Decision } from "./authorize.js";
import { compilePolicy, type CompiledPolicy } from "./evaluate.js";
import { MalformedPolicyError, parsePolicy } from "./policy-document.js";
import { rootPrincipal, roleSession, servicePrincipal, type Principal } from "./principal.js";
import { RequestContext } from "./request-context.js";

const ACCOUNT = "123456789012";
const carlos: Principal = {
  kind: "user",
  accountId: ACCOUNT,
  arn: `arn:aws:iam::${ACCOUNT}:user/carlossalazar`,
  userName: "carlossalazar",
  userId: "AIDACARLOS",
};
const policy = (doc: object, kind: "identity" | "resource" = "identity"): CompiledPolicy =>
  compilePolicy(parsePolicy(JSON.stringify(doc), kind));
const ask = (
  o: { action: string; resource: string; principal?: Principal; keys?: Record<string, string | string[]> },
  identity: CompiledPolicy[] | "all",
  resource?: CompiledPolicy,
): Decision =>
  authorize(
    {
      action: o.action,
      resource: o.resource,
      principal: o.principal ?? carlos,
      context: new RequestContext({ "aws:username": "carlossalazar", ...o.keys }),
    },
    identity,
    resource,
  );
const allowed = { allowed: true };

// The user policy of the "Example identity-based and resource-based policy evaluation".
const carlosPolicy = policy({
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "AllowS3ListRead",
      Effect: "Allow",
      Action: ["s3:GetBucketLocation", "s3:GetAccountPublicAccessBlock", "s3:ListAccessPoints", "s3:ListAllMyBuckets"],
      Resource: "arn:aws:s3:::*",
    },
    {
      Sid: "AllowS3Self",
      Effect: "Allow",
      Action: "s3:*",
      Resource: ["arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar/*", "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar"],
    },
    { Sid: "DenyS3Logs", Effect: "Deny", Action: "s3:*", Resource: "arn:aws:s3:::*log*" },
  ],
});
// The bucket policy of the same example: it allows Carlos on the logs bucket.
const logsBucketPolicy = policy(
  {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/carlossalazar` },
        Action: "s3:*",
        Resource: "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar-logs/*",
      },
    ],
  },
  "resource",
);

describe("single-account evaluation (IAM User Guide example: Carlos)", () => {
  test("his own bucket: allowed by the identity policy", () => {
    const d = ask({ action: "s3:PutObject", resource: "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar/a.txt" }, [
      carlosPolicy,
    ]);
    assert.deepEqual(d, allowed);
  });
  test("the logs bucket: the bucket policy allows, but DenyS3Logs denies explicitly, and a deny wins", () => {
    const req = { action: "s3:PutObject", resource: "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar-logs/a.txt" };
    assert.deepEqual(ask(req, [carlosPolicy], logsBucketPolicy), { allowed: false, denial: "explicit-deny-identity" });
  });
  test("a resource-based policy alone allows within the account", () => {
    const req = { action: "s3:GetObject", resource: "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar-logs/a.txt" };
    assert.deepEqual(ask(req, [], logsBucketPolicy), allowed);
    assert.deepEqual(ask(req, []), { allowed: false, denial: "no-identity-allow" });
  });
  test("default deny: no statement matches", () => {
    assert.deepEqual(
      ask({ action: "dynamodb:GetItem", resource: "arn:aws:dynamodb:us-east-1:1:table/t" }, [carlosPolicy]),
      {
        allowed: false,
        denial: "no-identity-allow",
      },
    );
  });
  test("the account root is allowed everything, except what a resource policy denies", () => {
    const root = rootPrincipal(ACCOUNT);
    assert.deepEqual(ask({ action: "iam:CreateUser", resource: "*", principal: root }, "all"), allowed);
    const denyAll = policy({ Statement: [{ Effect: "Deny", Principal: "*", Action: "*", Resource: "*" }] }, "resource");
    assert.deepEqual(ask({ action: "lambda:InvokeFunction", resource: "x", principal: root }, "all", denyAll), {
      allowed: false,
      denial: "explicit-deny-resource",
    });
  });
});

describe("Action, NotAction, Resource, NotResource", () => {
  test("actions match case-insensitively with * and ?; resources are case-sensitive", () => {
    const p = policy({
      Statement: [{ Effect: "Allow", Action: "LAMBDA:get*", Resource: "arn:aws:lambda:*:*:function:app-?" }],
    });
    assert.deepEqual(
      ask({ action: "lambda:GetFunction", resource: "arn:aws:lambda:us-east-1:1:function:app-1" }, [p]),
      allowed,
    );
    assert.equal(
      ask({ action: "lambda:GetFunction", resource: "arn:aws:lambda:us-east-1:1:function:App-1" }, [p]).allowed,
      false,
    );
    assert.equal(
      ask({ action: "lambda:GetFunction", resource: "arn:aws:lambda:us-east-1:1:function:app-12" }, [p]).allowed,
      false,
    );
    assert.equal(
      ask({ action: "lambda:Invoke", resource: "arn:aws:lambda:us-east-1:1:function:app-1" }, [p]).allowed,
      false,
    );
  });
  test("NotAction with Allow grants everything else (the guide's 'all but IAM' example)", () => {
    const p = policy({ Version: "2012-10-17", Statement: [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }] });
    assert.deepEqual(ask({ action: "lambda:CreateFunction", resource: "*" }, [p]), allowed);
    assert.equal(ask({ action: "iam:CreateUser", resource: "*" }, [p]).allowed, false);
  });
  test("NotResource with Deny protects everything but one resource", () => {
    const p = policy({
      Statement: [
        { Effect: "Allow", Action: "lambda:*", Resource: "*" },
        { Effect: "Deny", Action: "lambda:*", NotResource: "arn:aws:lambda:us-east-1:1:function:mine*" },
      ],
    });
    assert.deepEqual(
      ask({ action: "lambda:GetFunction", resource: "arn:aws:lambda:us-east-1:1:function:mine" }, [p]),
      allowed,
    );
    assert.deepEqual(
      ask({ action: "lambda:GetFunction", resource: "arn:aws:lambda:us-east-1:1:function:other" }, [p]),
      {
        allowed: false,
        denial: "explicit-deny-identity",
      },
    );
  });
});

describe("conditions (IAM JSON policy elements: Condition operators)", () => {
  const only = (condition: object) =>
    policy({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "*", Resource: "*", Condition: condition }],
    });
  const with_ = (keys: Record<string, string | string[]>, p: CompiledPolicy) =>
    ask({ action: "lambda:GetFunction", resource: "*", keys }, [p]).allowed;

  test("DateGreaterThan/DateLessThan on aws:CurrentTime (the guide's time window)", () => {
    const p = only({
      DateGreaterThan: { "aws:CurrentTime": "2020-04-01T00:00:00Z" },
      DateLessThan: { "aws:CurrentTime": "2020-06-30T23:59:59Z" },
    });
    assert.equal(with_({ "aws:CurrentTime": "2020-05-01T12:00:00Z" }, p), true);
    assert.equal(with_({ "aws:CurrentTime": "2020-07-01T00:00:00Z" }, p), false);
    assert.equal(with_({}, p), false, "a missing key fails a positive operator");
  });
  test("IpAddress / NotIpAddress on aws:SourceIp, IPv4 and IPv6", () => {
    const p = only({ IpAddress: { "aws:SourceIp": ["203.0.113.0/24", "2001:DB8:1234:5678::/64"] } });
    assert.equal(with_({ "aws:SourceIp": "203.0.113.7" }, p), true);
    assert.equal(with_({ "aws:SourceIp": "2001:db8:1234:5678::1" }, p), true);
    assert.equal(with_({ "aws:SourceIp": "198.51.100.1" }, p), false);
    const not = only({ NotIpAddress: { "aws:SourceIp": "203.0.113.0/24" } });
    assert.equal(with_({ "aws:SourceIp": "198.51.100.1" }, not), true);
  });
  test("StringLike with a policy variable: home/${aws:username}/*", () => {
    const p = only({ StringLike: { "s3:prefix": ["", "home/", "home/${aws:username}/*"] } });
    assert.equal(with_({ "s3:prefix": "home/carlossalazar/photos" }, p), true);
    assert.equal(with_({ "s3:prefix": "home/other/photos" }, p), false);
  });
  test("negated operators: a missing key satisfies StringNotEquals; IfExists satisfies on absence", () => {
    assert.equal(with_({}, only({ StringNotEquals: { "aws:RequestedRegion": "eu-west-1" } })), true);
    assert.equal(
      with_({ "aws:RequestedRegion": "eu-west-1" }, only({ StringNotEquals: { "aws:RequestedRegion": "eu-west-1" } })),
      false,
    );
    assert.equal(with_({}, only({ StringEqualsIfExists: { "ec2:InstanceType": "t2.micro" } })), true);
    assert.equal(
      with_({ "ec2:InstanceType": "m5.large" }, only({ StringEqualsIfExists: { "ec2:InstanceType": "t2.micro" } })),
      false,
    );
  });
  test("Bool and Null (the guide's MFA examples)", () => {
    const deny = policy({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: "*", Resource: "*" },
        {
          Effect: "Deny",
          Action: "*",
          Resource: "*",
          Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } },
        },
      ],
    });
    assert.equal(with_({}, deny), false, "no MFA key: BoolIfExists matches, so the Deny applies");
    assert.equal(with_({ "aws:MultiFactorAuthPresent": "true" }, deny), true);
    assert.equal(with_({}, only({ Null: { "aws:TokenIssueTime": "true" } })), true);
    assert.equal(
      with_({ "aws:TokenIssueTime": "2024-01-01T00:00:00Z" }, only({ Null: { "aws:TokenIssueTime": "true" } })),
      false,
    );
  });
  test("ForAnyValue / ForAllValues on multivalued keys (aws:TagKeys)", () => {
    const any = only({ "ForAnyValue:StringEquals": { "aws:TagKeys": ["env", "team"] } });
    assert.equal(with_({ "aws:TagKeys": ["cost", "team"] }, any), true);
    assert.equal(with_({ "aws:TagKeys": ["cost"] }, any), false);
    assert.equal(with_({}, any), false);
    const all = only({ "ForAllValues:StringEquals": { "aws:TagKeys": ["env", "team"] } });
    assert.equal(with_({ "aws:TagKeys": ["env", "team"] }, all), true);
    assert.equal(with_({ "aws:TagKeys": ["env", "cost"] }, all), false);
    assert.equal(with_({}, all), true, "ForAllValues is true when the key is absent");
  });
  test("Numeric, StringEqualsIgnoreCase and multiple values OR-ed, operators AND-ed", () => {
    const p = only({
      NumericLessThanEquals: { "s3:max-keys": "10" },
      StringEqualsIgnoreCase: { "aws:PrincipalTag/team": ["Blue", "GREEN"] },
    });
    assert.equal(with_({ "s3:max-keys": "7", "aws:PrincipalTag/team": "green" }, p), true);
    assert.equal(with_({ "s3:max-keys": "11", "aws:PrincipalTag/team": "green" }, p), false);
    assert.equal(with_({ "s3:max-keys": "7", "aws:PrincipalTag/team": "red" }, p), false);
  });
  test("ArnLike on aws:SourceArn matches part by part (Lambda's AddPermission statements)", () => {
    const p = only({ ArnLike: { "AWS:SourceArn": "arn:aws:execute-api:us-east-1:123456789012:abc123/*/GET/pets" } });
    assert.equal(
      with_({ "aws:SourceArn": "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/pets" }, p),
      true,
    );
    assert.equal(
      with_({ "aws:SourceArn": "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/POST/pets" }, p),
      false,
    );
    assert.equal(
      with_({ "aws:SourceArn": "arn:aws:execute-api:us-east-1:999999999999:abc123/prod/GET/pets" }, p),
      false,
    );
  });
});

describe("resource-based policies: principals", () => {
  const lambdaPolicy = policy(
    {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "apigw",
          Effect: "Allow",
          Principal: { Service: "apigateway.amazonaws.com" },
          Action: "lambda:InvokeFunction",
          Resource: "arn:aws:lambda:us-east-1:123456789012:function:f",
          Condition: { ArnLike: { "AWS:SourceArn": "arn:aws:execute-api:us-east-1:123456789012:abc/*" } },
        },
        {
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::123456789012:role/caller" },
          Action: "lambda:InvokeFunction",
          Resource: "arn:aws:lambda:us-east-1:123456789012:function:f",
        },
      ],
    },
    "resource",
  );
  const invoke = (principal: Principal, keys: Record<string, string> = {}) =>
    authorize(
      {
        action: "lambda:InvokeFunction",
        resource: "arn:aws:lambda:us-east-1:123456789012:function:f",
        principal,
        context: new RequestContext(keys),
      },
      principal.kind === "service" ? [] : [],
      lambdaPolicy,
    ).allowed;

  test("a service principal with the SourceArn the statement names", () => {
    const apigw = servicePrincipal("apigateway.amazonaws.com");
    assert.equal(invoke(apigw, { "aws:SourceArn": "arn:aws:execute-api:us-east-1:123456789012:abc/prod/GET/x" }), true);
    assert.equal(
      invoke(apigw, { "aws:SourceArn": "arn:aws:execute-api:us-east-1:123456789012:other/prod/GET/x" }),
      false,
    );
    assert.equal(invoke(servicePrincipal("events.amazonaws.com")), false);
  });
  test("a role ARN names every session of the role; other identities are not named", () => {
    const session = roleSession({ accountId: ACCOUNT, roleName: "caller", roleId: "AROAX", sessionName: "fn" });
    assert.equal(invoke(session), true);
    assert.equal(invoke(carlos), false);
  });
});

describe("documents and messages", () => {
  test("malformed documents get IAM's messages", () => {
    const bad = (doc: string, kind: "identity" | "resource" = "identity") =>
      assert.throws(() => parsePolicy(doc, kind), MalformedPolicyError);
    bad("{");
    bad('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*"}]}');
    bad('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}');
    bad('{"Version":"2012-10-17","Statement":[{"Effect":"Permit","Action":"s3:*","Resource":"*"}]}');
    bad('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"GetObject","Resource":"*"}]}');
    bad('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}', "resource");
    assert.throws(
      () =>
        policy({ Statement: [{ Effect: "Allow", Action: "*", Resource: "*", Condition: { StringIs: { a: "b" } } }] }),
      /Invalid Condition type : StringIs/,
    );
  });
  test("AccessDenied text as AWS writes it", () => {
    const req = {
      action: "lambda:GetFunction",
      resource: "arn:aws:lambda:us-east-1:123456789012:function:f",
      principal: carlos,
    };
    assert.equal(
      accessDeniedMessage(req, "no-identity-allow"),
      "User: arn:aws:iam::123456789012:user/carlossalazar is not authorized to perform: lambda:GetFunction on resource: arn:aws:lambda:us-east-1:123456789012:function:f because no identity-based policy allows the lambda:GetFunction action",
    );
    const session = roleSession({ accountId: ACCOUNT, roleName: "r", roleId: "AROAX", sessionName: "fn" });
    assert.match(
      accessDeniedMessage({ ...req, principal: session }, "explicit-deny-identity"),
      /^User: arn:aws:sts::123456789012:assumed-role\/r\/fn is not authorized to perform: lambda:GetFunction on resource: .* with an explicit deny in an identity-based policy$/,
    );
  });
});
