/**
 * The resource types a stack deploy handles: what `Ref` returns, which `Fn::GetAtt` attributes
 * exist, and whether haneul carries the type out yet. `supported`: created through its control
 * plane; `accepted`: recorded and given ids, not enforced (no type is, today); `pending`:
 * accepted and listed as pending until the feature that runs it lands. Any other type is warned about.
 */

/** How far haneul carries out a resource type. */
export type ResourceTypeStatus = "supported" | "accepted" | "pending";

/** What the registry knows of one type. */
export interface ResourceTypeInfo {
  readonly type: string;
  /** What `Ref` returns. */
  readonly ref: string;
  /** The `Fn::GetAtt` attribute names. */
  readonly attributes: readonly string[];
  readonly status: ResourceTypeStatus;
  /** For pending and accepted types: what is missing. */
  readonly note?: string;
}

const GATEWAY = "this part of API Gateway is not built yet";

const TYPES: readonly ResourceTypeInfo[] = [
  {
    type: "AWS::Lambda::Function",
    ref: "function name",
    attributes: ["Arn", "SnapStartResponse", "SnapStartResponse.ApplyOn", "SnapStartResponse.OptimizationStatus"],
    status: "supported",
  },
  { type: "AWS::Lambda::Version", ref: "version ARN", attributes: ["FunctionArn", "Version"], status: "supported" },
  { type: "AWS::Lambda::Alias", ref: "alias ARN", attributes: ["AliasArn"], status: "supported" },
  { type: "AWS::Lambda::Permission", ref: "statement id", attributes: [], status: "supported" },
  { type: "AWS::Lambda::LayerVersion", ref: "layer version ARN", attributes: ["LayerVersionArn"], status: "supported" },
  { type: "AWS::Lambda::EventInvokeConfig", ref: "function name and qualifier", attributes: [], status: "supported" },
  {
    type: "AWS::Lambda::EventSourceMapping",
    ref: "mapping UUID",
    attributes: ["Id", "EventSourceMappingArn"],
    status: "supported",
    note: "queue sources; stream sources are refused until stream mappings are built",
  },
  {
    type: "AWS::Lambda::Url",
    ref: "function ARN",
    attributes: ["FunctionArn", "FunctionUrl"],
    status: "supported",
  },
  { type: "AWS::ApiGateway::RestApi", ref: "API id", attributes: ["RestApiId", "RootResourceId"], status: "supported" },
  { type: "AWS::ApiGateway::Deployment", ref: "deployment id", attributes: ["DeploymentId"], status: "supported" },
  { type: "AWS::ApiGateway::Stage", ref: "stage name", attributes: [], status: "supported" },
  { type: "AWS::ApiGateway::Resource", ref: "resource id", attributes: ["ResourceId"], status: "supported" },
  { type: "AWS::ApiGateway::Method", ref: "method id", attributes: [], status: "supported" },
  { type: "AWS::ApiGateway::Authorizer", ref: "authorizer id", attributes: ["AuthorizerId"], status: "supported" },
  { type: "AWS::ApiGateway::GatewayResponse", ref: "response id", attributes: [], status: "pending", note: GATEWAY },
  { type: "AWS::ApiGateway::Model", ref: "model name", attributes: [], status: "pending", note: GATEWAY },
  {
    type: "AWS::ApiGateway::RequestValidator",
    ref: "validator id",
    attributes: ["RequestValidatorId"],
    status: "pending",
    note: GATEWAY,
  },
  { type: "AWS::ApiGateway::ApiKey", ref: "key id", attributes: ["APIKeyId"], status: "supported" },
  { type: "AWS::ApiGateway::UsagePlan", ref: "plan id", attributes: ["Id"], status: "supported" },
  { type: "AWS::ApiGateway::UsagePlanKey", ref: "`keyId:planId`", attributes: ["Id"], status: "supported" },
  {
    type: "AWS::ApiGateway::DomainName",
    ref: "domain name",
    attributes: ["DistributionDomainName", "DistributionHostedZoneId", "RegionalDomainName", "RegionalHostedZoneId"],
    status: "pending",
    note: GATEWAY,
  },
  { type: "AWS::ApiGateway::BasePathMapping", ref: "mapping id", attributes: [], status: "pending", note: GATEWAY },
  { type: "AWS::ApiGateway::Account", ref: "account id", attributes: [], status: "pending", note: GATEWAY },
  { type: "AWS::ApiGatewayV2::Api", ref: "API id", attributes: ["ApiEndpoint", "ApiId"], status: "supported" },
  { type: "AWS::ApiGatewayV2::Stage", ref: "stage name", attributes: [], status: "supported" },
  { type: "AWS::ApiGatewayV2::Route", ref: "route id", attributes: ["RouteId"], status: "supported" },
  { type: "AWS::ApiGatewayV2::Integration", ref: "integration id", attributes: ["IntegrationId"], status: "supported" },
  { type: "AWS::ApiGatewayV2::Authorizer", ref: "authorizer id", attributes: ["AuthorizerId"], status: "supported" },
  { type: "AWS::ApiGatewayV2::Deployment", ref: "deployment id", attributes: ["DeploymentId"], status: "supported" },
  {
    type: "AWS::ApiGatewayV2::DomainName",
    ref: "domain name",
    attributes: ["RegionalDomainName", "RegionalHostedZoneId"],
    status: "pending",
    note: GATEWAY,
  },
  {
    type: "AWS::ApiGatewayV2::ApiMapping",
    ref: "mapping id",
    attributes: ["ApiMappingId"],
    status: "pending",
    note: GATEWAY,
  },
  { type: "AWS::SQS::Queue", ref: "queue URL", attributes: ["Arn", "QueueName", "QueueUrl"], status: "supported" },
  { type: "AWS::SQS::QueuePolicy", ref: "policy id", attributes: ["Id"], status: "supported" },
  { type: "AWS::SNS::Topic", ref: "topic ARN", attributes: ["TopicArn", "TopicName"], status: "supported" },
  { type: "AWS::SNS::Subscription", ref: "subscription ARN", attributes: ["Arn"], status: "supported" },
  { type: "AWS::SNS::TopicPolicy", ref: "policy id", attributes: ["Id"], status: "supported" },
  { type: "AWS::Kinesis::Stream", ref: "stream name", attributes: ["Arn"], status: "supported" },
  {
    type: "AWS::Events::Rule",
    ref: "rule name (bus|name off the default bus)",
    attributes: ["Arn"],
    status: "supported",
  },
  { type: "AWS::Events::EventBus", ref: "bus name", attributes: ["Arn", "Name"], status: "supported" },
  { type: "AWS::Scheduler::Schedule", ref: "schedule name", attributes: ["Arn"], status: "supported" },
  { type: "AWS::CloudWatch::Alarm", ref: "alarm name", attributes: ["Arn"], status: "supported" },
  { type: "AWS::Logs::LogGroup", ref: "log group name", attributes: ["Arn"], status: "supported" },
  { type: "AWS::Logs::SubscriptionFilter", ref: "filter name", attributes: [], status: "supported" },
  { type: "AWS::IAM::Role", ref: "role name", attributes: ["Arn", "RoleId"], status: "supported" },
  { type: "AWS::IAM::Policy", ref: "policy id", attributes: ["Id"], status: "supported" },
  {
    type: "AWS::IAM::ManagedPolicy",
    ref: "policy ARN",
    attributes: ["PolicyArn", "PolicyId", "DefaultVersionId"],
    status: "supported",
  },
  {
    type: "AWS::CodeDeploy::Application",
    ref: "application name",
    attributes: [],
    status: "supported",
  },
  {
    type: "AWS::CodeDeploy::DeploymentGroup",
    ref: "deployment group name",
    attributes: [],
    status: "supported",
  },
  {
    type: "AWS::CodeDeploy::DeploymentConfig",
    ref: "deployment config name",
    attributes: [],
    status: "supported",
  },
];

