/**
 * CodeDeploy's applications, deployment groups and deployment configs for Lambda, checked as
 * CodeDeploy checks them. Settings of other compute platforms are refused, never ignored.
 */
import type {
  AlarmConfiguration,
  ApplicationRecord,
  AutoRollbackConfiguration,
  DeploymentConfigRecord,
  DeploymentGroupRecord,
  DeploymentStore,
  TrafficRouting,
  TriggerConfig,
} from "../ports/deployment-store.js";
import { PlatformError } from "../shared/errors.js";
import type { IdSource } from "../shared/ids.js";
import { canaryJudgeOf, testEventOf, TRAFFIC_GUARD_TAG } from "./group-tags.js";
import { checkTriggers } from "./triggers.js";
import { DEFAULT_LAMBDA_CONFIG, OTHER_PLATFORM_CONFIGS, PREDEFINED_CONFIGS, predefinedConfigId } from "./configs.js";

const ROLLBACK_EVENTS = new Set(["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM", "DEPLOYMENT_STOP_ON_REQUEST"]);
const MAX_ALARMS = 10;

/** A name of 1-100 characters; `required` when missing, `invalid` when too long. */
function checkName(value: string | undefined, required: PlatformError, invalid: PlatformError): string {
  if (value === undefined || value === "") throw required;
  if (value.length > 100) throw invalid;
  return value;
}

/** Checks and defaults alarmConfiguration. */
export function checkAlarms(c: Partial<AlarmConfiguration> | undefined): AlarmConfiguration {
  const alarms = c?.alarms ?? [];
  const config = { enabled: c?.enabled ?? false, ignorePollAlarmFailure: c?.ignorePollAlarmFailure ?? false, alarms };
  if (alarms.length > MAX_ALARMS)
    throw new PlatformError("ERR_CODEDEPLOY_INVALID_ALARM_CONFIG", `The maximum number of alarms is ${MAX_ALARMS}.`);
  if (new Set(alarms).size !== alarms.length)
    throw new PlatformError("ERR_CODEDEPLOY_INVALID_ALARM_CONFIG", "The alarm names must be unique.");
  if (config.enabled && alarms.length === 0)
    throw new PlatformError(
      "ERR_CODEDEPLOY_INVALID_ALARM_CONFIG",
      "At least one alarm must be specified when alarms are enabled.",
    );
  return config;
}

/** Checks and defaults autoRollbackConfiguration. */
export function checkAutoRollback(c: Partial<AutoRollbackConfiguration> | undefined): AutoRollbackConfiguration {
  const events = c?.events ?? [];
  const bad = events.find((e) => !ROLLBACK_EVENTS.has(e));
  if (bad !== undefined)
    throw new PlatformError(
      "ERR_CODEDEPLOY_INVALID_AUTO_ROLLBACK_CONFIG",
      `The auto rollback event ${bad} is not valid.`,
    );
  const enabled = c?.enabled ?? false;
  if (enabled && events.length === 0)
    throw new PlatformError(
      "ERR_CODEDEPLOY_INVALID_AUTO_ROLLBACK_CONFIG",
      "At least one auto rollback event must be specified when auto rollback is enabled.",
    );
  return { enabled, events: [...new Set(events)] };
}

export { TRAFFIC_GUARD_TAG };
const MAX_GUARD = 1_000_000;

/** The traffic guard a group's tags ask for; a tag value that is not a count is refused. */
export function trafficGuardOf(tags: Readonly<Record<string, string>>): { minInvocations: number } | undefined {
  const v = tags[TRAFFIC_GUARD_TAG];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > MAX_GUARD)
    throw new PlatformError(
      "ERR_CODEDEPLOY_INVALID_INPUT",
      `The tag ${TRAFFIC_GUARD_TAG} must be a whole number of invocations, 1-${MAX_GUARD}: ${v}`,
    );
  return { minInvocations: n };
}

/** What CreateDeploymentGroup / UpdateDeploymentGroup carry for Lambda. */
export interface GroupInput {
  readonly applicationName?: string | undefined;
  readonly deploymentGroupName?: string | undefined;
  readonly deploymentConfigName?: string | undefined;
  readonly serviceRoleArn?: string | undefined;
  readonly alarmConfiguration?: Partial<AlarmConfiguration> | undefined;
  readonly autoRollbackConfiguration?: Partial<AutoRollbackConfiguration> | undefined;
  readonly deploymentStyle?: { deploymentType?: string | undefined; deploymentOption?: string | undefined } | undefined;
  readonly tags?: Readonly<Record<string, string>> | undefined;
  /** Absent on an update: the group keeps its triggers; `[]` removes them. */
  readonly triggerConfigurations?: readonly Partial<TriggerConfig>[] | undefined;
}

