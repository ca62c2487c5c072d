import type { GroupInput } from "../../deployments/index.js";
import { generatedName, needService, refuseUnsupported, ResourceFailure, str } from "./handler.js";
import type { Properties, ResourceHandler, ResourceScope } from "./handler.js";

/**
 * AWS::CodeDeploy::* resources through the node's CodeDeploy (the types SAM's DeploymentPreference
 * generates): an application, its deployment groups, custom deployment configs. Ref is the name.
 */

const GROUP_KEYS = [
  "ApplicationName",
  "DeploymentGroupName",
  "DeploymentConfigName",
  "ServiceRoleArn",
  "AlarmConfiguration",
  "AutoRollbackConfiguration",
  "DeploymentStyle",
  "Tags",
  "TriggerConfigurations",
];

function tags(props: Properties): Record<string, string> {
  if (!Array.isArray(props.Tags)) return {};
  return Object.fromEntries((props.Tags as { Key: string; Value: string }[]).map((t) => [t.Key, t.Value]));
}

const record = (v: unknown): Record<string, unknown> =>
  typeof v === "object" && v !== null ? (v as Record<string, unknown>) : {};

const flag = (v: unknown): boolean | undefined => (v === undefined ? undefined : v === true || v === "true");

/** The group as CreateDeploymentGroup takes it; what the template leaves out goes back to the defaults. */
function groupInput(props: Properties, name: string): GroupInput {
  const alarms = record(props.AlarmConfiguration);
  const rollback = record(props.AutoRollbackConfiguration);
  const style = record(props.DeploymentStyle);
  const alarmNames = Array.isArray(alarms.Alarms)
    ? (alarms.Alarms as unknown[]).map((a) => str(record(a), "Name") ?? "")
    : [];
  return {
    applicationName: str(props, "ApplicationName"),
    deploymentGroupName: name,
    deploymentConfigName: str(props, "DeploymentConfigName"),
    serviceRoleArn: str(props, "ServiceRoleArn"),
    alarmConfiguration: {
      enabled: flag(alarms.Enabled) ?? false,
      ignorePollAlarmFailure: flag(alarms.IgnorePollAlarmFailure) ?? false,
      alarms: alarmNames,
    },
    autoRollbackConfiguration: {
      enabled: flag(rollback.Enabled) ?? false,
      events: Array.isArray(rollback.Events) ? (rollback.Events as string[]) : [],
    },
    deploymentStyle: { deploymentType: str(style, "DeploymentType"), deploymentOption: str(style, "DeploymentOption") },
    tags: tags(props),
    triggerConfigurations: Array.isArray(props.TriggerConfigurations)
      ? (props.TriggerConfigurations as unknown[]).map(record).map((t) => ({
          triggerName: str(t, "TriggerName"),
          triggerTargetArn: str(t, "TriggerTargetArn"),
          triggerEvents: Array.isArray(t.TriggerEvents) ? (t.TriggerEvents as string[]) : [],
        }))
      : [],
  };
}

const application: ResourceHandler = {
  async create(props, scope) {
    refuseUnsupported(props, scope, ["ApplicationName", "ComputePlatform", "Tags"]);
    const cd = needService(scope.services.deployments, scope);
    if ((str(props, "ComputePlatform") ?? "Server") !== "Lambda")
      return refusePlatform(scope, str(props, "ComputePlatform") ?? "Server");
    const name = str(props, "ApplicationName") ?? generatedName(scope, 100);
    await cd.createApplication(name, tags(props));
    return { physicalId: name, attributes: { ApplicationName: name } };
  },
  async delete(r, scope) {
    if (r.physicalId) await needService(scope.services.deployments, scope).deleteApplication(r.physicalId);
  },
};

function refusePlatform(scope: ResourceScope, platform: string): never {
  throw new ResourceFailure(
    `haneul deploys Lambda functions only: ComputePlatform ${platform} of ${scope.logicalId} is not supported (use Lambda)`,
  );
}

const group: ResourceHandler = {
  async create(props, scope) {
    refuseUnsupported(props, scope, GROUP_KEYS);
    const name = str(props, "DeploymentGroupName") ?? generatedName(scope, 100);
    await needService(scope.services.deployments, scope).createGroup(groupInput(props, name));
    return { physicalId: name, attributes: { ApplicationName: str(props, "ApplicationName") } };
  },
  async update(props, previous, scope) {
    refuseUnsupported(props, scope, GROUP_KEYS);
    const name = previous.physicalId ?? "";
    await needService(scope.services.deployments, scope).updateGroup(groupInput(props, name));
    return { physicalId: name, attributes: { ApplicationName: str(props, "ApplicationName") } };
  },
  async delete(r, scope) {
    const app = r.attributes.ApplicationName;
    if (r.physicalId && typeof app === "string")
      await needService(scope.services.deployments, scope).deleteGroup(app, r.physicalId);
  },
};

const config: ResourceHandler = {
  async create(props, scope) {
    refuseUnsupported(props, scope, ["DeploymentConfigName", "ComputePlatform", "TrafficRoutingConfig"]);
    if ((str(props, "ComputePlatform") ?? "Server") !== "Lambda")
      return refusePlatform(scope, str(props, "ComputePlatform") ?? "Server");
    const name = str(props, "DeploymentConfigName") ?? generatedName(scope, 100);
    await needService(scope.services.deployments, scope).createConfig(name, record(props.TrafficRoutingConfig));
    return { physicalId: name, attributes: {} };
  },
  async delete(r, scope) {
    if (r.physicalId) await needService(scope.services.deployments, scope).deleteConfig(r.physicalId);
  },
};

/** The CodeDeploy handlers by type. */
export const CODEDEPLOY_HANDLERS: Readonly<Record<string, ResourceHandler>> = {
  "AWS::CodeDeploy::Application": application,
  "AWS::CodeDeploy::DeploymentGroup": group,
  "AWS::CodeDeploy::DeploymentConfig": config,
};
