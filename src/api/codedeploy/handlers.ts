/** The CodeDeploy operations haneul serves (Lambda), each from its JSON request to its JSON answer. */
import type { DeploymentService, GroupInput } from "../../deployments/index.js";
import {
  isStageCanary,
  type DeploymentRecord,
  type DeploymentStatus,
  type TrafficRouting,
} from "../../ports/deployment-store.js";
import { PlatformError } from "../../shared/errors.js";
import { applicationView, configView, deploymentView, groupView, targetIdOf, targetView } from "./views.js";
import { bool, int, page, str, strings, struct, structs, tagsOf, type Body } from "./wire.js";

/** What the handlers work on. */
export interface CodeDeployScope {
  readonly service: DeploymentService;
  readonly region: string;
  readonly accountId: string;
}

/** One operation: the resource it acts on (for IAM) and what it does. */
export interface CodeDeployHandler {
  resource(s: CodeDeployScope, body: Body): string;
  run(s: CodeDeployScope, body: Body): Promise<object>;
}

const STATUSES = new Set(["Created", "Queued", "InProgress", "Baking", "Succeeded", "Failed", "Stopped", "Ready"]);
const BATCH_LIMIT = 25;

const arn = (s: CodeDeployScope, rest: string) => `arn:aws:codedeploy:${s.region}:${s.accountId}:${rest}`;
const appResource = (s: CodeDeployScope, b: Body) => arn(s, `application:${str(b, "applicationName") ?? "*"}`);
const groupResource =
  (field = "deploymentGroupName") =>
  (s: CodeDeployScope, b: Body) =>
    arn(s, `deploymentgroup:${str(b, "applicationName") ?? "*"}/${str(b, field) ?? "*"}`);
const configResource = (s: CodeDeployScope, b: Body) =>
  arn(s, `deploymentconfig:${str(b, "deploymentConfigName") ?? "*"}`);
const anyResource = () => "*";

function alarmConfigOf(b: Body | undefined): GroupInput["alarmConfiguration"] {
  if (!b) return undefined;
  const alarms = structs(b, "alarms")?.map((a) => str(a, "name") ?? "");
  if (alarms?.some((a) => a === ""))
    throw new PlatformError("ERR_CODEDEPLOY_INVALID_ALARM_CONFIG", "Each alarm must have a name.");
  return { enabled: bool(b, "enabled"), ignorePollAlarmFailure: bool(b, "ignorePollAlarmFailure"), alarms };
}

function rollbackConfigOf(b: Body | undefined): GroupInput["autoRollbackConfiguration"] {
  return b && { enabled: bool(b, "enabled"), events: strings(b, "events") };
}

/** Members of other compute platforms, refused rather than ignored. */
const NOT_LAMBDA = [
  "ec2TagFilters",
  "onPremisesInstanceTagFilters",
  "autoScalingGroups",
  "loadBalancerInfo",
  "ec2TagSet",
  "onPremisesTagSet",
  "ecsServices",
  "blueGreenDeploymentConfiguration",
  "outdatedInstancesStrategy",
  "terminationHookEnabled",
];

function groupInput(b: Body): GroupInput {
  for (const f of NOT_LAMBDA) {
    const v = b[f];
    if (v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0) && v !== false)
      throw new PlatformError("ERR_CODEDEPLOY_INVALID_INPUT", `${f} is not supported for the Lambda compute platform.`);
  }
  const style = struct(b, "deploymentStyle");
  return {
    applicationName: str(b, "applicationName"),
    deploymentGroupName: str(b, "deploymentGroupName"),
    deploymentConfigName: str(b, "deploymentConfigName"),
    serviceRoleArn: str(b, "serviceRoleArn"),
    alarmConfiguration: alarmConfigOf(struct(b, "alarmConfiguration")),
    autoRollbackConfiguration: rollbackConfigOf(struct(b, "autoRollbackConfiguration")),
    deploymentStyle: style && {
      deploymentType: str(style, "deploymentType"),
      deploymentOption: str(style, "deploymentOption"),
    },
    tags: tagsOf(b),
    triggerConfigurations: structs(b, "triggerConfigurations")?.map((t) => ({
      triggerName: str(t, "triggerName"),
      triggerTargetArn: str(t, "triggerTargetArn"),
      triggerEvents: strings(t, "triggerEvents"),
    })),
  };
}

