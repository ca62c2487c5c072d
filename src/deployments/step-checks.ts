/**
 * What a traffic step whose wait is over must pass before the next shift: the traffic guard (the
 * new version served the minimum of invocations in the step, topped up with synthetic invocations
 * of the group's test event when one is set) and the canary judge (the new version is not worse
 * than the old over the step). A stage canary is checked the same way on its requests: those the
 * canary's deployment served against those the stage's deployment served (Haneul/ApiGateway by
 * DeploymentId), 5XX and 4XX rates, latency and the metrics named by deployment; its synthetic
 * calls are requests pinned to the canary's deployment through the gateway. A check without enough
 * yet holds the step, looked at again every GUARD_POLL_MS, and fails the deployment one more
 * interval after the step was due.
 */
import {
  isStageCanary,
  type DeploymentRecord,
  type JudgeMetric,
  type JudgeVerdict,
  type LambdaTarget,
  type StageCanaryTarget,
} from "../ports/deployment-store.js";
import { trafficSteps } from "./configs.js";
import { stageTestRequestOf, type StageTestRequest } from "./group-tags.js";
import { judge, STAGE_WORDS, verdictLine, type VersionStats } from "./judge.js";
import { STAGE_SPLIT_NAMESPACE } from "../domain/metrics/stage-split.js";
import { deploymentDimensions, versionDimensions, type MetricComparison, type MetricSample } from "./judge-metrics.js";

/** How often a held step is looked at again (clock time). */
export const GUARD_POLL_MS = 10_000;
/** The most synthetic invocations made in one look (the rest in the next ones). */
export const MAX_SYNTHETIC_PER_LOOK = 100;

/** What the checks read and do. */
export interface CheckEffects {
  /** How many times the alias ran `version` since `since` (the traffic guard's count). */
  invocations(target: LambdaTarget, version: string, since: number): Promise<number>;
  /** Invokes `version` itself with `event`; resolves to whether it succeeded (a function error is false). */
  invokeVersion(target: LambdaTarget, version: string, event: string): Promise<boolean>;
  /** What the alias's calls that ran `version` did since `since`: invocations, errors, durations. */
  versionStats(target: LambdaTarget, version: string, since: number): Promise<VersionStats>;
  /** What one metric series held since `since`: its samples and `statistic` over the window. */
  metricSample(
    metric: { namespace: string; name: string; dimensions: { name: string; value: string }[] },
    statistic: string,
    since: number,
  ): Promise<MetricSample>;
  /**
   * What the stage's requests that `deploymentId` served did since `since`: requests, 5XX answers
   * (errors), 4XX answers and latencies (absent: no stages here).
   */
  stageStats?(target: StageCanaryTarget, deploymentId: string, since: number): Promise<StageStats>;
  /**
   * Sends `request` to the stage through the gateway, pinned to the canary's deployment (the test
   * event of a stage canary); resolves to the answer's status, or undefined when the canary's
   * deployment did not serve it (the canary is gone, the gateway unreachable: nothing to count).
   */
  probeStage?(target: StageCanaryTarget, request: StageTestRequest): Promise<number | undefined>;
  /** The REST API's name (ApiName in the stage's metrics). */
  restApiName?(target: StageCanaryTarget): Promise<string>;
}

/** What one deployment of a stage served in the window. */
export interface StageStats extends VersionStats {
  readonly clientErrors: number;
}

function stageStats(fx: CheckEffects, t: StageCanaryTarget, deploymentId: string, since: number): Promise<StageStats> {
  if (!fx.stageStats)
    return Promise.reject(new Error("this engine has no API Gateway metrics to check a stage canary on"));
  return fx.stageStats(t, deploymentId, since);
}

/** How a deployment ends when a check fails it (the driver ends it so). */
export interface CheckFailure {
  readonly code: string;
  readonly message: string;
}

/** Advance with this state, hold the step in this state, or fail the deployment. */
export type CheckResult =
  | { readonly kind: "advance"; readonly record: DeploymentRecord }
  | { readonly kind: "hold"; readonly record: DeploymentRecord }
  | { readonly kind: "fail"; readonly record: DeploymentRecord; readonly failure: CheckFailure };

type Synthetic = NonNullable<DeploymentRecord["synthetic"]>;
type Dimensions = { name: string; value: string }[];

const intervalOf = (d: DeploymentRecord): number =>
  d.routing.type === "AllAtOnce" ? 0 : d.routing.intervalMinutes * 60_000;

