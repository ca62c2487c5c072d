/**
 * The AWS managed policies SAM attaches to the execution roles it generates (event sources,
 * tracing, VPC, CodeDeploy's role), with their documents as AWS publishes them. Their policy ids
 * are not AWS's (not known here): haneul makes a stable one from the name.
 */
import { createHash } from "node:crypto";

/** One definition: name, path, policy id, default version, description, document. */
export type ManagedPolicyDefinition = [string, string, string, string, string, object];

const LOGS = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"];
const doc = (...Statement: object[]) => ({ Version: "2012-10-17", Statement });
const allow = (Action: string[], Resource: string | string[] = "*") => ({ Effect: "Allow", Action, Resource });

/** `ANPA` and 17 base32 characters from the name's hash (stable across nodes and restarts). */
function stableId(name: string): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const bytes = createHash("sha256").update(`aws-managed:${name}`).digest();
  let id = "ANPA";
  for (let i = 0; i < 17; i++) id += alphabet[(bytes[i] ?? 0) & 31];
  return id;
}

const define = (name: string, path: string, description: string, document: object): ManagedPolicyDefinition => [
  name,
  path,
  stableId(name),
  "v1",
  description,
  document,
];

/** The definitions, in the shape of managed-policies.ts's table. */
export const SAM_MANAGED_POLICIES: readonly ManagedPolicyDefinition[] = [
  define(
    "AWSLambdaSQSQueueExecutionRole",
    "/service-role/",
    "Provides receive message, delete message, and read attribute access to SQS queues, and write permissions to CloudWatch logs.",
    doc(allow(["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", ...LOGS])),
  ),
  define(
    "AWSLambdaKinesisExecutionRole",
    "/service-role/",
    "Provides list and read access to Kinesis streams and write permissions to CloudWatch logs.",
    doc(
      allow([
        ...["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords"],
        ...["kinesis:GetShardIterator", "kinesis:ListShards", "kinesis:ListStreams", "kinesis:SubscribeToShard"],
        ...LOGS,
      ]),
    ),
  ),
  define(
    "AWSLambdaDynamoDBExecutionRole",
    "/service-role/",
    "Provides list and read access to DynamoDB streams and write permissions to CloudWatch logs.",
    doc(
      allow([
        ...["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"],
        ...LOGS,
      ]),
    ),
  ),
  define(
    "AWSXrayWriteOnlyAccess",
    "/",
    "AWS X-Ray write only access",
    doc(
      allow([
        ...["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules"],
        ...["xray:GetSamplingTargets", "xray:GetSamplingStatisticSummaries"],
      ]),
    ),
  ),
  define(
    "AWSLambdaVPCAccessExecutionRole",
    "/service-role/",
    "Provides minimum permissions for a Lambda function to execute while accessing a resource within a VPC - create, describe, delete network interfaces and write permissions to CloudWatch Logs.",
    doc(
      allow([
        ...LOGS,
        ...["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"],
        ...["ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"],
      ]),
    ),
  ),
  define(
    "AWSCodeDeployRoleForLambda",
    "/service-role/",
    "Provides CodeDeploy service access to perform a Lambda deployment on your behalf.",
    doc(
      allow([
        ...["cloudwatch:DescribeAlarms", "lambda:UpdateAlias", "lambda:GetAlias"],
        ...["lambda:GetProvisionedConcurrencyConfig", "sns:Publish"],
      ]),
      allow(["s3:GetObject", "s3:GetObjectVersion"], "arn:aws:s3:::*/CodeDeploy/*"),
      allow(["lambda:InvokeFunction"], "arn:aws:lambda:*:*:function:CodeDeployHook_*"),
    ),
  ),
];