function routingOf(b: Body | undefined): TrafficRouting | undefined {
  if (!b) return undefined;
  const type = str(b, "type") ?? "AllAtOnce";
  const canary = struct(b, "timeBasedCanary");
  const linear = struct(b, "timeBasedLinear");
  if (type === "AllAtOnce") return { type };
  if (type === "TimeBasedCanary" && canary)
    return {
      type,
      percentage: int(canary, "canaryPercentage") ?? 0,
      intervalMinutes: int(canary, "canaryInterval") ?? 0,
    };
  if (type === "TimeBasedLinear" && linear)
    return {
      type,
      percentage: int(linear, "linearPercentage") ?? 0,
      intervalMinutes: int(linear, "linearInterval") ?? 0,
    };
  throw new PlatformError(
    "ERR_CODEDEPLOY_INVALID_TRAFFIC_ROUTING",
    `The traffic routing type ${type} needs its ${type === "TimeBasedCanary" ? "timeBasedCanary" : "timeBasedLinear"} settings.`,
  );
}

/** A CodeDeploy ARN as TagResource and its kin take it: only a deployment group's carries tags here. */
const RESOURCE_ARN =
  /^arn:aws[a-z-]*:codedeploy:([a-z0-9-]+):(\d{12}):(application|deploymentgroup|deploymentconfig):(.+)$/;

/** The group a tagging request's `ResourceArn` names; an application or config ARN is not supported. */
function taggedGroup(s: CodeDeployScope, b: Body): { app: string; group: string } {
  const resourceArn = str(b, "ResourceArn");
  if (resourceArn === undefined || resourceArn === "")
    throw new PlatformError(
      "ERR_CODEDEPLOY_RESOURCE_ARN_REQUIRED",
      "The ARN of a resource is required, but was not found.",
    );
  const m = RESOURCE_ARN.exec(resourceArn);
  const slash = m?.[3] === "deploymentgroup" ? (m[4] ?? "").indexOf("/") : -1;
  if (!m || (m[3] === "deploymentgroup" && (slash < 1 || slash === (m[4] ?? "").length - 1)))
    throw new PlatformError("ERR_CODEDEPLOY_INVALID_ARN", `The specified ARN is not in a valid format: ${resourceArn}`);
  if (m[3] !== "deploymentgroup" || m[1] !== s.region || m[2] !== s.accountId)
    throw new PlatformError(
      "ERR_CODEDEPLOY_ARN_NOT_SUPPORTED",
      `The specified ARN is not supported: ${resourceArn} (haneul tags deployment groups of this region and account; an application's tags are set by CreateApplication).`,
    );
  const rest = m[4] ?? "";
  return { app: rest.slice(0, slash), group: rest.slice(slash + 1) };
}

async function groupInfo(s: CodeDeployScope, app: string, name: string): Promise<object> {
  const g = await s.service.catalog.group(app, name);
  const history = await s.service.list({ applicationName: app, groupName: name });
  const attempted = history[0];
  const succeeded = history.find((d) => d.status === "Succeeded");
  return groupView(g, { ...(attempted && { attempted }), ...(succeeded && { succeeded }) });
}

/** The target's ARN: the function's, or the stage's (API Gateway ARNs carry no account). */
function targetArn(s: CodeDeployScope, d: DeploymentRecord): string {
  const t = d.target;
  if (isStageCanary(t)) return `arn:aws:apigateway:${s.region}::/restapis/${t.restApiId}/stages/${t.stageName}`;
  return `arn:aws:lambda:${s.region}:${s.accountId}:function:${t.functionName}`;
}

async function targetsOf(s: CodeDeployScope, b: Body, ids: readonly string[]): Promise<object[]> {
  const d = await s.service.get(str(b, "deploymentId"));
  return ids.map((id) => {
    if (id !== targetIdOf(d))
      throw new PlatformError("ERR_CODEDEPLOY_TARGET_NOT_FOUND", `The deployment target ${id} could not be found.`);
    return targetView(d, targetArn(s, d));
  });
}

