/**
 * Deployments as the CodeDeploy API sees them: CreateDeployment from a Lambda AppSpec, StopDeployment,
 * PutLifecycleEventHookExecutionStatus. Changes go to the store over the revision read and wake the
 * engine, which drives the deployment (on the leader, in a cluster).
 */
import type {
  AlarmConfiguration,
  AutoRollbackConfiguration,
  DeploymentQuery,
  DeploymentRecord,
  DeploymentStore,
  DeploymentTarget,
  LifecycleEventStatus,
} from "../ports/deployment-store.js";
import { FINAL_STATUSES, isStageCanary } from "../ports/deployment-store.js";
import { PlatformError } from "../shared/errors.js";
import type { IdSource } from "../shared/ids.js";
import { parseLambdaAppSpec } from "./appspec.js";
import { canaryJudgeOf, stageTestRequestOf, testEventOf } from "./group-tags.js";
import { checkJudgeMetrics } from "./judge-metrics.js";
import { checkAlarms, checkAutoRollback, DeploymentCatalog, trafficGuardOf, type TopicExists } from "./catalog.js";
import { initialEvents } from "./driver.js";
import type { DeploymentEngine } from "./engine.js";

const DEPLOYMENT_ID = /^d-[A-Z0-9]{9}$/;

/** What CreateDeployment carries for Lambda. */
export interface CreateDeploymentInput {
  readonly applicationName?: string | undefined;
  readonly deploymentGroupName?: string | undefined;
  readonly deploymentConfigName?: string | undefined;
  readonly description?: string | undefined;
  readonly revision?:
    { revisionType?: string | undefined; content?: string | undefined; sha256?: string | undefined } | undefined;
  readonly autoRollbackConfiguration?: Partial<AutoRollbackConfiguration> | undefined;
  readonly overrideAlarmConfiguration?: Partial<AlarmConfiguration> | undefined;
  readonly creator?: DeploymentRecord["creator"] | undefined;
}

/** How the service is built. */
export interface DeploymentServiceOptions {
  readonly store: DeploymentStore;
  readonly engine: DeploymentEngine;
  readonly ids: IdSource;
  readonly now: () => number;
  /** Checks that the alias and both versions (a stage and both its deployments) exist (PlatformError otherwise). */
  readonly checkTarget: (target: DeploymentTarget) => void | Promise<void>;
  /** Whether a trigger's SNS topic exists. */
  readonly topicExists?: TopicExists | undefined;
}

/** The CodeDeploy service for Lambda. */
export class DeploymentService {
  readonly catalog: DeploymentCatalog;
  readonly #o: DeploymentServiceOptions;

  constructor(o: DeploymentServiceOptions) {
    this.#o = o;
    this.catalog = new DeploymentCatalog({ store: o.store, ids: o.ids, now: o.now, topicExists: o.topicExists });
  }

