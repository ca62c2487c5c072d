/**
 * One step of a Lambda deployment's state machine: from the stored state and the time, the next
 * state. BeforeAllowTraffic hook → traffic steps on the alias → AfterAllowTraffic hook → Succeeded;
 * a stop request, an alarm in ALARM, a hook that failed or missed its deadline end it (Stopped or
 * Failed) and, as the rollback configuration says, return the alias to the old version.
 */
import type { AlarmState } from "../ports/alarm-store.js";
import {
  isStageCanary,
  type DeploymentRecord,
  type DeploymentStatus,
  type LambdaTarget,
  type LifecycleEvent,
  type LifecycleEventName,
  type StageCanaryTarget,
} from "../ports/deployment-store.js";
import { trafficSteps } from "./configs.js";
import { rollbackDeployment } from "./rollback.js";
import { checkStep, GUARD_POLL_MS, type CheckEffects } from "./step-checks.js";
import { shiftTraffic, stageRollbackMessage } from "./targets.js";

/** CodeDeploy gives a hook an hour to report its status. */
export const HOOK_DEADLINE_MS = 60 * 60 * 1000;

/** What the driver does to the world. */
export interface DriverEffects extends CheckEffects {
  /** Points the alias at `version`, sending `weight` percent (1-99) to `extra` when given. */
  routeAlias(target: LambdaTarget, version: string, extra?: { version: string; weight: number }): Promise<void>;
  /** Sets the stage's canary to `percent` (1-99); 0 removes the canary, 100 promotes it (absent: no stages here). */
  routeStageCanary?(target: StageCanaryTarget, percent: number): Promise<void>;
  /** An alarm's state; undefined when there is no such alarm. */
  alarmState(name: string): AlarmState | undefined;
  /** A new lifecycle event hook execution id. */
  newExecutionId(): string;
}

export { GUARD_POLL_MS };

/** The next state, and the hook to invoke once it is saved. */
export interface Step {
  readonly next: DeploymentRecord;
  readonly invokeHook?: { readonly functionName: string; readonly executionId: string } | undefined;
  /** The rollback deployment to record once `next` is saved. */
  readonly rollback?: DeploymentRecord | undefined;
}

type Ending = { status: DeploymentStatus; code: string; message: string; rollback: boolean };

const DONE = new Set(["Succeeded", "Skipped"]);

/** The lifecycle events of a Lambda deployment, before it starts. */
export function initialEvents(hooks: { BeforeAllowTraffic?: string; AfterAllowTraffic?: string }): LifecycleEvent[] {
  const names: LifecycleEventName[] = ["BeforeAllowTraffic", "AllowTraffic", "AfterAllowTraffic"];
  return names.map((name) => ({
    name,
    status: "Pending",
    ...(name !== "AllowTraffic" && { hookFunction: hooks[name as "BeforeAllowTraffic" | "AfterAllowTraffic"] }),
  }));
}

function rollsBackOn(d: DeploymentRecord, event: string): boolean {
  const r = d.autoRollbackConfiguration;
  return r.enabled && r.events.includes(event);
}

/** Why the deployment must end now, before any progress: a stop request or an alarm. */
function interruption(d: DeploymentRecord, fx: DriverEffects): Ending | undefined {
  if (d.stopRequest) {
    return {
      status: "Stopped",
      code: "MANUAL_STOP",
      message: "The deployment was stopped by the user.",
      rollback: d.stopRequest.autoRollbackEnabled ?? rollsBackOn(d, "DEPLOYMENT_STOP_ON_REQUEST"),
    };
  }
  const alarms = d.alarmConfiguration;
  if (!alarms.enabled) return undefined;
  const active = alarms.alarms.filter((a) => fx.alarmState(a) === "ALARM");
  if (active.length > 0) {
    return {
      status: "Stopped",
      code: "ALARM_ACTIVE",
      message: `One or more alarms have been activated according to the Amazon CloudWatch metrics you selected, and the affected deployments have been stopped. Activated alarms: <${active.join(", ")}>`,
      rollback: rollsBackOn(d, "DEPLOYMENT_STOP_ON_ALARM"),
    };
  }
  const missing = alarms.alarms.filter((a) => fx.alarmState(a) === undefined);
  if (missing.length > 0 && !alarms.ignorePollAlarmFailure) {
    return {
      status: "Stopped",
      code: "INTERNAL_ERROR",
      message: `The alarm configuration for the deployment group is incorrect: alarms not found: ${missing.join(", ")}`,
      rollback: rollsBackOn(d, "DEPLOYMENT_STOP_ON_ALARM"),
    };
  }
  return undefined;
}

