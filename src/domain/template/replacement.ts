/**
 * Which properties of a type can only change by creating a new physical resource (CloudFormation's
 * "Update requires: Replacement"). `*` marks a type whose every property does (immutable resources).
 */
const REPLACING: Record<string, readonly string[]> = {
  "AWS::Lambda::Function": ["FunctionName", "PackageType"],
  "AWS::Lambda::Version": ["*"],
  "AWS::Lambda::Alias": ["FunctionName", "Name"],
  "AWS::Lambda::Permission": ["*"],
  "AWS::Lambda::LayerVersion": ["*"],
  "AWS::Lambda::EventSourceMapping": [
    "EventSourceArn",
    "StartingPosition",
    "StartingPositionTimestamp",
    "SelfManagedEventSource",
    "Topics",
    "Queues",
  ],
  "AWS::Lambda::EventInvokeConfig": ["FunctionName", "Qualifier"],
  "AWS::Lambda::Url": ["TargetFunctionArn", "Qualifier"],
  "AWS::ApiGateway::Deployment": ["RestApiId", "DeploymentCanarySettings"],
  "AWS::ApiGateway::Stage": ["RestApiId", "StageName"],
  "AWS::ApiGateway::Resource": ["RestApiId", "ParentId", "PathPart"],
  "AWS::ApiGateway::Method": ["RestApiId", "ResourceId", "HttpMethod"],
  "AWS::ApiGateway::Authorizer": ["RestApiId"],
  "AWS::ApiGateway::ApiKey": ["Name", "Value", "GenerateDistinctId"],
  "AWS::ApiGateway::UsagePlanKey": ["*"],
  "AWS::ApiGatewayV2::Api": ["ProtocolType"],
  "AWS::ApiGatewayV2::Stage": ["ApiId", "StageName"],
  "AWS::ApiGatewayV2::Route": ["ApiId"],
  "AWS::ApiGatewayV2::Integration": ["ApiId"],
  "AWS::ApiGatewayV2::Authorizer": ["ApiId"],
  "AWS::ApiGatewayV2::Deployment": ["ApiId"],
  "AWS::SQS::Queue": ["QueueName", "FifoQueue"],
  "AWS::SNS::Topic": ["TopicName", "FifoTopic"],
  "AWS::SNS::Subscription": ["Endpoint", "Protocol", "TopicArn", "Region"],
  "AWS::Kinesis::Stream": ["Name"],
  "AWS::Events::Rule": ["Name", "EventBusName"],
  "AWS::Events::EventBus": ["Name", "EventSourceName"],
  "AWS::Scheduler::Schedule": ["Name", "GroupName"],
  "AWS::CloudWatch::Alarm": ["AlarmName"],
  "AWS::Logs::LogGroup": ["LogGroupName", "LogGroupClass", "KmsKeyId"],
  "AWS::Logs::SubscriptionFilter": ["LogGroupName", "FilterName"],
  "AWS::IAM::Role": ["RoleName", "Path"],
  "AWS::IAM::ManagedPolicy": ["ManagedPolicyName", "Path", "Description"],
  "AWS::CodeDeploy::Application": ["ApplicationName", "ComputePlatform"],
  "AWS::CodeDeploy::DeploymentGroup": ["ApplicationName", "DeploymentGroupName"],
  "AWS::CodeDeploy::DeploymentConfig": ["*"],
};

/** Whether changing `property` of a resource of `type` replaces it ("Always") or updates it in place ("Never"). */
export function recreation(type: string, property: string): "Always" | "Never" {
  const list = REPLACING[type];
  return list && (list.includes("*") || list.includes(property)) ? "Always" : "Never";
}