/** Whether an SNS topic ARN names a topic (absent: this node has no topics, any trigger is refused). */
export type TopicExists = (arn: string) => Promise<boolean>;

/** Applications, groups and configs over the store. */
export class DeploymentCatalog {
  readonly #store: DeploymentStore;
  readonly #ids: IdSource;
  readonly #now: () => number;
  readonly #topicExists: TopicExists;

  constructor(o: { store: DeploymentStore; ids: IdSource; now: () => number; topicExists?: TopicExists | undefined }) {
    this.#store = o.store;
    this.#ids = o.ids;
    this.#now = o.now;
    this.#topicExists = o.topicExists ?? (() => Promise.resolve(false));
  }

  /** CreateApplication: Lambda only. */
  async createApplication(
    name: string | undefined,
    platform = "Server",
    tags: Record<string, string> = {},
  ): Promise<string> {
    const n = appName(name);
    if (platform !== "Lambda") {
      throw new PlatformError(
        "ERR_CODEDEPLOY_INVALID_COMPUTE_PLATFORM",
        `The computePlatform ${platform} is not supported: haneul deploys Lambda functions (computePlatform Lambda).`,
      );
    }
    const app = { name: n, id: this.#ids.requestId(), computePlatform: platform, createdAt: this.#now(), tags };
    if (!(await this.#store.createApplication(app)))
      throw new PlatformError("ERR_CODEDEPLOY_APPLICATION_EXISTS", `${n} already exists in your account`);
    return app.id;
  }

  /** An application; ApplicationDoesNotExistException when there is none. */
  async application(name: string | undefined): Promise<ApplicationRecord> {
    const n = appName(name);
    const app = await this.#store.getApplication(n);
    if (!app) throw new PlatformError("ERR_CODEDEPLOY_APPLICATION_NOT_FOUND", `No application found for name: ${n}`);
    return app;
  }

  /** DeleteApplication: deleting one that does not exist succeeds, as on CodeDeploy. */
  async deleteApplication(name: string | undefined): Promise<void> {
    await this.#store.deleteApplication(appName(name));
  }

  listApplications(): Promise<ApplicationRecord[]> {
    return this.#store.listApplications();
  }

  /** CreateDeploymentGroup; resolves to its id. */
  async createGroup(input: GroupInput): Promise<string> {
    const app = await this.application(input.applicationName);
    const group = await this.#groupOf(app.name, input, undefined);
    if (!(await this.#store.createDeploymentGroup(group))) {
      throw new PlatformError("ERR_CODEDEPLOY_GROUP_EXISTS", `Deployment Group already exists with name ${group.name}`);
    }
    return group.id;
  }

  /** A group; DeploymentGroupDoesNotExistException when there is none. */
  async group(applicationName: string | undefined, name: string | undefined): Promise<DeploymentGroupRecord> {
    const app = await this.application(applicationName);
    const n = groupName(name);
    const g = await this.#store.getDeploymentGroup(app.name, n);
    if (!g) throw new PlatformError("ERR_CODEDEPLOY_GROUP_NOT_FOUND", `No Deployment Group found for name: ${n}`);
    return g;
  }

  /** UpdateDeploymentGroup: given fields change, the group may be renamed. */
  async updateGroup(currentName: string | undefined, newName: string | undefined, input: GroupInput): Promise<void> {
    const current = await this.group(input.applicationName, currentName);
    const merged: GroupInput = {
      applicationName: current.applicationName,
      deploymentGroupName: newName ?? current.name,
      deploymentConfigName: input.deploymentConfigName ?? current.deploymentConfigName,
      serviceRoleArn: input.serviceRoleArn ?? current.serviceRoleArn,
      alarmConfiguration: input.alarmConfiguration ?? current.alarmConfiguration,
      autoRollbackConfiguration: input.autoRollbackConfiguration ?? current.autoRollbackConfiguration,
      deploymentStyle: input.deploymentStyle ?? current.deploymentStyle,
      tags: current.tags,
      triggerConfigurations: input.triggerConfigurations,
    };
    const checked = await this.#groupOf(current.applicationName, merged, current.id);
    // Triggers not given stay as they are, unchecked again (a topic deleted since does not block the update).
    const group = input.triggerConfigurations
      ? checked
      : { ...checked, triggerConfigurations: current.triggerConfigurations ?? [] };
    if (!(await this.#store.updateDeploymentGroup(current.name, group)))
      throw new PlatformError("ERR_CODEDEPLOY_GROUP_EXISTS", `Deployment Group already exists with name ${group.name}`);
  }

  /**
   * TagResource on a group: the tags are added, a key it has takes the new value; the result is
   * checked as CreateDeploymentGroup checks its tags (a haneul tag it cannot honour is refused).
   */
  async tagGroup(applicationName: string, name: string, tags: Readonly<Record<string, string>>): Promise<void> {
    await this.#retag(applicationName, name, (current) => ({ ...current, ...tags }));
  }

  /** UntagResource on a group: the keys are removed (a key it does not have is no error). */
  async untagGroup(applicationName: string, name: string, keys: readonly string[]): Promise<void> {
    await this.#retag(applicationName, name, (current) =>
      Object.fromEntries(Object.entries(current).filter(([k]) => !keys.includes(k))),
    );
  }

  async #retag(
    applicationName: string,
    name: string,
    change: (current: Readonly<Record<string, string>>) => Record<string, string>,
  ): Promise<void> {
    const current = await this.group(applicationName, name);
    const tags = change(current.tags);
    trafficGuardOf(tags);
    testEventOf(tags);
    canaryJudgeOf(tags);
    await this.#store.updateDeploymentGroup(current.name, { ...current, tags });
  }

  /** DeleteDeploymentGroup: deleting one that does not exist succeeds, as on CodeDeploy. */
  async deleteGroup(applicationName: string | undefined, name: string | undefined): Promise<void> {
    const app = await this.application(applicationName);
    await this.#store.deleteDeploymentGroup(app.name, groupName(name));
  }

  /** The names of an application's groups. */
  async listGroups(applicationName: string | undefined): Promise<DeploymentGroupRecord[]> {
    const app = await this.application(applicationName);
    return this.#store.listDeploymentGroups(app.name);
  }

  /** A config, predefined or custom; DeploymentConfigDoesNotExistException when there is none. */
  async config(name: string | undefined): Promise<DeploymentConfigRecord> {
    const n = configName(name);
    const predefined = PREDEFINED_CONFIGS.get(n);
    if (predefined)
      return {
        name: n,
        id: predefinedConfigId(n),
        computePlatform: "Lambda",
        trafficRouting: predefined,
        createdAt: 0,
      };
    const custom = await this.#store.getDeploymentConfig(n);
    if (!custom)
      throw new PlatformError("ERR_CODEDEPLOY_CONFIG_NOT_FOUND", `No deployment configuration found for name: ${n}`);
    return custom;
  }

  /** CreateDeploymentConfig for Lambda: a traffic routing, no minimum healthy hosts. */
  async createConfig(input: {
    name?: string | undefined;
    computePlatform?: string | undefined;
    minimumHealthyHosts?: unknown;
    trafficRouting?: TrafficRouting | undefined;
  }): Promise<string> {
    const name = configName(input.name);
    if (name.startsWith("CodeDeployDefault."))
      throw new PlatformError(
        "ERR_CODEDEPLOY_INVALID_CONFIG_NAME",
        `The deployment configuration name ${name} is reserved.`,
      );
    if ((input.computePlatform ?? "Server") !== "Lambda")
      throw new PlatformError(
        "ERR_CODEDEPLOY_INVALID_COMPUTE_PLATFORM",
        `The computePlatform ${input.computePlatform ?? "Server"} is not supported: haneul deploys Lambda functions (computePlatform Lambda).`,
      );
    if (input.minimumHealthyHosts !== undefined)
      throw new PlatformError(
        "ERR_CODEDEPLOY_INVALID_MINIMUM_HEALTHY_HOSTS",
        "MinimumHealthyHosts is not supported for the Lambda compute platform.",
      );
    const trafficRouting = checkRouting(input.trafficRouting ?? { type: "AllAtOnce" });
    const config = {
      name,
      id: this.#ids.requestId(),
      computePlatform: "Lambda",
      trafficRouting,
      createdAt: this.#now(),
    };
    if (!(await this.#store.createDeploymentConfig(config)))
      throw new PlatformError(
        "ERR_CODEDEPLOY_CONFIG_EXISTS",
        `Deployment Configuration already exists with name ${name}`,
      );
    return config.id;
  }

  /** DeleteDeploymentConfig: predefined ones and ones a group uses are refused. */
  async deleteConfig(name: string | undefined): Promise<void> {
    const n = configName(name);
    if (PREDEFINED_CONFIGS.has(n) || OTHER_PLATFORM_CONFIGS.includes(n))
      throw new PlatformError(
        "ERR_CODEDEPLOY_INVALID_OPERATION",
        "You cannot delete a default deployment configuration.",
      );
    for (const app of await this.#store.listApplications()) {
      if ((await this.#store.listDeploymentGroups(app.name)).some((g) => g.deploymentConfigName === n))
        throw new PlatformError("ERR_CODEDEPLOY_CONFIG_IN_USE", `The deployment configuration ${n} is still in use.`);
    }
    await this.#store.deleteDeploymentConfig(n);
  }

  /** Every config name: the predefined Lambda ones, then the custom ones. */
  async listConfigNames(): Promise<string[]> {
    const custom = (await this.#store.listDeploymentConfigs()).map((c) => c.name);
    return [...PREDEFINED_CONFIGS.keys(), ...custom];
  }

  async #groupOf(app: string, input: GroupInput, id: string | undefined): Promise<DeploymentGroupRecord> {
    const name = groupName(input.deploymentGroupName);
    const role = input.serviceRoleArn;
    if (role === undefined || role === "")
      throw new PlatformError("ERR_CODEDEPLOY_ROLE_REQUIRED", "Role ARN is required.");
    if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+/.test(role))
      throw new PlatformError("ERR_CODEDEPLOY_INVALID_ROLE", `Role ${role} is not a valid role ARN.`);
    const config = await this.config(input.deploymentConfigName ?? DEFAULT_LAMBDA_CONFIG);
    const style = input.deploymentStyle;
    const deploymentType = style?.deploymentType ?? "BLUE_GREEN";
    const deploymentOption = style?.deploymentOption ?? "WITH_TRAFFIC_CONTROL";
    if (deploymentType !== "BLUE_GREEN" || deploymentOption !== "WITH_TRAFFIC_CONTROL")
      throw new PlatformError(
        "ERR_CODEDEPLOY_INVALID_DEPLOYMENT_STYLE",
        "A Lambda deployment group must be BLUE_GREEN WITH_TRAFFIC_CONTROL.",
      );
    const tags = input.tags ?? {};
    trafficGuardOf(tags);
    testEventOf(tags);
    canaryJudgeOf(tags);
    return {
      applicationName: app,
      name,
      id: id ?? this.#ids.requestId(),
      deploymentConfigName: config.name,
      serviceRoleArn: role,
      alarmConfiguration: checkAlarms(input.alarmConfiguration),
      autoRollbackConfiguration: checkAutoRollback(input.autoRollbackConfiguration),
      deploymentStyle: { deploymentType, deploymentOption },
      tags,
      triggerConfigurations: await checkTriggers(input.triggerConfigurations ?? [], this.#topicExists),
    };
  }
}

/** Checks a custom traffic routing as CodeDeploy does. */
function checkRouting(r: TrafficRouting): TrafficRouting {
  if (r.type === "AllAtOnce") return r;
  const ok =
    Number.isInteger(r.percentage) &&
    r.percentage >= 1 &&
    r.percentage <= 99 &&
    Number.isInteger(r.intervalMinutes) &&
    r.intervalMinutes >= 1;
  if (!ok) {
    throw new PlatformError(
      "ERR_CODEDEPLOY_INVALID_TRAFFIC_ROUTING",
      `The ${r.type} configuration is not valid: the percentage must be 1-99 and the interval at least 1 minute.`,
    );
  }
  return r;
}

const appName = (n: string | undefined): string =>
  checkName(
    n,
    new PlatformError("ERR_CODEDEPLOY_APPLICATION_NAME_REQUIRED", "Application name is required."),
    new PlatformError("ERR_CODEDEPLOY_INVALID_APPLICATION_NAME", "Application name is longer than 100 characters."),
  );
const groupName = (n: string | undefined): string =>
  checkName(
    n,
    new PlatformError("ERR_CODEDEPLOY_GROUP_NAME_REQUIRED", "Deployment Group name is required."),
    new PlatformError("ERR_CODEDEPLOY_INVALID_GROUP_NAME", "Deployment Group name is longer than 100 characters."),
  );
const configName = (n: string | undefined): string =>
  checkName(
    n,
    new PlatformError("ERR_CODEDEPLOY_CONFIG_NAME_REQUIRED", "Deployment Configuration name is required."),
    new PlatformError(
      "ERR_CODEDEPLOY_INVALID_CONFIG_NAME",
      "Deployment Configuration name is longer than 100 characters.",
    ),
  );
