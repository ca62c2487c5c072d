import { resourceType } from "../../domain/template/resource-types.js";
import { generatedName, str } from "./handler.js";
import type { Properties, ResourceHandler, ResourceScope } from "./handler.js";

/**
 * Resources haneul records without creating anything: IAM roles and policies on a node without IAM, and the types whose feature is not built yet (pending). They get a
 * physical id and the attributes other resources refer to, and the deploy names them in a warning.
 */

function arnFor(scope: ResourceScope, name: string): string {
  const { region, accountId } = scope.services;
  switch (scope.type) {
    case "AWS::IAM::Role":
      return `arn:aws:iam::${accountId}:role/${name}`;
    case "AWS::IAM::ManagedPolicy":
      return `arn:aws:iam::${accountId}:policy/${name}`;
    case "AWS::SQS::Queue":
      return `arn:aws:sqs:${region}:${accountId}:${name}`;
    case "AWS::SNS::Topic":
      return `arn:aws:sns:${region}:${accountId}:${name}`;
    case "AWS::Kinesis::Stream":
      return `arn:aws:kinesis:${region}:${accountId}:stream/${name}`;
    case "AWS::Events::Rule":
      return `arn:aws:events:${region}:${accountId}:rule/${name}`;
    case "AWS::Logs::LogGroup":
      return `arn:aws:logs:${region}:${accountId}:log-group:${name}:*`;
    default:
      return `arn:aws:${scope.type.split("::")[1]?.toLowerCase() ?? "unknown"}:${region}:${accountId}:${name}`;
  }
}

const NAME_KEYS = ["RoleName", "QueueName", "TopicName", "Name", "LogGroupName", "AlarmName", "ManagedPolicyName"];

function record(props: Properties, scope: ResourceScope) {
  const given = NAME_KEYS.map((k) => str(props, k)).find((v) => v !== undefined);
  const name = given ?? generatedName(scope);
  const arn = arnFor(scope, name);
  const { region, accountId } = scope.services;
  const attributes: Record<string, unknown> = { Arn: arn, RoleId: `AROA${name.slice(-17).toUpperCase()}` };
  attributes.PolicyArn = arn;
  attributes.QueueName = name;
  attributes.QueueUrl = `https://sqs.${region}.amazonaws.com/${accountId}/${name}`;
  attributes.TopicArn = arn;
  attributes.TopicName = name;
  const ref = scope.type === "AWS::SNS::Topic" || scope.type === "AWS::IAM::ManagedPolicy" ? arn : name;
  const physicalId = scope.type === "AWS::SQS::Queue" ? String(attributes.QueueUrl) : ref;
  for (const a of resourceType(scope.type)?.attributes ?? []) attributes[a] ??= `${physicalId}:${a}`;
  return { physicalId, attributes };
}

/** The handler of every type that is recorded rather than created. */
export const RECORDED: ResourceHandler = {
  create: (props, scope) => Promise.resolve(record(props, scope)),
  update: (_props, previous) =>
    Promise.resolve({ physicalId: previous.physicalId ?? "", attributes: previous.attributes }),
  delete: () => Promise.resolve(),
};
