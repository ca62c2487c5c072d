import { functionCode } from "./code.js";
import type { SamContext } from "./context.js";
import { deploymentPreference } from "./deployment-preference.js";
import { invalidEvent, invalidResource, SamError } from "./errors.js";
import { apiEvent, httpApiEvent } from "./events-api.js";
import type { EventInput } from "./events-common.js";
import { pullEvent } from "./events-pull.js";
import { cloudWatchLogsEvent, eventBridgeRuleEvent, scheduleEvent, snsEvent } from "./events-push.js";
import { scheduleV2Event } from "./events-schedule-v2.js";
import { eventInvokeConfig, functionUrl } from "./function-extras.js";
import type { FunctionTarget } from "./function-extras.js";
import { compact, getAtt, resolveParameterRefs } from "./intrinsics.js";
import { passthroughAttributes } from "./rest-api.js";
import { executionRole, managedPolicyArn, samTags } from "./role.js";
import { aliasName, publishAlias } from "./version.js";
import { isObject, textOf } from "../template/values.js";
import type { TemplateObject, TemplateValue } from "../template/values.js";

/**
 * AWS::Serverless::Function → AWS::Lambda::Function and what SAM generates around it: the
 * execution role, version and alias, event invoke config, function URL, deployment group and one
 * set of resources per event.
 */

const REFUSED = [
  "PropagateTags",
  "ImageUri",
  "ImageConfig",
  "CapacityProviderConfig",
  "FunctionScalingConfig",
  "DurableConfig",
  "TenancyConfig",
];
const PASSED = [
  "FunctionName",
  "Description",
  "MemorySize",
  "Timeout",
  "VpcConfig",
  "Role",
  "Environment",
  "KmsKeyArn",
  "ReservedConcurrentExecutions",
  "Layers",
  "FileSystemConfigs",
  "PackageType",
  "Architectures",
  "SnapStart",
  "EphemeralStorage",
  "CodeSigningConfigArn",
  "RuntimeManagementConfig",
  "LoggingConfig",
  "RecursiveLoop",
];

type EventTranslator = (e: EventInput, condition: string | undefined) => void;

const EVENTS: Record<string, EventTranslator> = {
  Api: apiEvent,
  HttpApi: httpApiEvent,
  SQS: (e) => pullEvent("SQS", e),
  Kinesis: (e) => pullEvent("Kinesis", e),
  DynamoDB: (e) => pullEvent("DynamoDB", e),
  SNS: snsEvent,
  Schedule: scheduleEvent,
  ScheduleV2: scheduleV2Event,
  EventBridgeRule: eventBridgeRuleEvent,
  CloudWatchEvent: eventBridgeRuleEvent,
  CloudWatchLogs: cloudWatchLogsEvent,
};

/** What translating a function tells the transform (deployment preferences are finished once for all). */
export interface FunctionResult {
  readonly deployment?: { needsServiceRole: boolean } | undefined;
  readonly aliasId?: string | undefined;
  readonly versionId?: string | undefined;
}

/** Translates one function into ctx. */
export function translateFunction(functionId: string, resource: TemplateObject, ctx: SamContext): FunctionResult {
  const props = resource.Properties as TemplateObject;
  for (const key of REFUSED)
    if (props[key] !== undefined) throw invalidResource(functionId, `${key} is not supported by haneul yet`);
  if (props.Handler === undefined || props.Runtime === undefined) {
    throw invalidResource(functionId, "Runtime and Handler needs to be present when PackageType is of type `Zip`");
  }
  const passthrough = passthroughAttributes(resource);
  const fnProps: TemplateObject = {
    Handler: props.Handler,
    Runtime: props.Runtime,
    Code: functionCode(props, functionId, ctx),
  };
  for (const key of PASSED) if (props[key] !== undefined) fnProps[key] = props[key];
  fnProps.Tags = samTags(props.Tags);
  const tracing = resolveParameterRefs(props.Tracing, ctx.options.parameters);
  if (props.Tracing !== undefined && tracing !== "Disabled") fnProps.TracingConfig = { Mode: props.Tracing };
  const dlq = deadLetterQueue(functionId, props.DeadLetterQueue);
  if (dlq) fnProps.DeadLetterConfig = { TargetArn: dlq.TargetArn as TemplateValue };
  const fn: TemplateObject = compact({
    Type: "AWS::Lambda::Function",
    ...passthrough,
    DependsOn: resource.DependsOn,
    Metadata: resource.Metadata,
    Properties: fnProps,
  });
  ctx.resources[functionId] = fn;

  let target: FunctionTarget = { functionId, passthrough };
  let versionId: string | undefined;
  if (props.ProvisionedConcurrencyConfig !== undefined && props.AutoPublishAlias === undefined) {
    throw invalidResource(
      functionId,
      "To set ProvisionedConcurrencyConfig AutoPublishALias must be defined on the function",
    );
  }
  if (props.AutoPublishAlias !== undefined) {
    const name = aliasName(functionId, props.AutoPublishAlias, ctx);
    const codeSha256 = props.AutoPublishCodeSha256 === undefined ? undefined : codeSha(functionId, props, fnProps, ctx);
    const published = publishAlias({ functionId, props, fn, name, codeSha256, passthrough, ctx });
    versionId = published.versionId;
    target = { functionId, aliasId: published.aliasId, aliasName: name, passthrough };
  }
  if (props.FunctionUrlConfig !== undefined) functionUrl(props.FunctionUrlConfig, target, ctx);
  const deployment =
    props.DeploymentPreference === undefined
      ? undefined
      : deploymentPreference(
          functionId,
          props.DeploymentPreference,
          { ...target, condition: typeof resource.Condition === "string" ? resource.Condition : undefined },
          ctx,
        );
  const invokePolicies =
    props.EventInvokeConfig === undefined ? [] : eventInvokeConfig(props.EventInvokeConfig, target, ctx);

  let roleId: string | undefined;
  if (props.Role === undefined) {
    roleId = `${functionId}Role`;
    ctx.resources[roleId] = compact({
      Type: "AWS::IAM::Role",
      ...passthrough,
      Properties: executionRole(functionId, props, rolePolicies(props, tracing, dlq, invokePolicies, ctx), ctx),
    });
    fnProps.Role = getAtt(roleId, "Arn");
  }
  translateEvents(functionId, props.Events, {
    target,
    roleId,
    ctx,
    condition: typeof resource.Condition === "string" ? resource.Condition : undefined,
  });
  return { deployment, aliasId: target.aliasId, versionId };
}