  /** CreateDeployment; resolves to the deployment id. */
  async create(input: CreateDeploymentInput): Promise<string> {
    const app = await this.catalog.application(input.applicationName);
    if (input.deploymentGroupName === undefined)
      throw new PlatformError("ERR_CODEDEPLOY_GROUP_NAME_REQUIRED", "Deployment Group name is required.");
    const group = await this.catalog.group(app.name, input.deploymentGroupName);
    const config = await this.catalog.config(input.deploymentConfigName ?? group.deploymentConfigName);
    const content = revisionContent(input.revision);
    const spec = parseLambdaAppSpec(content);
    await this.#o.checkTarget(spec.target);
    const trafficGuard = trafficGuardOf(group.tags);
    const testEvent = testEventOf(group.tags);
    const judge = canaryJudgeOf(group.tags);
    // On a stage canary the test event is a request and a named metric is found by the deployment:
    // one that cannot be is refused here, not ignored.
    if (testEvent !== undefined && isStageCanary(spec.target)) stageTestRequestOf(testEvent);
    checkJudgeMetrics(judge?.metrics ?? [], spec.target);
    const now = this.#o.now();
    const d: DeploymentRecord = {
      id: `d-${this.#o.ids
        .hex(8)
        .toUpperCase()
        .replace(/[^A-Z0-9]/g, "")
        .slice(0, 9)
        .padEnd(9, "0")}`,
      applicationName: app.name,
      groupName: group.name,
      configName: config.name,
      routing: config.trafficRouting,
      target: spec.target,
      appSpec: { content, ...(input.revision?.sha256 !== undefined && { sha256: input.revision.sha256 }) },
      description: input.description,
      creator: input.creator ?? "user",
      alarmConfiguration: input.overrideAlarmConfiguration
        ? checkAlarms(input.overrideAlarmConfiguration)
        : group.alarmConfiguration,
      autoRollbackConfiguration: input.autoRollbackConfiguration
        ? checkAutoRollback(input.autoRollbackConfiguration)
        : group.autoRollbackConfiguration,
      trafficGuard,
      testEvent,
      judge,
      status: "Created",
      weight: 0,
      lifecycleEvents: initialEvents(spec.hooks),
      createdAt: now,
      updatedAt: now,
      revision: 0,
    };
    const result = await this.#o.store.createDeployment(d);
    if (result.kind === "active") {
      const a = result.active;
      const message =
        a.groupName === d.groupName && a.applicationName === d.applicationName
          ? `The Deployment Group '${group.name}' already has an active Deployment '${a.id}'`
          : `The ${isStageCanary(d.target) ? `stage ${d.target.stageName} of REST API ${d.target.restApiId}` : `alias ${d.target.alias} of function ${d.target.functionName}`} already has an active Deployment '${a.id}'`;
      throw new PlatformError("ERR_CODEDEPLOY_DEPLOYMENT_LIMIT_EXCEEDED", message);
    }
    this.#o.engine.nudge();
    return d.id;
  }

  /** A deployment; DeploymentDoesNotExistException when there is none. */
  async get(id: string | undefined): Promise<DeploymentRecord> {
    const d = await this.#o.store.getDeployment(deploymentId(id));
    if (!d)
      throw new PlatformError("ERR_CODEDEPLOY_DEPLOYMENT_NOT_FOUND", `The deployment ${id ?? ""} could not be found.`);
    return d;
  }

  /** Deployments, newest first; the application and group must exist when named. */
  async list(q: DeploymentQuery): Promise<DeploymentRecord[]> {
    if (q.groupName !== undefined) await this.catalog.group(q.applicationName, q.groupName);
    else if (q.applicationName !== undefined) await this.catalog.application(q.applicationName);
    return this.#o.store.listDeployments(q);
  }