/** The step's synthetic invocations after topping the guard's count up to `needed`. */
async function topUp(d: DeploymentRecord, since: number, needed: number, fx: CheckEffects): Promise<Synthetic> {
  const s = d.synthetic?.since === since ? { ...d.synthetic } : { since, invocations: 0, errors: 0 };
  const event = d.testEvent;
  const t = d.target;
  if (event === undefined) return s;
  if (isStageCanary(t)) return probe(s, t, stageTestRequestOf(event), needed, fx);
  for (let i = 0; i < Math.min(needed, MAX_SYNTHETIC_PER_LOOK); i++) {
    const ok = await fx.invokeVersion(t, t.targetVersion, event).catch(() => false);
    s.invocations++;
    if (!ok) s.errors++;
  }
  return s;
}

/** Tops a stage canary's step up with requests pinned to its deployment: 5XX answers are errors. */
async function probe(
  s: { since: number; invocations: number; errors: number; clientErrors?: number | undefined },
  t: StageCanaryTarget,
  request: StageTestRequest,
  needed: number,
  fx: CheckEffects,
): Promise<Synthetic> {
  if (!fx.probeStage) throw new Error("this engine has no gateway to send a stage canary's test event through");
  s.clientErrors ??= 0;
  for (let i = 0; i < Math.min(needed, MAX_SYNTHETIC_PER_LOOK); i++) {
    const status = await fx.probeStage(t, request);
    if (status === undefined) break;
    s.invocations++;
    if (status >= 500) s.errors++;
    else if (status >= 400) s.clientErrors++;
  }
  return s;
}

/** Holds the step until `checkAt`, or fails it once one more interval has passed since it was due. */
function holdOrFail(d: DeploymentRecord, now: number, served: number, failure: CheckFailure): CheckResult {
  if (now >= (d.nextStepAt ?? now) + intervalOf(d)) return { kind: "fail", record: d, failure };
  return { kind: "hold", record: { ...d, guardWait: { served, checkAt: now + GUARD_POLL_MS } } };
}

/**
 * The traffic guard: the new version (a stage canary's deployment) served `min` invocations
 * (requests) in the step, synthetic ones included, or the step holds.
 */
async function guard(d: DeploymentRecord, now: number, since: number, fx: CheckEffects): Promise<CheckResult> {
  const min = d.trafficGuard?.minInvocations;
  const t = d.target;
  if (min === undefined) return { kind: "advance", record: d };
  const stage = isStageCanary(t);
  const served = stage
    ? (await stageStats(fx, t, t.targetDeploymentId, since)).invocations
    : await fx.invocations(t, t.targetVersion, since);
  const before = d.synthetic?.since === since ? d.synthetic.invocations : 0;
  const synthetic = await topUp(d, since, min - served - before, fx);
  const record = d.testEvent === undefined ? d : { ...d, synthetic };
  const count = served + synthetic.invocations;
  if (count >= min) return { kind: "advance", record };
  const made = d.testEvent === undefined ? "" : ` (${synthetic.invocations} of them synthetic)`;
  const [who, what] = stage
    ? [`deployment ${t.targetDeploymentId}`, "requests"]
    : [`version ${t.targetVersion}`, "invocations"];
  const message = `The traffic guard held the ${d.weight}% step: ${who} served ${count}${made} of the ${min} ${what} it needs in a step, in twice the step's interval.`;
  return holdOrFail(record, now, count, { code: "HEALTH_CONSTRAINTS", message });
}

/** The verdicts with `v` added; a step still held replaces its own earlier "not enough data". */
function withVerdict(d: DeploymentRecord, v: JudgeVerdict): readonly JudgeVerdict[] {
  const all = d.judgeVerdicts ?? [];
  const last = all.at(-1);
  const replace = last?.weight === v.weight && last.verdict === "NotEnoughData";
  return [...(replace ? all.slice(0, -1) : all), v];
}

/**
 * Each metric the group named, read per version (stage canary: per deployment) over the step.
 * Counts are divided by the calls of each side, the new one's synthetic calls included: they run
 * the function too, so they emit its own metrics (AWS/Lambda's ExecutedVersion series, and a
 * stage's Haneul/ApiGateway series, leave them out, and there the exposure is the traffic's alone).
 */
async function namedMetrics(
  d: DeploymentRecord,
  since: number,
  exposure: { next: number; old: number },
  fx: CheckEffects,
): Promise<MetricComparison[]> {
  const metrics = d.judge?.metrics ?? [];
  if (metrics.length === 0) return [];
  const t = d.target;
  const synthetic = d.synthetic?.since === since ? d.synthetic.invocations : 0;
  let sides: { next: string; old: string; own: string; dimensions: (m: JudgeMetric, side: string) => Dimensions };
  if (isStageCanary(t)) {
    if (!fx.restApiName) throw new Error("this engine has no API Gateway to name a stage canary's metrics by");
    const series = { apiName: await fx.restApiName(t), stage: t.stageName };
    sides = {
      next: t.targetDeploymentId,
      old: t.currentDeploymentId,
      own: STAGE_SPLIT_NAMESPACE,
      dimensions: (m, side) => deploymentDimensions(m, series, side),
    };
  } else {
    sides = {
      next: t.targetVersion,
      old: t.currentVersion,
      own: "AWS/Lambda",
      dimensions: (m, side) => versionDimensions(m, t, side),
    };
  }
  return Promise.all(
    metrics.map(async (metric) => {
      const read = (side: string): Promise<MetricSample> =>
        fx.metricSample(
          { namespace: metric.namespace, name: metric.name, dimensions: sides.dimensions(metric, side) },
          metric.statistic,
          since,
        );
      const [next, old] = await Promise.all([read(sides.next), read(sides.old)]);
      const own = metric.namespace === sides.own;
      return { metric, next, old, exposure: own ? { ...exposure, next: exposure.next - synthetic } : exposure };
    }),
  );
}