function codeSha(functionId: string, props: TemplateObject, fnProps: TemplateObject, ctx: SamContext): string {
  const sha = resolveParameterRefs(props.AutoPublishCodeSha256, ctx.options.parameters);
  if (typeof sha !== "string") throw invalidResource(functionId, "AutoPublishCodeSha256 must be a string");
  const description = resolveParameterRefs(props.Description, ctx.options.parameters);
  if (description === undefined || typeof description === "string")
    fnProps.Description = description ? `${description} ${sha}` : sha;
  else fnProps.Description = { "Fn::Join": [" ", [description, sha]] };
  return sha;
}

function deadLetterQueue(functionId: string, dlq: TemplateValue | undefined): TemplateObject | undefined {
  if (dlq === undefined) return undefined;
  if (!isObject(dlq) || dlq.TargetArn === undefined)
    throw invalidResource(functionId, "'DeadLetterQueue' requires Type and TargetArn properties to be specified.");
  if (dlq.Type !== "SQS" && dlq.Type !== "SNS")
    throw invalidResource(functionId, "'DeadLetterQueue' requires Type of ['SNS', 'SQS']");
  return dlq;
}

function rolePolicies(
  props: TemplateObject,
  tracing: TemplateValue | undefined,
  dlq: TemplateObject | undefined,
  invokePolicies: TemplateValue[],
  ctx: SamContext,
) {
  const managedPolicyArns: TemplateValue[] = [managedPolicyArn(ctx, "service-role/AWSLambdaBasicExecutionRole")];
  if (props.Tracing !== undefined && tracing !== "Disabled")
    managedPolicyArns.push(managedPolicyArn(ctx, "AWSXrayWriteOnlyAccess"));
  if (props.VpcConfig !== undefined)
    managedPolicyArns.push(managedPolicyArn(ctx, "service-role/AWSLambdaVPCAccessExecutionRole"));
  const policyDocuments: TemplateValue[] = [];
  if (dlq) {
    policyDocuments.push({
      PolicyName: "DeadLetterQueuePolicy",
      PolicyDocument: {
        Version: "2012-10-17",
        Statement: [
          {
            Action: dlq.Type === "SQS" ? "sqs:SendMessage" : "sns:Publish",
            Resource: dlq.TargetArn as TemplateValue,
            Effect: "Allow",
          },
        ],
      },
    });
  }
  policyDocuments.push(...invokePolicies);
  return { managedPolicyArns, policyDocuments };
}

/** Events in SAM's order: by Path when they have one, else by name. */
function translateEvents(
  functionId: string,
  events: TemplateValue | undefined,
  input: { target: FunctionTarget; roleId: string | undefined; ctx: SamContext; condition: string | undefined },
): void {
  if (events === undefined) return;
  if (!isObject(events)) throw invalidResource(functionId, "Property 'Events' should be a map.");
  // The $default route of an HttpApi event without Path sorts as "$default", as SAM fills it in first.
  const sortKey = ([id, e]: [string, TemplateValue]) => {
    const p = isObject(e) && isObject(e.Properties) ? e.Properties : {};
    if (typeof p.Path === "string") return p.Path;
    return isObject(e) && e.Type === "HttpApi" && p.Method === undefined ? "$default" : id;
  };
  const entries = Object.entries(events).sort((a, b) =>
    sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0,
  );
  for (const [eventId, event] of entries) {
    try {
      if (!isObject(event)) throw invalidEvent(eventId, "Event should be a map.");
      const translate = EVENTS[textOf(event.Type)];
      if (!translate) {
        throw invalidEvent(
          eventId,
          `Type of event ${textOf(event.Type)} is not supported by haneul; supported: ${Object.keys(EVENTS).join(", ")}`,
        );
      }
      const properties = event.Properties === undefined ? {} : event.Properties;
      if (!isObject(properties)) throw invalidEvent(eventId, "Property 'Properties' should be a map.");
      translate(
        {
          eventId,
          logicalId: functionId + eventId,
          properties,
          target: input.target,
          roleId: input.roleId,
          ctx: input.ctx,
        },
        input.condition,
      );
    } catch (e) {
      if (e instanceof SamError && e.message.startsWith("Event with id")) throw invalidResource(functionId, e.message);
      throw e;
    }
  }
}
