/**
 * `haneul deployments start-stage-canary`: starts a stage canary deployment (a haneul extension)
 * through the node's own APIs: the stage's deployment is read (GetStage), the application
 * haneul-stage-canaries and the stage's deployment group are made or updated with the alarms and
 * rollback on alarm, failure and stop, and CreateDeployment is given an AppSpec whose resource is
 * the stage (Type AWS::ApiGateway::Stage). The node's driver then steps the canary.
 */
import type { APIGatewayClient } from "@aws-sdk/client-api-gateway";
import { GetStageCommand } from "@aws-sdk/client-api-gateway";
import type { CodeDeployClient } from "@aws-sdk/client-codedeploy";
import {
  CreateApplicationCommand,
  CreateDeploymentCommand,
  CreateDeploymentGroupCommand,
  TagResourceCommand,
  UpdateDeploymentGroupCommand,
  type AlarmConfiguration,
  type AutoRollbackEvent,
  type Tag,
} from "@aws-sdk/client-codedeploy";
import { GetCallerIdentityCommand, type STSClient } from "@aws-sdk/client-sts";
import { ConfigError } from "../config/server-config.js";
import { CANARY_JUDGE_TAG, stageTestRequestOf, TEST_EVENT_TAG, TRAFFIC_GUARD_TAG } from "../deployments/index.js";
import type { DeploymentsCommandConfig, StageCanaryOptions } from "../config/deployments-options.js";

/** The node's APIs the command calls. */
export interface StageCanaryClients {
  readonly cd: CodeDeployClient;
  readonly apigw: APIGatewayClient;
  readonly sts: STSClient;
}

/** The application every stage canary deployment belongs to. */
export const STAGE_CANARY_APPLICATION = "haneul-stage-canaries";
/** The group's service role: required by CodeDeploy's API, never assumed by haneul. */
const SERVICE_ROLE = "arn:aws:iam::000000000000:role/haneul-stage-canaries";
const ROLLBACK_EVENTS: AutoRollbackEvent[] = [
  "DEPLOYMENT_FAILURE",
  "DEPLOYMENT_STOP_ON_ALARM",
  "DEPLOYMENT_STOP_ON_REQUEST",
];

/** The stage canary deployment's AppSpec (haneul's AWS::ApiGateway::Stage resource). */
export function stageAppSpec(o: StageCanaryOptions, currentDeploymentId: string): string {
  const properties = {
    RestApiId: o.restApiId,
    StageName: o.stageName,
    CurrentDeploymentId: currentDeploymentId,
    TargetDeploymentId: o.deploymentId,
  };
  return JSON.stringify({
    version: 0.0,
    Resources: [{ Stage: { Type: "AWS::ApiGateway::Stage", Properties: properties } }],
  });
}

/**
 * Refuses (ConfigError) a test event the node would refuse when the deployment is created: one
 * that does not describe a request (a field it has not, a method, path or header it cannot send).
 */
export function checkStageCanaryOptions(config: DeploymentsCommandConfig): void {
  const event = config.stageCanary?.testEvent;
  if (event === undefined) return;
  try {
    stageTestRequestOf(event);
  } catch (e) {
    throw new ConfigError(`--test-event: ${(e as Error).message}`);
  }
}

/** The group tags the options ask for (traffic guard, judge, test event); an option not given sets none. */
export function stageCanaryTags(o: StageCanaryOptions): Tag[] {
  const tags: Tag[] = [];
  if (o.minRequestsPerStep !== undefined) tags.push({ Key: TRAFFIC_GUARD_TAG, Value: String(o.minRequestsPerStep) });
  if (o.judge !== undefined) tags.push({ Key: CANARY_JUDGE_TAG, Value: String(o.judge) });
  if (o.testEvent !== undefined) tags.push({ Key: TEST_EVENT_TAG, Value: o.testEvent });
  return tags;
}

/**
 * Makes the group with the options' tags, or updates the one there: its tags are set with
 * TagResource on the group's ARN (tags the options do not name keep their values).
 */
async function ensureGroup(
  c: StageCanaryClients,
  o: StageCanaryOptions,
  region: string,
  groupName: string,
): Promise<void> {
  const cd = c.cd;
  const tags = stageCanaryTags(o);
  const alarmConfiguration: AlarmConfiguration = {
    enabled: o.alarms.length > 0,
    alarms: o.alarms.map((name) => ({ name })),
  };
  const settings = {
    applicationName: STAGE_CANARY_APPLICATION,
    deploymentConfigName: o.configName,
    serviceRoleArn: SERVICE_ROLE,
    alarmConfiguration,
    autoRollbackConfiguration: { enabled: true, events: ROLLBACK_EVENTS },
  } as const;
  try {
    await cd.send(
      new CreateApplicationCommand({ applicationName: STAGE_CANARY_APPLICATION, computePlatform: "Lambda" }),
    );
  } catch (e) {
    if ((e as Error).name !== "ApplicationAlreadyExistsException") throw e;
  }
  try {
    await cd.send(new CreateDeploymentGroupCommand({ ...settings, deploymentGroupName: groupName, tags }));
  } catch (e) {
    if ((e as Error).name !== "DeploymentGroupAlreadyExistsException") throw e;
    if (tags.length > 0) {
      const groupArn = await groupArnOf(c.sts, region, groupName);
      await cd.send(new TagResourceCommand({ ResourceArn: groupArn, Tags: tags }));
    }
    await cd.send(new UpdateDeploymentGroupCommand({ ...settings, currentDeploymentGroupName: groupName }));
  }
}

/** The group's ARN, for TagResource: CodeDeploy's answers carry no account, STS names the caller's. */
async function groupArnOf(sts: STSClient, region: string, groupName: string): Promise<string> {
  const { Account: account } = await sts.send(new GetCallerIdentityCommand({}));
  if (account === undefined) throw new Error("GetCallerIdentity named no account");
  return `arn:aws:codedeploy:${region}:${account}:deploymentgroup:${STAGE_CANARY_APPLICATION}/${groupName}`;
}

/** Starts the stage canary deployment; prints its id. */
export async function startStageCanary(config: DeploymentsCommandConfig, c: StageCanaryClients): Promise<number> {
  const o = config.stageCanary as StageCanaryOptions;
  const stage = await c.apigw.send(new GetStageCommand({ restApiId: o.restApiId, stageName: o.stageName }));
  const groupName = `${o.restApiId}.${o.stageName}`;
  await ensureGroup(c, o, config.region, groupName);
  const { deploymentId } = await c.cd.send(
    new CreateDeploymentCommand({
      applicationName: STAGE_CANARY_APPLICATION,
      deploymentGroupName: groupName,
      deploymentConfigName: o.configName,
      description: o.description,
      revision: {
        revisionType: "AppSpecContent",
        appSpecContent: { content: stageAppSpec(o, stage.deploymentId ?? "") },
      },
    }),
  );
  if (config.json) process.stdout.write(`${JSON.stringify({ deploymentId }, null, 2)}\n`);
  else
    process.stdout.write(
      `Deployment ${deploymentId ?? ""} started: the canary of stage ${o.stageName} steps to deployment ${o.deploymentId} (${o.configName})\n`,
    );
  return 0;
}
