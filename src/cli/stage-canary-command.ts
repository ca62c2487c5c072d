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
  UpdateDeploymentGroupCommand,
  type AlarmConfiguration,
  type AutoRollbackEvent,
} from "@aws-sdk/client-codedeploy";
import type { DeploymentsCommandConfig, StageCanaryOptions } from "../config/deployments-options.js";

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

async function ensureGroup(cd: CodeDeployClient, o: StageCanaryOptions, groupName: string): Promise<void> {
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
    await cd.send(new CreateDeploymentGroupCommand({ ...settings, deploymentGroupName: groupName }));
  } catch (e) {
    if ((e as Error).name !== "DeploymentGroupAlreadyExistsException") throw e;
    await cd.send(new UpdateDeploymentGroupCommand({ ...settings, currentDeploymentGroupName: groupName }));
  }
}

/** Starts the stage canary deployment; prints its id. */
export async function startStageCanary(
  config: DeploymentsCommandConfig,
  c: { readonly cd: CodeDeployClient; readonly apigw: APIGatewayClient },
): Promise<number> {
  const o = config.stageCanary as StageCanaryOptions;
  const stage = await c.apigw.send(new GetStageCommand({ restApiId: o.restApiId, stageName: o.stageName }));
  const groupName = `${o.restApiId}.${o.stageName}`;
  await ensureGroup(c.cd, o, groupName);
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
