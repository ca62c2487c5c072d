import type { SamContext } from "./context.js";
import { invalidResource } from "./errors.js";
import { compact, getAtt, ref, resolveParameterRefs } from "./intrinsics.js";
import { isObject, textOf } from "../template/values.js";
import type { TemplateObject, TemplateValue } from "../template/values.js";

/** The function or alias events and URLs target: the alias when AutoPublishAlias is set. */
export interface FunctionTarget {
  readonly functionId: string;
  readonly aliasId?: string | undefined;
  readonly aliasName?: string | undefined;
  readonly passthrough: TemplateObject;
}

/** What `Ref` of the target gives: the alias ARN, or the function name. */
export function targetName(t: FunctionTarget): TemplateObject {
  return ref(t.aliasId ?? t.functionId);
}

/** The target's ARN: `Ref` of the alias, or `Fn::GetAtt [Fn, Arn]`. */
export function targetArn(t: FunctionTarget): TemplateObject {
  return t.aliasId ? ref(t.aliasId) : getAtt(t.functionId, "Arn");
}

const DESTINATION_POLICIES: Record<string, { action: string; suffix: string }> = {
  SQS: { action: "sqs:SendMessage", suffix: "SQSPolicy" },
  SNS: { action: "sns:publish", suffix: "SNSPolicy" },
  Lambda: { action: "lambda:InvokeFunction", suffix: "LambdaPolicy" },
  EventBridge: { action: "events:PutEvents", suffix: "EventBridgePolicy" },
};

/** EventInvokeConfig → `<Fn>EventInvokeConfig`, queues or topics SAM creates for destinations without one; returns the role policies. */
export function eventInvokeConfig(config: TemplateValue, t: FunctionTarget, ctx: SamContext): TemplateValue[] {
  if (!isObject(config)) throw invalidResource(t.functionId, "'EventInvokeConfig' must be a map");
  const id = `${t.functionId}EventInvokeConfig`;
  const policies: TemplateValue[] = [];
  let destinationConfig: TemplateObject | undefined;
  if (config.DestinationConfig !== undefined) {
    if (!isObject(config.DestinationConfig))
      throw invalidResource(t.functionId, "Property 'EventInvokeConfig.DestinationConfig' should be a map.");
    destinationConfig = {};
    for (const key of ["OnSuccess", "OnFailure"]) {
      const dest = config.DestinationConfig[key];
      if (dest === undefined) continue;
      if (!isObject(dest))
        throw invalidResource(t.functionId, `Property 'EventInvokeConfig.DestinationConfig.${key}' should be a map.`);
      destinationConfig[key] = { Destination: destination(dest, `${id}${key}`, t, ctx, policies) };
    }
  }
  ctx.resources[id] = compact({
    Type: "AWS::Lambda::EventInvokeConfig",
    ...t.passthrough,
    DependsOn: t.aliasId ? [t.aliasId] : undefined,
    Properties: compact({
      FunctionName: ref(t.functionId),
      Qualifier: t.aliasName ?? "$LATEST",
      MaximumEventAgeInSeconds: config.MaximumEventAgeInSeconds,
      MaximumRetryAttempts: config.MaximumRetryAttempts,
      DestinationConfig: destinationConfig,
    }),
  });
  return policies;
}

function destination(
  dest: TemplateObject,
  prefix: string,
  t: FunctionTarget,
  ctx: SamContext,
  policies: TemplateValue[],
): TemplateValue {
  const type = textOf(dest.Type);
  const policy = DESTINATION_POLICIES[type];
  if (!policy && type !== "S3") {
    throw invalidResource(t.functionId, `'Type: ${type}' must be one of ['SQS', 'SNS', 'EventBridge', 'Lambda', 'S3']`);
  }
  let arn = resolveParameterRefs(dest.Destination, ctx.options.parameters);
  if (arn === undefined) {
    if (type !== "SQS" && type !== "SNS")
      throw invalidResource(t.functionId, "Destination is required if Type is not ['SQS', 'SNS']");
    const created = `${prefix}${type === "SQS" ? "Queue" : "Topic"}`;
    ctx.resources[created] = compact({
      Type: type === "SQS" ? "AWS::SQS::Queue" : "AWS::SNS::Topic",
      ...t.passthrough,
      Properties: {},
    });
    arn = type === "SQS" ? getAtt(created, "Arn") : ref(created);
  }
  if (policy) {
    policies.push({
      PolicyName: `${prefix}${policy.suffix}`,
      PolicyDocument: { Statement: [{ Action: policy.action, Effect: "Allow", Resource: arn }] },
    });
  }
  return arn;
}

/** FunctionUrlConfig → `<Fn>Url`, and for AuthType NONE the two public permissions SAM adds. */
export function functionUrl(config: TemplateValue, t: FunctionTarget, ctx: SamContext): void {
  if (!isObject(config) || config.AuthType === undefined) {
    throw invalidResource(
      t.functionId,
      "AuthType is required to configure function property `FunctionUrlConfig`. Please provide either AWS_IAM or NONE.",
    );
  }
  const target = t.aliasId ? ref(t.aliasId) : ref(t.functionId);
  ctx.resources[`${t.functionId}Url`] = compact({
    Type: "AWS::Lambda::Url",
    ...t.passthrough,
    Properties: compact({
      TargetFunctionArn: target,
      AuthType: config.AuthType,
      Cors: config.Cors,
      InvokeMode: config.InvokeMode,
    }),
  });
  if (config.AuthType !== "NONE") return;
  ctx.resources[`${t.functionId}UrlPublicPermissions`] = compact({
    Type: "AWS::Lambda::Permission",
    ...t.passthrough,
    Properties: {
      Action: "lambda:InvokeFunctionUrl",
      FunctionName: target,
      Principal: "*",
      FunctionUrlAuthType: "NONE",
    },
  });
  ctx.resources[`${t.functionId}URLInvokeAllowPublicAccess`] = compact({
    Type: "AWS::Lambda::Permission",
    ...t.passthrough,
    Properties: { Action: "lambda:InvokeFunction", FunctionName: target, Principal: "*", InvokedViaFunctionUrl: true },
  });
}
