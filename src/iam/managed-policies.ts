/**
 * The AWS managed policies SAM templates commonly name, with their documents as AWS publishes
 * them (default versions). `ReadOnlyAccess` is given for the services haneul serves or will
 * serve, not its full list of every AWS service.
 */
import { SAM_MANAGED_POLICIES } from "./managed-policies-sam.js";

/** One AWS managed policy. */
export interface ManagedPolicy {
  readonly name: string;
  readonly arn: string;
  readonly path: string;
  readonly policyId: string;
  readonly defaultVersionId: string;
  readonly description: string;
  readonly document: object;
}

const allow = (Action: string | string[], Resource: string | string[] = "*", extra: object = {}) => ({
  Effect: "Allow",
  Action,
  Resource,
  ...extra,
});
const doc = (...Statement: object[]) => ({ Version: "2012-10-17", Statement });

const LAMBDA_CONSOLE_READS = [
  "cloudformation:DescribeStacks",
  "cloudformation:ListStackResources",
  "cloudwatch:ListMetrics",
  "cloudwatch:GetMetricData",
  "ec2:DescribeSecurityGroups",
  "ec2:DescribeSubnets",
  "ec2:DescribeVpcs",
];

const DEFINITIONS: [name: string, path: string, id: string, version: string, description: string, document: object][] =
  [
    [
      "AdministratorAccess",
      "/",
      "ANPAIWMBCKSKIEE64ZLYK",
      "v1",
      "Provides full access to AWS services and resources.",
      doc(allow("*")),
    ],
    [
      "AWSLambdaBasicExecutionRole",
      "/service-role/",
      "ANPAJNCQGXC42545SKXIK",
      "v1",
      "Provides write permissions to CloudWatch Logs.",
      doc(allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"])),
    ],
    [
      "AWSLambdaRole",
      "/service-role/",
      "ANPAJX4DPCRGTC4NFDUXI",
      "v1",
      "Default policy for AWS Lambda service role.",
      doc(allow(["lambda:InvokeFunction"], ["*"])),
    ],
    [
      "AWSLambdaExecute",
      "/",
      "ANPAJE5FX7FQZSU5XAKGO",
      "v1",
      "Provides Put, Get access to S3 and full access to CloudWatch Logs.",
      doc(allow(["logs:*"], "arn:aws:logs:*:*:*"), allow(["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::*")),
    ],
    [
      "AWSLambda_FullAccess",
      "/",
      "ANPAZKAPJZG4EMGXMKCHF",
      "v5",
      "Grants full access to AWS Lambda service, AWS Lambda console features, and other related AWS services.",
      doc(
        allow([
          ...LAMBDA_CONSOLE_READS,
          "kms:DescribeKey",
          "kms:ListAliases",
          "iam:GetPolicy",
          "iam:GetPolicyVersion",
          "iam:GetRole",
          "iam:GetRolePolicy",
          "iam:ListAttachedRolePolicies",
          "iam:ListRolePolicies",
          "iam:ListRoles",
          "lambda:*",
          "logs:DescribeLogGroups",
          "states:DescribeStateMachine",
          "states:ListStateMachines",
          "tag:GetResources",
          "xray:GetTraceSummaries",
          "xray:BatchGetTraces",
        ]),
        allow("iam:PassRole", "*", { Condition: { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } } }),
        allow(
          [
            "logs:DescribeLogStreams",
            "logs:GetLogEvents",
            "logs:FilterLogEvents",
            "logs:StartLiveTail",
            "logs:StopLiveTail",
          ],
          "arn:aws:logs:*:*:log-group:/aws/lambda/*",
        ),
        allow(
          "iam:CreateServiceLinkedRole",
          "arn:aws:iam::*:role/aws-service-role/lambda.amazonaws.com/AWSServiceRoleForLambda",
          { Condition: { StringEquals: { "iam:AWSServiceName": "lambda.amazonaws.com" } } },
        ),
      ),
    ],
    [
      "AWSLambda_ReadOnlyAccess",
      "/",
      "ANPAZKAPJZG4GLYB6EGDJ",
      "v2",
      "Grants read-only access to AWS Lambda service, AWS Lambda console features, and other related AWS services.",
      doc(
        allow([
          "cloudformation:DescribeStacks",
          "cloudformation:ListStacks",
          "cloudformation:ListStackResources",
          "cloudwatch:GetMetricData",
          "cloudwatch:ListMetrics",
          "ec2:DescribeSecurityGroups",
          "ec2:DescribeSubnets",
          "ec2:DescribeVpcs",
          "kms:ListAliases",
          "iam:GetPolicy",
          "iam:GetPolicyVersion",
          "iam:GetRole",
          "iam:GetRolePolicy",
          "iam:ListAttachedRolePolicies",
          "iam:ListRolePolicies",
          "iam:ListRoles",
          "logs:DescribeLogGroups",
          "lambda:Get*",
          "lambda:List*",
          "states:DescribeStateMachine",
          "states:ListStateMachines",
          "tag:GetResources",
          "xray:GetTraceSummaries",
          "xray:BatchGetTraces",
        ]),
        allow(
          [
            "logs:DescribeLogStreams",
            "logs:GetLogEvents",
            "logs:FilterLogEvents",
            "logs:StartQuery",
            "logs:StopQuery",
            "logs:DescribeQueries",
            "logs:GetLogGroupFields",
            "logs:GetLogRecord",
            "logs:GetQueryResults",
          ],
          "arn:aws:logs:*:*:log-group:/aws/lambda/*",
        ),
      ),
    ],
    [
      "AmazonSQSFullAccess",
      "/",
      "ANPAI65L554VRJ33ECQS6",
      "v1",
      "Provides full access to Amazon SQS via the AWS Management Console.",
      doc(allow(["sqs:*"])),
    ],
    [
      "AmazonSNSFullAccess",
      "/",
      "ANPAJWEKLCXXUNT2SOLSG",
      "v1",
      "Provides full access to Amazon SNS via the AWS Management Console.",
      doc(allow(["sns:*"])),
    ],
    [
      "AmazonKinesisFullAccess",
      "/",
      "ANPAIVF32HAMOXCUYRAYE",
      "v1",
      "Provides full access to all streams via the AWS Management Console.",
      doc(allow("kinesis:*")),
    ],
    [
      "AmazonAPIGatewayInvokeFullAccess",
      "/",
      "ANPAIIWAX2NOOQJ4AIEQ6",
      "v1",
      "Provides full access to invoke APIs in Amazon API Gateway.",
      doc(allow(["execute-api:Invoke", "execute-api:ManageConnections"], "arn:aws:execute-api:*:*:*")),
    ],
    [
      "AWSXRayDaemonWriteAccess",
      "/",
      "ANPAIOE47HSUE5AVBNEDM",
      "v1",
      "Allow the AWS X-Ray Daemon to relay raw trace segments data to the service's API and retrieve sampling data (rules, targets, etc.) to be used by the X-Ray SDK.",
      doc(
        allow(
          [
            "xray:PutTraceSegments",
            "xray:PutTelemetryRecords",
            "xray:GetSamplingRules",
            "xray:GetSamplingTargets",
            "xray:GetSamplingStatisticSummaries",
          ],
          ["*"],
        ),
      ),
    ],
    [
      "CloudWatchLogsFullAccess",
      "/",
      "ANPAJ3ZGNWK2R5HW5BQFO",
      "v2",
      "Provides full access to CloudWatch Logs",
      doc({ Sid: "CloudWatchLogsFullAccess", ...allow(["logs:*", "cloudwatch:GenerateQuery"]) }),
    ],
    [
      "ReadOnlyAccess",
      "/",
      "ANPAILL3HVNFSB6DCOWYQ",
      "v87",
      "Provides read-only access to AWS services and resources.",
      doc(
        allow([
          "apigateway:GET",
          "cloudformation:Describe*",
          "cloudformation:Get*",
          "cloudformation:List*",
          "cloudwatch:Describe*",
          "cloudwatch:Get*",
          "cloudwatch:List*",
          "codedeploy:BatchGet*",
          "codedeploy:Get*",
          "codedeploy:List*",
          "iam:Generate*",
          "iam:Get*",
          "iam:List*",
          "iam:Simulate*",
          "kinesis:Describe*",
          "kinesis:Get*",
          "kinesis:List*",
          "lambda:Get*",
          "lambda:List*",
          "logs:Describe*",
          "logs:FilterLogEvents",
          "logs:Get*",
          "logs:ListTagsLogGroup",
          "logs:StartQuery",
          "logs:StopQuery",
          "logs:TestMetricFilter",
          "s3:Get*",
          "s3:List*",
          "sns:Check*",
          "sns:Get*",
          "sns:List*",
          "sqs:Get*",
          "sqs:List*",
          "sqs:Receive*",
          "states:Describe*",
          "states:GetExecutionHistory",
          "states:List*",
          "sts:GetAccessKeyInfo",
          "sts:GetCallerIdentity",
          "sts:GetSessionToken",
          "xray:BatchGet*",
          "xray:Get*",
        ]),
      ),
    ],
  ];

/** Every managed policy haneul knows, by ARN. */
export const MANAGED_POLICIES: ReadonlyMap<string, ManagedPolicy> = new Map(
  [...DEFINITIONS, ...SAM_MANAGED_POLICIES].map(([name, path, policyId, defaultVersionId, description, document]) => {
    const arn = `arn:aws:iam::aws:policy${path}${name}`;
    return [arn, { name, arn, path, policyId, defaultVersionId, description, document }];
  }),
);

/** The managed policy named by ARN or by plain name (`AWSLambda_ReadOnlyAccess`). */
export function managedPolicy(arnOrName: string): ManagedPolicy | undefined {
  const byArn = MANAGED_POLICIES.get(arnOrName);
  if (byArn) return byArn;
  for (const p of MANAGED_POLICIES.values()) if (p.name === arnOrName) return p;
  return undefined;
}
