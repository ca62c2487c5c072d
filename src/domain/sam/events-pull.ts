import { invalidEvent } from "./errors.js";
import type { EventInput } from "./events-common.js";
import { addRoleManagedPolicy, addRolePolicy, required } from "./events-common.js";
import { targetName } from "./function-extras.js";
import { compact } from "./intrinsics.js";
import { managedPolicyArn } from "./role.js";
import { isObject } from "../template/values.js";
import type { TemplateObject } from "../template/values.js";

/** Event source mapping fields SAM passes through. */
const MAPPING_FIELDS = [
  "StartingPosition",
  "StartingPositionTimestamp",
  "BatchSize",
  "Enabled",
  "MaximumBatchingWindowInSeconds",
  "MaximumRetryAttempts",
  "BisectBatchOnFunctionError",
  "MaximumRecordAgeInSeconds",
  "ParallelizationFactor",
  "TumblingWindowInSeconds",
  "FunctionResponseTypes",
  "FilterCriteria",
  "KmsKeyArn",
  "ScalingConfig",
  "MetricsConfig",
];

const KINDS = {
  SQS: { source: "Queue", policy: "service-role/AWSLambdaSQSQueueExecutionRole" },
  Kinesis: { source: "Stream", policy: "service-role/AWSLambdaKinesisExecutionRole" },
  DynamoDB: { source: "Stream", policy: "service-role/AWSLambdaDynamoDBExecutionRole" },
} as const;

/** SQS, Kinesis and DynamoDB: an event source mapping on the queue or stream, and the polling policy on the role. */
export function pullEvent(kind: keyof typeof KINDS, e: EventInput): void {
  const { source, policy } = KINDS[kind];
  const arn = required(e, source);
  if (kind !== "SQS" && e.properties.StartingPosition === undefined)
    throw invalidEvent(e.eventId, "Missing required property 'StartingPosition'.");
  const properties: TemplateObject = { FunctionName: targetName(e.target), EventSourceArn: arn };
  for (const key of MAPPING_FIELDS) if (e.properties[key] !== undefined) properties[key] = e.properties[key];
  const destination = destinationConfig(e);
  if (destination) properties.DestinationConfig = destination;
  e.ctx.resources[e.logicalId] = compact({
    Type: "AWS::Lambda::EventSourceMapping",
    ...e.target.passthrough,
    Properties: properties,
  });
  addRoleManagedPolicy(e, managedPolicyArn(e.ctx, policy));
}

function destinationConfig(e: EventInput): TemplateObject | undefined {
  const config = e.properties.DestinationConfig;
  if (config === undefined) return undefined;
  const onFailure = isObject(config) ? config.OnFailure : undefined;
  if (!isObject(onFailure) || onFailure.Destination === undefined) {
    throw invalidEvent(e.eventId, "Property 'DestinationConfig.OnFailure.Destination' is required.");
  }
  const type = onFailure.Type;
  if (type === "SQS" || type === "SNS") {
    const action = type === "SQS" ? "sqs:SendMessage" : "sns:publish";
    addRolePolicy(e, {
      PolicyName: `${e.logicalId}DestinationPolicy`,
      PolicyDocument: { Statement: [{ Action: action, Effect: "Allow", Resource: onFailure.Destination }] },
    });
  } else if (type !== undefined) {
    throw invalidEvent(e.eventId, "The only valid values for 'Type' are 'SQS' and 'SNS'");
  }
  return { OnFailure: { Destination: onFailure.Destination } };
}