  /** StopDeployment: the driver stops it (and rolls back as asked) on its next step. */
  async stop(id: string | undefined, autoRollbackEnabled: boolean | undefined): Promise<void> {
    const d = await this.get(id);
    if (FINAL_STATUSES.includes(d.status))
      throw new PlatformError("ERR_CODEDEPLOY_DEPLOYMENT_COMPLETED", `The deployment ${d.id} has already completed.`);
    await this.#o.engine.update(d.id, (cur) =>
      FINAL_STATUSES.includes(cur.status) ? undefined : { ...cur, stopRequest: { autoRollbackEnabled } },
    );
    this.#o.engine.nudge();
  }

  /**
   * ContinueDeployment (READY_WAIT), `haneul deployments promote`: the remaining traffic waits are
   * skipped; a BeforeAllowTraffic hook still has to pass, then all traffic moves, then AfterAllowTraffic.
   */
  async promote(id: string | undefined, waitType: string | undefined = "READY_WAIT"): Promise<void> {
    if (waitType !== "READY_WAIT" && waitType !== "TERMINATION_WAIT")
      throw new PlatformError(
        "ERR_CODEDEPLOY_INVALID_WAIT_TYPE",
        `The deployment wait type ${waitType} is not valid: READY_WAIT or TERMINATION_WAIT.`,
      );
    const d = await this.get(id);
    if (waitType === "TERMINATION_WAIT")
      throw new PlatformError(
        "ERR_CODEDEPLOY_UNSUPPORTED_ACTION",
        `The deployment ${d.id} is a Lambda deployment, which has no termination wait: continue it with READY_WAIT.`,
      );
    let refusal: PlatformError | undefined;
    await this.#o.engine.update(d.id, (cur) => {
      refusal = promoteRefusal(cur);
      return refusal || cur.promoteRequest ? undefined : { ...cur, promoteRequest: { requestedAt: this.#o.now() } };
    });
    if (refusal) throw refusal;
    this.#o.engine.nudge();
  }

  /** PutLifecycleEventHookExecutionStatus: a hook's Succeeded or Failed. */
  async putHookStatus(
    id: string | undefined,
    executionId: string | undefined,
    status: string | undefined,
  ): Promise<string> {
    if (status !== "Succeeded" && status !== "Failed") {
      throw new PlatformError(
        "ERR_CODEDEPLOY_INVALID_HOOK_EXECUTION_STATUS",
        `The status ${status ?? "null"} is not valid: a hook reports Succeeded or Failed.`,
      );
    }
    const reported: LifecycleEventStatus = status;
    const d = await this.get(id);
    const event = d.lifecycleEvents.find((e) => e.hookExecutionId !== undefined && e.hookExecutionId === executionId);
    if (!event) {
      throw new PlatformError(
        "ERR_CODEDEPLOY_INVALID_HOOK_EXECUTION_ID",
        `The lifecycle event hook execution id ${executionId ?? "null"} is not valid for deployment ${d.id}.`,
      );
    }
    let applied = false;
    await this.#o.engine.update(d.id, (cur) => {
      const e = cur.lifecycleEvents.find((x) => x.hookExecutionId === executionId);
      applied = e?.status === "InProgress" && !FINAL_STATUSES.includes(cur.status);
      if (!e || !applied) return undefined;
      const done = { ...e, status: reported, endTime: this.#o.now() };
      return { ...cur, lifecycleEvents: cur.lifecycleEvents.map((x) => (x === e ? done : x)) };
    });
    if (!applied) {
      throw new PlatformError(
        "ERR_CODEDEPLOY_HOOK_ALREADY_COMPLETED",
        `The ${event.name} lifecycle event of deployment ${d.id} has already completed.`,
      );
    }
    this.#o.engine.nudge();
    return executionId as string;
  }
}

/** Why a deployment cannot be promoted now, if it cannot. */
function promoteRefusal(d: DeploymentRecord): PlatformError | undefined {
  if (FINAL_STATUSES.includes(d.status))
    return new PlatformError("ERR_CODEDEPLOY_DEPLOYMENT_COMPLETED", `The deployment ${d.id} has already completed.`);
  if (d.stopRequest) return new PlatformError("ERR_CODEDEPLOY_NOT_READY", `The deployment ${d.id} is being stopped.`);
  return undefined;
}

/** A deployment id as CodeDeploy forms them (d- and nine letters or digits). */
export function deploymentId(id: string | undefined): string {
  if (id === undefined || id === "")
    throw new PlatformError("ERR_CODEDEPLOY_DEPLOYMENT_ID_REQUIRED", "Deployment ID is required.");
  if (!DEPLOYMENT_ID.test(id))
    throw new PlatformError(
      "ERR_CODEDEPLOY_INVALID_DEPLOYMENT_ID",
      `Specified DeploymentId is not in the valid format: ${id}`,
    );
  return id;
}

function revisionContent(r: CreateDeploymentInput["revision"]): string {
  if (!r) throw new PlatformError("ERR_CODEDEPLOY_REVISION_REQUIRED", "Revision must be specified.");
  if (r.revisionType !== "AppSpecContent" && r.revisionType !== "String") {
    throw new PlatformError(
      "ERR_CODEDEPLOY_INVALID_REVISION",
      `The revision type ${r.revisionType ?? "null"} is not supported: a Lambda deployment's revision is AppSpecContent.`,
    );
  }
  if (!r.content) throw new PlatformError("ERR_CODEDEPLOY_INVALID_REVISION", "The AppSpec content is empty.");
  return r.content;
}
