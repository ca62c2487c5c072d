import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { compilePolicy, evaluatePolicies } from "./evaluate.js";
import { parsePolicy } from "./policy-document.js";
import { rootPrincipal } from "./principal.js";
import { RequestContext } from "./request-context.js";
import { expandSamPolicies, SamPolicyError } from "./sam-policies.js";

const scope = { region: "eu-west-1", accountId: "123456789012" };

describe("SAM Policies expansion", () => {
  test("templates become statements with SAM's resources; names become managed policy ARNs", () => {
    const out = expandSamPolicies(
      [
        "AWSLambdaBasicExecutionRole",
        "arn:aws:iam::aws:policy/AmazonSQSFullAccess",
        { SQSSendMessagePolicy: { QueueName: "orders" } },
        { LambdaInvokePolicy: { FunctionName: "worker" } },
        { DynamoDBCrudPolicy: { TableName: "items" } },
        { CloudWatchPutMetricPolicy: {} },
        { Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }] },
      ],
      scope,
    );
    assert.deepEqual(out.managedPolicyArns, [
      "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
      "arn:aws:iam::aws:policy/AmazonSQSFullAccess",
    ]);
    assert.deepEqual(out.statements, [
      { Effect: "Allow", Action: ["sqs:SendMessage*"], Resource: "arn:aws:sqs:eu-west-1:123456789012:orders" },
      {
        Effect: "Allow",
        Action: ["lambda:InvokeFunction"],
        Resource: "arn:aws:lambda:eu-west-1:123456789012:function:worker*",
      },
      {
        Effect: "Allow",
        Action: [
          "dynamodb:GetItem",
          "dynamodb:DeleteItem",
          "dynamodb:PutItem",
          "dynamodb:Scan",
          "dynamodb:Query",
          "dynamodb:UpdateItem",
          "dynamodb:BatchWriteItem",
          "dynamodb:BatchGetItem",
          "dynamodb:DescribeTable",
          "dynamodb:ConditionCheckItem",
        ],
        Resource: [
          "arn:aws:dynamodb:eu-west-1:123456789012:table/items",
          "arn:aws:dynamodb:eu-west-1:123456789012:table/items/index/*",
        ],
      },
      { Effect: "Allow", Action: ["cloudwatch:PutMetricData"], Resource: "*" },
      { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" },
    ]);
  });

  test("the expanded statements are a valid policy that allows what the template says, and only that", () => {
    const { statements } = expandSamPolicies({ LambdaInvokePolicy: { FunctionName: "worker" } }, scope);
    const policy = compilePolicy(parsePolicy({ Version: "2012-10-17", Statement: statements }));
    const ask = (action: string, resource: string) =>
      evaluatePolicies([policy], {
        action,
        resource,
        principal: rootPrincipal("123456789012"),
        context: new RequestContext(),
      });
    assert.equal(ask("lambda:InvokeFunction", "arn:aws:lambda:eu-west-1:123456789012:function:worker:live"), "allow");
    assert.equal(ask("lambda:InvokeFunction", "arn:aws:lambda:eu-west-1:123456789012:function:other"), "none");
    assert.equal(ask("lambda:GetFunction", "arn:aws:lambda:eu-west-1:123456789012:function:worker"), "none");
  });

  test("unknown templates and missing parameters are refused", () => {
    assert.throws(() => expandSamPolicies({ NoSuchPolicy: {} }, scope), SamPolicyError);
    assert.throws(
      () => expandSamPolicies({ SQSPollerPolicy: {} }, scope),
      /Missing parameter\(s\) 'QueueName' for policy template 'SQSPollerPolicy'/,
    );
  });
});