function withEvent(d: DeploymentRecord, name: LifecycleEventName, change: Partial<LifecycleEvent>): LifecycleEvent[] {
  return d.lifecycleEvents.map((e) => (e.name === name ? { ...e, ...change } : e));
}

/** Ends the deployment: the running event fails, the rest are skipped, the alias goes back if it must. */
async function end(d: DeploymentRecord, now: number, why: Ending, fx: DriverEffects): Promise<Step> {
  let rollbackInfo: DeploymentRecord["rollbackInfo"];
  let rollback: DeploymentRecord | undefined;
  const t = d.target;
  if (why.rollback) await shiftTraffic(t, 0, fx);
  if (why.rollback && isStageCanary(t)) rollbackInfo = { rollbackMessage: stageRollbackMessage(t) };
  else if (why.rollback && !isStageCanary(t)) {
    rollback = rollbackDeployment({ ...d, target: t }, now);
    rollbackInfo = {
      rollbackDeploymentId: rollback.id,
      rollbackMessage: `Traffic was returned to version ${t.currentVersion} of ${t.functionName}:${t.alias} by deployment ${rollback.id}.`,
    };
  }
  const diagnostics = { errorCode: why.code, message: why.message };
  const events = d.lifecycleEvents.map((e): LifecycleEvent => {
    if (e.status === "InProgress") return { ...e, status: "Failed", endTime: now, diagnostics };
    if (e.status === "Failed") return { ...e, endTime: e.endTime ?? now, diagnostics: e.diagnostics ?? diagnostics };
    return e.status === "Pending" ? { ...e, status: "Skipped" } : e;
  });
  return {
    next: {
      ...d,
      status: why.status,
      weight: why.rollback ? 0 : d.weight,
      nextStepAt: undefined,
      lifecycleEvents: events,
      errorInformation: { code: why.code, message: why.message },
      rollbackInfo,
      completedAt: now,
    },
    rollback,
  };
}

async function hookStep(
  d: DeploymentRecord,
  e: LifecycleEvent,
  now: number,
  fx: DriverEffects,
): Promise<Step | undefined> {
  if (e.status === "Pending") {
    if (!e.hookFunction)
      return {
        next: { ...d, lifecycleEvents: withEvent(d, e.name, { status: "Succeeded", startTime: now, endTime: now }) },
      };
    const executionId = fx.newExecutionId();
    const started = {
      status: "InProgress",
      startTime: now,
      hookExecutionId: executionId,
      hookDeadline: now + HOOK_DEADLINE_MS,
    } as const;
    return {
      next: { ...d, lifecycleEvents: withEvent(d, e.name, started) },
      invokeHook: { functionName: e.hookFunction, executionId },
    };
  }
  if (e.status === "Failed") {
    const message = e.diagnostics?.message ?? `The ${e.name} hook function ${e.hookFunction ?? ""} reported Failed.`;
    return end(
      d,
      now,
      { status: "Failed", code: "HOOK_EXECUTION_FAILURE", message, rollback: rollsBackOn(d, "DEPLOYMENT_FAILURE") },
      fx,
    );
  }
  if (e.hookDeadline !== undefined && now >= e.hookDeadline) {
    const message = `The ${e.name} hook function ${e.hookFunction ?? ""} did not report its status (PutLifecycleEventHookExecutionStatus) within an hour.`;
    return end(
      d,
      now,
      { status: "Failed", code: "TIMEOUT", message, rollback: rollsBackOn(d, "DEPLOYMENT_FAILURE") },
      fx,
    );
  }
  return undefined;
}