/** Every CodeDeploy operation haneul serves, by name. */
export const HANDLERS: Readonly<Record<string, CodeDeployHandler>> = {
  CreateApplication: {
    resource: appResource,
    run: async (s, b) => ({
      applicationId: await s.service.catalog.createApplication(
        str(b, "applicationName"),
        str(b, "computePlatform"),
        tagsOf(b),
      ),
    }),
  },
  GetApplication: {
    resource: appResource,
    run: async (s, b) => ({
      application: applicationView(await s.service.catalog.application(str(b, "applicationName"))),
    }),
  },
  ListApplications: {
    resource: anyResource,
    run: async (s, b) => {
      const { items, nextToken } = page(
        (await s.service.catalog.listApplications()).map((a) => a.name),
        b,
      );
      return { applications: items, ...(nextToken && { nextToken }) };
    },
  },
  DeleteApplication: {
    resource: appResource,
    run: async (s, b) => (await s.service.catalog.deleteApplication(str(b, "applicationName")), {}),
  },
  CreateDeploymentGroup: {
    resource: groupResource(),
    run: async (s, b) => ({ deploymentGroupId: await s.service.catalog.createGroup(groupInput(b)) }),
  },
  GetDeploymentGroup: {
    resource: groupResource(),
    run: async (s, b) => ({
      deploymentGroupInfo: await groupInfo(s, str(b, "applicationName") ?? "", str(b, "deploymentGroupName") ?? ""),
    }),
  },
  UpdateDeploymentGroup: {
    resource: groupResource("currentDeploymentGroupName"),
    run: async (s, b) => {
      const input = groupInput({ ...b, deploymentGroupName: undefined });
      await s.service.catalog.updateGroup(
        str(b, "currentDeploymentGroupName"),
        str(b, "newDeploymentGroupName"),
        input,
      );
      return { hooksNotCleanedUp: [] };
    },
  },
  DeleteDeploymentGroup: {
    resource: groupResource(),
    run: async (s, b) => {
      await s.service.catalog.deleteGroup(str(b, "applicationName"), str(b, "deploymentGroupName"));
      return { hooksNotCleanedUp: [] };
    },
  },
  ListDeploymentGroups: {
    resource: appResource,
    run: async (s, b) => {
      const groups = await s.service.catalog.listGroups(str(b, "applicationName"));
      const { items, nextToken } = page(
        groups.map((g) => g.name),
        b,
      );
      return { applicationName: str(b, "applicationName"), deploymentGroups: items, ...(nextToken && { nextToken }) };
    },
  },
  CreateDeploymentConfig: {
    resource: configResource,
    run: async (s, b) => ({
      deploymentConfigId: await s.service.catalog.createConfig({
        name: str(b, "deploymentConfigName"),
        computePlatform: str(b, "computePlatform"),
        minimumHealthyHosts: struct(b, "minimumHealthyHosts") ?? struct(b, "zonalConfig"),
        trafficRouting: routingOf(struct(b, "trafficRoutingConfig")),
      }),
    }),
  },
  GetDeploymentConfig: {
    resource: configResource,
    run: async (s, b) => ({
      deploymentConfigInfo: configView(await s.service.catalog.config(str(b, "deploymentConfigName"))),
    }),
  },
  ListDeploymentConfigs: {
    resource: anyResource,
    run: async (s, b) => {
      const { items, nextToken } = page(await s.service.catalog.listConfigNames(), b);
      return { deploymentConfigsList: items, ...(nextToken && { nextToken }) };
    },
  },
  DeleteDeploymentConfig: {
    resource: configResource,
    run: async (s, b) => (await s.service.catalog.deleteConfig(str(b, "deploymentConfigName")), {}),
  },
  CreateDeployment: {
    resource: groupResource(),
    run: async (s, b) => {
      for (const f of ["targetInstances", "fileExistsBehavior"])
        if (b[f] !== undefined)
          throw new PlatformError(
            "ERR_CODEDEPLOY_INVALID_INPUT",
            `${f} is not supported for the Lambda compute platform.`,
          );
      const revision = struct(b, "revision");
      const content = revision && (struct(revision, "appSpecContent") ?? struct(revision, "string"));
      return {
        deploymentId: await s.service.create({
          applicationName: str(b, "applicationName"),
          deploymentGroupName: str(b, "deploymentGroupName"),
          deploymentConfigName: str(b, "deploymentConfigName"),
          description: str(b, "description"),
          revision: revision && {
            revisionType: str(revision, "revisionType"),
            content: content && str(content, "content"),
            sha256: content && str(content, "sha256"),
          },
          autoRollbackConfiguration: rollbackConfigOf(struct(b, "autoRollbackConfiguration")),
          overrideAlarmConfiguration: alarmConfigOf(struct(b, "overrideAlarmConfiguration")),
        }),
      };
    },
  },
  GetDeployment: {
    resource: anyResource,
    run: async (s, b) => ({ deploymentInfo: deploymentView(await s.service.get(str(b, "deploymentId"))) }),
  },
  BatchGetDeployments: {
    resource: anyResource,
    run: async (s, b) => {
      const ids = strings(b, "deploymentIds") ?? [];
      if (ids.length > BATCH_LIMIT)
        throw new PlatformError("ERR_CODEDEPLOY_BATCH_LIMIT_EXCEEDED", "The maximum number of deployment IDs is 25.");
      const found = await Promise.all(ids.map((id) => s.service.get(id).catch(() => undefined)));
      return { deploymentsInfo: found.filter((d) => d !== undefined).map(deploymentView) };
    },
  },
  ListDeployments: {
    resource: anyResource,
    run: async (s, b) => {
      const statuses = strings(b, "includeOnlyStatuses") ?? [];
      const bad = statuses.find((x) => !STATUSES.has(x));
      if (bad !== undefined)
        throw new PlatformError(
          "ERR_CODEDEPLOY_INVALID_DEPLOYMENT_STATUS",
          `The deployment status ${bad} is not valid.`,
        );
      const range = struct(b, "createTimeRange");
      const from = typeof range?.["start"] === "number" ? range["start"] * 1000 : 0;
      const to = typeof range?.["end"] === "number" ? range["end"] * 1000 : Infinity;
      const all = await s.service.list({
        applicationName: str(b, "applicationName"),
        groupName: str(b, "deploymentGroupName"),
        statuses: statuses as DeploymentStatus[],
      });
      const { items, nextToken } = page(
        all.filter((d) => d.createdAt >= from && d.createdAt <= to).map((d) => d.id),
        b,
      );
      return { deployments: items, ...(nextToken && { nextToken }) };
    },
  },
  StopDeployment: {
    resource: anyResource,
    run: async (s, b) => {
      await s.service.stop(str(b, "deploymentId"), bool(b, "autoRollbackEnabled"));
      return { status: "Pending", statusMessage: "Stopping Pending. Stopping to schedule" };
    },
  },
  ContinueDeployment: {
    resource: anyResource,
    run: async (s, b) => (await s.service.promote(str(b, "deploymentId"), str(b, "deploymentWaitType")), {}),
  },
  ListDeploymentTargets: {
    resource: anyResource,
    run: async (s, b) => ({ targetIds: [targetIdOf(await s.service.get(str(b, "deploymentId")))] }),
  },
  GetDeploymentTarget: {
    resource: anyResource,
    run: async (s, b) => {
      const id = str(b, "targetId");
      if (id === undefined)
        throw new PlatformError("ERR_CODEDEPLOY_TARGET_ID_REQUIRED", "A deployment target ID is required.");
      return { deploymentTarget: (await targetsOf(s, b, [id]))[0] };
    },
  },
  BatchGetDeploymentTargets: {
    resource: anyResource,
    run: async (s, b) => {
      const ids = strings(b, "targetIds") ?? [];
      if (ids.length === 0)
        throw new PlatformError("ERR_CODEDEPLOY_TARGET_ID_REQUIRED", "A deployment target ID is required.");
      if (ids.length > BATCH_LIMIT)
        throw new PlatformError("ERR_CODEDEPLOY_BATCH_LIMIT_EXCEEDED", "The maximum number of targets is 25.");
      return { deploymentTargets: await targetsOf(s, b, ids) };
    },
  },
  TagResource: {
    resource: (_s, b) => str(b, "ResourceArn") ?? "*",
    run: async (s, b) => {
      const { app, group } = taggedGroup(s, b);
      const list = structs(b, "Tags");
      if (!list || list.length === 0)
        throw new PlatformError("ERR_CODEDEPLOY_TAG_REQUIRED", "A tag was not specified.");
      await s.service.catalog.tagGroup(app, group, tagsOf({ tags: list }));
      return {};
    },
  },
  UntagResource: {
    resource: (_s, b) => str(b, "ResourceArn") ?? "*",
    run: async (s, b) => {
      const { app, group } = taggedGroup(s, b);
      const keys = strings(b, "TagKeys");
      if (!keys || keys.length === 0)
        throw new PlatformError("ERR_CODEDEPLOY_TAG_REQUIRED", "A tag was not specified.");
      await s.service.catalog.untagGroup(app, group, keys);
      return {};
    },
  },
  ListTagsForResource: {
    resource: (_s, b) => str(b, "ResourceArn") ?? "*",
    run: async (s, b) => {
      const { app, group } = taggedGroup(s, b);
      const g = await s.service.catalog.group(app, group);
      const tags = Object.entries(g.tags).map(([Key, Value]) => ({ Key, Value }));
      const { items, nextToken } = page(tags, { nextToken: str(b, "NextToken") });
      return { Tags: items, ...(nextToken && { NextToken: nextToken }) };
    },
  },
  PutLifecycleEventHookExecutionStatus: {
    resource: anyResource,
    run: async (s, b) => ({
      lifecycleEventHookExecutionId: await s.service.putHookStatus(
        str(b, "deploymentId"),
        str(b, "lifecycleEventHookExecutionId"),
        str(b, "status"),
      ),
    }),
  },
};