/** The verdict as the step's outcome: advance, fail, or hold while there is not enough data. */
function decide(
  d: DeploymentRecord,
  now: number,
  result: Omit<JudgeVerdict, "weight" | "at">,
  served: number,
): CheckResult {
  const verdict: JudgeVerdict = { ...result, weight: d.weight, at: now };
  const record = { ...d, judgeVerdicts: withVerdict(d, verdict) };
  const line = verdictLine(verdict);
  if (result.verdict === "Pass") return { kind: "advance", record };
  if (result.verdict === "Fail")
    return { kind: "fail", record, failure: { code: "CUSTOMER_APPLICATION_UNHEALTHY", message: line } };
  const message = `The canary judge held the ${d.weight}% step for twice the step's interval: ${line}`;
  return holdOrFail(record, now, served, { code: "HEALTH_CONSTRAINTS", message });
}

/** A stage canary's judge: the canary's deployment against the stage's, over the same window. */
async function stageJudge(
  d: DeploymentRecord,
  t: StageCanaryTarget,
  minSamples: number,
  now: number,
  since: number,
  fx: CheckEffects,
): Promise<CheckResult> {
  const [real, old] = await Promise.all([
    stageStats(fx, t, t.targetDeploymentId, since),
    stageStats(fx, t, t.currentDeploymentId, since),
  ]);
  // Synthetic requests count toward the canary's requests, 5XX and 4XX answers, not its latencies
  // (the gateway leaves them out of the split series the latencies come from).
  const s = d.synthetic?.since === since ? d.synthetic : undefined;
  const next = s
    ? {
        ...real,
        invocations: real.invocations + s.invocations,
        errors: real.errors + s.errors,
        clientErrors: real.clientErrors + (s.clientErrors ?? 0),
      }
    : real;
  const metrics = await namedMetrics(d, since, { next: next.invocations, old: old.invocations }, fx);
  const result = judge({
    ...{ newVersion: t.targetDeploymentId, oldVersion: t.currentDeploymentId, minSamples },
    ...{ judgedSteps: trafficSteps(d.routing).length - 1, next, old, words: STAGE_WORDS, metrics },
    clientErrors: { next: next.clientErrors, old: old.clientErrors },
  });
  return decide(d, now, result, next.invocations);
}

async function canaryJudge(d: DeploymentRecord, now: number, since: number, fx: CheckEffects): Promise<CheckResult> {
  const minSamples = d.judge?.minSamples;
  const t = d.target;
  if (minSamples === undefined) return { kind: "advance", record: d };
  if (isStageCanary(t)) return stageJudge(d, t, minSamples, now, since, fx);
  const [next, old] = await Promise.all([
    fx.versionStats(t, t.targetVersion, since),
    fx.versionStats(t, t.currentVersion, since),
  ]);
  // Synthetic invocations count toward the new version's calls and errors, not its durations
  // (a test event need not cost what real traffic costs).
  const s = d.synthetic?.since === since ? d.synthetic : undefined;
  const withSynthetic = s
    ? { ...next, invocations: next.invocations + s.invocations, errors: next.errors + s.errors }
    : next;
  const judgedSteps = trafficSteps(d.routing).length - 1;
  const metrics = await namedMetrics(d, since, { next: withSynthetic.invocations, old: old.invocations }, fx);
  const result = judge({
    ...{ newVersion: t.targetVersion, oldVersion: t.currentVersion, minSamples, judgedSteps },
    ...{ next: withSynthetic, old, metrics },
  });
  return decide(d, now, result, withSynthetic.invocations);
}

/** The traffic guard, then the canary judge, on the step that is ending. */
export async function checkStep(d: DeploymentRecord, now: number, fx: CheckEffects): Promise<CheckResult> {
  const since = d.stepStartedAt ?? d.startedAt ?? d.createdAt;
  const guarded = await guard(d, now, since, fx);
  if (guarded.kind !== "advance") return guarded;
  return canaryJudge(guarded.record, now, since, fx);
}