const BY_TYPE = new Map(TYPES.map((t) => [t.type, t]));

/** The registry entry of `type`, or undefined for a type haneul does not handle. */
export function resourceType(type: string): ResourceTypeInfo | undefined {
  return BY_TYPE.get(type);
}

/** Every registered type. */
export function resourceTypes(): readonly ResourceTypeInfo[] {
  return TYPES;
}

/** The GetAtt names of a registered type (undefined for other types: they are warned about, not checked). */
export function attributeNames(type: string): readonly string[] | undefined {
  return BY_TYPE.get(type)?.attributes;
}

/** Resources of the template by how haneul handles them. */
export interface TypeReport {
  /** Logical id and type of resources whose feature is not built yet. */
  readonly pending: readonly { logicalId: string; type: string; note: string }[];
  /** Resources recorded but not enforced (customer managed IAM policies). */
  readonly accepted: readonly { logicalId: string; type: string; note: string }[];
  /** Types haneul does not handle at all, with the logical ids using them. */
  readonly unknown: readonly { type: string; logicalIds: string[] }[];
}

/** Sorts a template's resources (logical id → type) into pending and unknown; the rest are supported or accepted. */
export function typeReport(resources: ReadonlyMap<string, string>): TypeReport {
  const pending: { logicalId: string; type: string; note: string }[] = [];
  const accepted: { logicalId: string; type: string; note: string }[] = [];
  const unknown = new Map<string, string[]>();
  for (const [logicalId, type] of [...resources].sort(([a], [b]) => a.localeCompare(b))) {
    const info = BY_TYPE.get(type);
    if (!info) unknown.set(type, [...(unknown.get(type) ?? []), logicalId]);
    else if (info.status === "pending") pending.push({ logicalId, type, note: info.note ?? "" });
    else if (info.status === "accepted") accepted.push({ logicalId, type, note: info.note ?? "" });
  }
  return { pending, accepted, unknown: [...unknown].map(([type, logicalIds]) => ({ type, logicalIds })) };
}

/** The warning for unknown types: `Unrecognized resource types: [AWS::S3::Bucket (Images)]`. */
export function unknownTypesWarning(report: TypeReport): string | undefined {
  if (!report.unknown.length) return undefined;
  const list = report.unknown.map((u) => `${u.type} (${u.logicalIds.join(", ")})`).join(", ");
  return `Unrecognized resource types: [${list}]; haneul does not create them`;
}