async function trafficStep(
  current: DeploymentRecord,
  e: LifecycleEvent,
  now: number,
  fx: DriverEffects,
): Promise<Step | undefined> {
  let d = current;
  const steps = trafficSteps(d.routing);
  let index: number;
  // A promoted deployment goes straight to the last step (all traffic on the new version).
  if (d.promoteRequest) index = steps.length - 1;
  else if (e.status === "Pending") index = 0;
  else if (d.nextStepAt !== undefined && now >= d.nextStepAt && now >= (d.guardWait?.checkAt ?? 0)) {
    const checked = await checkStep(d, now, fx);
    if (checked.kind === "hold") return { next: checked.record };
    if (checked.kind === "fail") {
      const { code, message } = checked.failure;
      return end(
        checked.record,
        now,
        { status: "Failed", code, message, rollback: rollsBackOn(d, "DEPLOYMENT_FAILURE") },
        fx,
      );
    }
    d = checked.record;
    index = steps.findIndex((s) => s.weight === d.weight) + 1;
  } else return undefined;
  const step = steps[Math.min(index, steps.length - 1)] as (typeof steps)[number];
  await shiftTraffic(d.target, step.weight, fx);
  const finished = step.weight >= 100;
  const change: Partial<LifecycleEvent> = finished
    ? { status: "Succeeded", startTime: e.startTime ?? now, endTime: now }
    : { status: "InProgress", startTime: e.startTime ?? now };
  // Each wait counts from when the step was due, so that a late wake-up does not stretch the
  // schedule; after the traffic guard held a step, from when it let it go.
  const base = d.nextStepAt !== undefined && e.status !== "Pending" && !d.guardWait ? d.nextStepAt : now;
  return {
    next: {
      ...d,
      weight: step.weight,
      stepStartedAt: now,
      guardWait: undefined,
      nextStepAt: finished ? undefined : base + step.waitMinutes * 60_000,
      lifecycleEvents: withEvent(d, e.name, change),
    },
  };
}

/**
 * The deployment's next state at `now`, or undefined when nothing is due yet. Alias changes are
 * made here (they are idempotent, so a step computed again after a lost race repeats them harmlessly).
 */
export async function step(d: DeploymentRecord, now: number, fx: DriverEffects): Promise<Step | undefined> {
  if (d.status === "Created" || d.status === "Queued") return { next: { ...d, status: "InProgress", startedAt: now } };
  if (d.status !== "InProgress") return undefined;
  const why = interruption(d, fx);
  if (why) return end(d, now, why, fx);
  const e = d.lifecycleEvents.find((x) => !DONE.has(x.status));
  if (!e) return { next: { ...d, status: "Succeeded", completedAt: now, weight: 100 } };
  return e.name === "AllowTraffic" ? trafficStep(d, e, now, fx) : hookStep(d, e, now, fx);
}

/**
 * The deployment failed because its alias could not be changed (the function, alias or a version
 * was deleted meanwhile): it ends without touching the alias again.
 */
export function aliasFailed(d: DeploymentRecord, now: number, message: string): Promise<Step> {
  const why = { status: "Failed" as const, code: "INVALID_LAMBDA_CONFIGURATION", message, rollback: false };
  return end(d, now, why, {
    routeAlias: () => Promise.resolve(),
    alarmState: () => undefined,
    newExecutionId: () => "",
    invocations: () => Promise.resolve(0),
    invokeVersion: () => Promise.resolve(false),
    versionStats: () => Promise.resolve({ invocations: 0, errors: 0, durations: [] }),
    metricSample: () => Promise.resolve({ count: 0, sum: 0, value: undefined, values: [] }),
  });
}

/** When the deployment next needs a step without outside news: its traffic step or hook deadline. */
export function nextDue(d: DeploymentRecord): number | undefined {
  const e = d.lifecycleEvents.find((x) => x.status === "InProgress");
  if (e?.name === "AllowTraffic")
    return d.nextStepAt === undefined ? undefined : Math.max(d.nextStepAt, d.guardWait?.checkAt ?? 0);
  return e?.hookDeadline;
}
