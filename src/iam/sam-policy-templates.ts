/**
 * SAM policy templates (aws/serverless-application-model, samtranslator/policy_templates_data/
 * policy_templates.json), transcribed for the services serverless templates use most. In a
 * resource, `${Partition}`, `${Region}` and `${AccountId}` are the pseudo parameters and
 * `${Name}` a template parameter (SAM's `Fn::Sub` with `Ref` to the parameter).
 */

/** One statement of a template. */
export interface TemplateStatement {
  readonly Action: readonly string[] | string;
  readonly Resource: readonly string[] | string;
}

/** A template: its parameter names and statements. */
export interface PolicyTemplate {
  readonly parameters: readonly string[];
  readonly statements: readonly TemplateStatement[];
}

const P = "arn:${Partition}";
const at = (service: string) => `${P}:${service}:\${Region}:\${AccountId}`;
const t = (parameters: string[], ...statements: TemplateStatement[]): PolicyTemplate => ({ parameters, statements });

export const POLICY_TEMPLATES: Readonly<Record<string, PolicyTemplate>> = {
  SQSPollerPolicy: t(["QueueName"], {
    Action: [
      "sqs:ChangeMessageVisibility",
      "sqs:ChangeMessageVisibilityBatch",
      "sqs:DeleteMessage",
      "sqs:DeleteMessageBatch",
      "sqs:GetQueueAttributes",
      "sqs:ReceiveMessage",
    ],
    Resource: `${at("sqs")}:\${QueueName}`,
  }),
  SQSSendMessagePolicy: t(["QueueName"], { Action: ["sqs:SendMessage*"], Resource: `${at("sqs")}:\${QueueName}` }),
  LambdaInvokePolicy: t(["FunctionName"], {
    Action: ["lambda:InvokeFunction"],
    Resource: `${at("lambda")}:function:\${FunctionName}*`,
  }),
  SNSPublishMessagePolicy: t(["TopicName"], { Action: ["sns:Publish"], Resource: `${at("sns")}:\${TopicName}` }),
  SNSCrudPolicy: t(["TopicName"], {
    Action: [
      "sns:ListSubscriptionsByTopic",
      "sns:CreateTopic",
      "sns:SetTopicAttributes",
      "sns:Subscribe",
      "sns:Publish",
    ],
    Resource: `${at("sns")}:\${TopicName}*`,
  }),
  CloudWatchPutMetricPolicy: t([], { Action: ["cloudwatch:PutMetricData"], Resource: "*" }),
  CloudWatchDescribeAlarmHistoryPolicy: t([], { Action: ["cloudwatch:DescribeAlarmHistory"], Resource: "*" }),
  CloudWatchDashboardPolicy: t([], {
    Action: [
      "cloudwatch:GetDashboard",
      "cloudwatch:ListDashboards",
      "cloudwatch:PutDashboard",
      "cloudwatch:ListMetrics",
    ],
    Resource: "*",
  }),
  EC2DescribePolicy: t([], { Action: ["ec2:DescribeRegions", "ec2:DescribeInstances"], Resource: "*" }),
  VPCAccessPolicy: t([], {
    Action: [
      "ec2:CreateNetworkInterface",
      "ec2:DeleteNetworkInterface",
      "ec2:DescribeNetworkInterfaces",
      "ec2:DetachNetworkInterface",
    ],
    Resource: "*",
  }),
  CloudFormationDescribeStacksPolicy: t([], {
    Action: ["cloudformation:DescribeStacks"],
    Resource: `${at("cloudformation")}:stack/*`,
  }),
  DynamoDBCrudPolicy: t(["TableName"], {
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
    Resource: [`${at("dynamodb")}:table/\${TableName}`, `${at("dynamodb")}:table/\${TableName}/index/*`],
  }),
  DynamoDBReadPolicy: t(["TableName"], {
    Action: ["dynamodb:GetItem", "dynamodb:Scan", "dynamodb:Query", "dynamodb:BatchGetItem", "dynamodb:DescribeTable"],
    Resource: [`${at("dynamodb")}:table/\${TableName}`, `${at("dynamodb")}:table/\${TableName}/index/*`],
  }),
  DynamoDBReconfigurePolicy: t(["TableName"], {
    Action: ["dynamodb:UpdateTable"],
    Resource: `${at("dynamodb")}:table/\${TableName}`,
  }),
  DynamoDBStreamReadPolicy: t(
    ["TableName", "StreamName"],
    {
      Action: ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"],
      Resource: `${at("dynamodb")}:table/\${TableName}/stream/\${StreamName}`,
    },
    { Action: ["dynamodb:ListStreams"], Resource: `${at("dynamodb")}:table/\${TableName}/stream/*` },
  ),
  S3ReadPolicy: t(["BucketName"], {
    Action: [
      "s3:GetObject",
      "s3:ListBucket",
      "s3:GetBucketLocation",
      "s3:GetObjectVersion",
      "s3:GetLifecycleConfiguration",
    ],
    Resource: [`${P}:s3:::\${BucketName}`, `${P}:s3:::\${BucketName}/*`],
  }),
  S3CrudPolicy: t(["BucketName"], {
    Action: [
      "s3:GetObject",
      "s3:ListBucket",
      "s3:GetBucketLocation",
      "s3:GetObjectVersion",
      "s3:PutObject",
      "s3:PutObjectAcl",
      "s3:GetLifecycleConfiguration",
      "s3:PutLifecycleConfiguration",
      "s3:DeleteObject",
    ],
    Resource: [`${P}:s3:::\${BucketName}`, `${P}:s3:::\${BucketName}/*`],
  }),
  KinesisStreamReadPolicy: t(
    ["StreamName"],
    { Action: ["kinesis:ListStreams", "kinesis:DescribeLimits"], Resource: `${at("kinesis")}:stream/*` },
    {
      Action: [
        "kinesis:DescribeStream",
        "kinesis:DescribeStreamSummary",
        "kinesis:GetRecords",
        "kinesis:GetShardIterator",
      ],
      Resource: `${at("kinesis")}:stream/\${StreamName}`,
    },
  ),
  KinesisCrudPolicy: t(["StreamName"], {
    Action: [
      "kinesis:AddTagsToStream",
      "kinesis:CreateStream",
      "kinesis:DecreaseStreamRetentionPeriod",
      "kinesis:DeleteStream",
      "kinesis:DescribeStream",
      "kinesis:DescribeStreamSummary",
      "kinesis:GetShardIterator",
      "kinesis:IncreaseStreamRetentionPeriod",
      "kinesis:ListTagsForStream",
      "kinesis:MergeShards",
      "kinesis:PutRecord",
      "kinesis:PutRecords",
      "kinesis:SplitShard",
      "kinesis:RemoveTagsFromStream",
    ],
    Resource: `${at("kinesis")}:stream/\${StreamName}`,
  }),
  KMSDecryptPolicy: t(["KeyId"], { Action: "kms:Decrypt", Resource: `${at("kms")}:key/\${KeyId}` }),
  KMSEncryptPolicy: t(["KeyId"], { Action: "kms:Encrypt", Resource: `${at("kms")}:key/\${KeyId}` }),
};
