import type { SamContext } from "./context.js";
import { invalidResource } from "./errors.js";
import { compact, getAtt, ref } from "./intrinsics.js";
import { intrinsicName, isObject, textOf } from "../template/values.js";
import type { TemplateObject, TemplateValue } from "../template/values.js";

/**
 * DeploymentPreference, generated as SAM generates it (carried out by the safe-deployments
 * feature): one `ServerlessDeploymentApplication`, a `CodeDeployServiceRole` unless every
 * preference names its Role, a `<Fn>DeploymentGroup` per function, and the alias's UpdatePolicy.
 */

const PREDEFINED = [
  "Canary10Percent5Minutes",
  "Canary10Percent10Minutes",
  "Canary10Percent15Minutes",
  "Canary10Percent30Minutes",
  "Linear10PercentEvery1Minute",
  "Linear10PercentEvery2Minutes",
  "Linear10PercentEvery3Minutes",
  "Linear10PercentEvery10Minutes",
  "AllAtOnce",
];

export const APPLICATION_ID = "ServerlessDeploymentApplication";
export const SERVICE_ROLE_ID = "CodeDeployServiceRole";

/** True when the preference is enabled (Enabled defaults to true). */
export function preferenceEnabled(preference: TemplateObject, ctx: SamContext): boolean {
  const enabled = preference.Enabled;
  if (enabled === undefined) return true;
  const value =
    typeof enabled === "object" && enabled !== null
      ? ctx.options.parameters.get(textOf((enabled as TemplateObject).Ref))
      : enabled;
  return !(value === false || value === "false" || value === "False");
}

/** Adds the deployment group of `functionId` and sets its alias's UpdatePolicy. */
export function deploymentPreference(
  functionId: string,
  preference: TemplateValue,
  alias: { aliasId?: string | undefined; condition?: string | undefined },
  ctx: SamContext,
): { needsServiceRole: boolean } | undefined {
  if (!isObject(preference)) throw invalidResource(functionId, "'DeploymentPreference' must be a map");
  if (!preferenceEnabled(preference, ctx)) return undefined;
  if (!alias.aliasId)
    throw invalidResource(functionId, "'DeploymentPreference' requires AutoPublishAlias property to be specified.");
  if (preference.Type === undefined)
    throw invalidResource(functionId, "'DeploymentPreference' is missing required Property 'Type'");
  const hooks = isObject(preference.Hooks) ? preference.Hooks : {};
  for (const key of Object.keys(hooks)) {
    if (key !== "PreTraffic" && key !== "PostTraffic") {
      throw invalidResource(
        functionId,
        `Invalid property '${key}' in 'Hooks'. Valid properties are 'PreTraffic' and 'PostTraffic'.`,
      );
    }
  }
  const groupId = `${functionId}DeploymentGroup`;
  ctx.resources[groupId] = compact({
    Type: "AWS::CodeDeploy::DeploymentGroup",
    // As SAM: the group takes the function's Condition only when PassthroughCondition says so.
    Condition: passthrough(preference.PassthroughCondition) ? alias.condition : undefined,
    Properties: compact({
      AlarmConfiguration: alarms(preference.Alarms),
      ApplicationName: ref(APPLICATION_ID),
      AutoRollbackConfiguration: {
        Enabled: true,
        Events: ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM", "DEPLOYMENT_STOP_ON_REQUEST"],
      },
      DeploymentConfigName: configName(preference.Type),
      DeploymentStyle: { DeploymentType: "BLUE_GREEN", DeploymentOption: "WITH_TRAFFIC_CONTROL" },
      ServiceRoleArn: preference.Role ?? getAtt(SERVICE_ROLE_ID, "Arn"),
      TriggerConfigurations: preference.TriggerConfigurations,
    }),
  });
  const aliasResource = ctx.resources[alias.aliasId] as TemplateObject;
  aliasResource.UpdatePolicy = {
    CodeDeployLambdaAliasUpdate: compact({
      ApplicationName: ref(APPLICATION_ID),
      DeploymentGroupName: ref(groupId),
      BeforeAllowTrafficHook: hooks.PreTraffic,
      AfterAllowTrafficHook: hooks.PostTraffic,
    }),
  };
  return { needsServiceRole: preference.Role === undefined };
}

const passthrough = (v: TemplateValue | undefined): boolean => v === true || v === "true" || v === "True";

function configName(type: TemplateValue): TemplateValue {
  if (typeof type === "string" && PREDEFINED.includes(type))
    return { "Fn::Sub": ["CodeDeployDefault.Lambda${ConfigName}", { ConfigName: type }] };
  return type;
}

function alarms(value: TemplateValue | undefined): TemplateValue | undefined {
  if (value === undefined || (isObject(value) && value.Ref === "AWS::NoValue")) return undefined;
  if (intrinsicName(value) === "Fn::If") {
    const [cond, a, b] = (value as { "Fn::If": TemplateValue[] })["Fn::If"];
    return {
      "Fn::If": [cond as TemplateValue, alarmConfiguration(a as TemplateValue), alarmConfiguration(b as TemplateValue)],
    };
  }
  return alarmConfiguration(value);
}

function alarmConfiguration(list: TemplateValue): TemplateValue {
  if (!Array.isArray(list)) throw new Error("Alarms must be a list");
  if (list.length === 0) return {};
  return { Enabled: true, Alarms: list.map((Name) => ({ Name })) };
}

/** The application and (when needed) the service role, once for the template. */
export function deploymentApplication(ctx: SamContext, needsServiceRole: boolean): void {
  ctx.resources[APPLICATION_ID] = { Type: "AWS::CodeDeploy::Application", Properties: { ComputePlatform: "Lambda" } };
  if (!needsServiceRole) return;
  ctx.resources[SERVICE_ROLE_ID] = {
    Type: "AWS::IAM::Role",
    Properties: {
      AssumeRolePolicyDocument: {
        Version: "2012-10-17",
        Statement: [
          { Action: ["sts:AssumeRole"], Effect: "Allow", Principal: { Service: ["codedeploy.amazonaws.com"] } },
        ],
      },
      ManagedPolicyArns: [`arn:${ctx.partition}:iam::aws:policy/service-role/AWSCodeDeployRoleForLambda`],
    },
  };
}
