/**
 * The canary judge's named metrics: the `haneul:judgeMetric[:<label>]` group tags, each naming one
 * CloudWatch metric as `<namespace> <metric> <statistic> <higher|lower> [<dimension>=<value>...]`
 * (a version's series found through a dimension value holding `@version`; on a stage canary, a
 * deployment's through one holding `@deployment`), and the test each is judged with. A value
 * haneul cannot honour is refused (InvalidInputException), never ignored.
 */
import { isStageCanary, type DeploymentTarget, type JudgeMetric } from "../ports/deployment-store.js";
import { STAGE_SPLIT_METRICS, STAGE_SPLIT_NAMESPACE } from "../domain/metrics/stage-split.js";
import { PlatformError } from "../shared/errors.js";
import { binomialGreater, countedQuantile, mannWhitneyGreater, type Counted } from "./statistics.js";

/** The tag naming a metric for the judge; `haneul:judgeMetric:<label>` names more. */
export const JUDGE_METRIC_TAG = "haneul:judgeMetric";
/** The most metrics one group names (each is one more test in the Bonferroni split). */
export const MAX_JUDGE_METRICS = 10;
const SYNTAX = "<namespace> <metric> <statistic> <higher|lower> [<dimension>=<value>...]";
const LABEL = /^[A-Za-z0-9_.-]{1,64}$/;
const STATISTIC = /^(Average|Minimum|Maximum|SampleCount|Sum|p(\d{1,2}(\.\d{1,10})?|100))$/;
/** In a dimension value, filled in per version (tag values allow only letters, digits, spaces and + - = . _ : / @). */
const PLACEHOLDER = /@(function|alias|version)\b/g;
/** On a stage canary, filled in per deployment: the REST API's name, the stage, the deployment. */
const STAGE_PLACEHOLDER = /@(api|stage|deployment)\b/g;
/** Haneul/ApiGateway's series of a stage's requests per serving deployment, used when none is named. */
const STAGE_DEPLOYMENT_DIMENSIONS = [
  { name: "ApiName", value: "@api" },
  { name: "Stage", value: "@stage" },
  { name: "DeploymentId", value: "@deployment" },
];
const AWS_APIGATEWAY = `AWS/ApiGateway cannot be split by deployment: it publishes a stage's requests by ApiName and Stage only; the requests each deployment served are in ${STAGE_SPLIT_NAMESPACE} (${STAGE_SPLIT_METRICS.join(", ")})`;
const holds = (m: { dimensions: readonly { value: string }[] }, placeholder: string): boolean =>
  m.dimensions.some((d) => new RegExp(`${placeholder}\\b`).test(d.value));
/** AWS/Lambda's series of an alias's calls per executed version, used when none is named. */
const LAMBDA_VERSION_DIMENSIONS = [
  { name: "FunctionName", value: "@function" },
  { name: "Resource", value: "@function:@alias" },
  { name: "ExecutedVersion", value: "@version" },
];

const invalid = (key: string, v: string, why: string): PlatformError =>
  new PlatformError("ERR_CODEDEPLOY_INVALID_INPUT", `The tag ${key} must be "${SYNTAX}": ${why}: ${v}`);

function dimensionsOf(key: string, v: string, tokens: string[]): { name: string; value: string }[] {
  const dims = tokens.map((t) => {
    const eq = t.indexOf("=");
    if (eq < 1 || eq === t.length - 1) throw invalid(key, v, `"${t}" is not <dimension>=<value>`);
    return { name: t.slice(0, eq), value: t.slice(eq + 1) };
  });
  if (new Set(dims.map((d) => d.name)).size !== dims.length) throw invalid(key, v, "a dimension is named twice");
  if (dims.length > 30) throw invalid(key, v, "CloudWatch metrics have at most 30 dimensions");
  return dims;
}

/** One `haneul:judgeMetric` tag's metric, checked. */
export function parseJudgeMetric(key: string, v: string): JudgeMetric {
  const label = key === JUDGE_METRIC_TAG ? "metric" : key.slice(JUDGE_METRIC_TAG.length + 1);
  if (!LABEL.test(label))
    throw invalid(key, v, "the label after haneul:judgeMetric: must be 1-64 of A-Z a-z 0-9 _ . -");
  const [namespace = "", name = "", statistic = "", worse = "", ...rest] = v.trim().split(/\s+/);
  if (worse === "") throw invalid(key, v, "a namespace, a metric, a statistic and which way is worse are needed");
  if (namespace.startsWith(":") || namespace.length > 255 || name.length > 255)
    throw invalid(key, v, "not a CloudWatch namespace and metric name");
  if (!STATISTIC.test(statistic))
    throw invalid(key, v, `the statistic must be Average, Minimum, Maximum, SampleCount, Sum or pNN, not ${statistic}`);
  if (worse !== "higher" && worse !== "lower")
    throw invalid(key, v, `say which way is worse: higher or lower, not ${worse}`);
  if (namespace === "AWS/ApiGateway") throw invalid(key, v, AWS_APIGATEWAY);
  let dimensions = dimensionsOf(key, v, rest);
  if (dimensions.length === 0 && namespace === "AWS/Lambda") dimensions = LAMBDA_VERSION_DIMENSIONS;
  if (dimensions.length === 0 && namespace === STAGE_SPLIT_NAMESPACE) dimensions = STAGE_DEPLOYMENT_DIMENSIONS;
  const version = holds({ dimensions }, "@version");
  const deployment = holds({ dimensions }, "@deployment");
  if (!version && !deployment)
    throw invalid(
      key,
      v,
      "a dimension must hold the version, e.g. ExecutedVersion=@version (or, for a stage canary, the deployment: DeploymentId=@deployment)",
    );
  if (version && deployment)
    throw invalid(
      key,
      v,
      "a metric is found by a function version (@version) or by a stage's deployment (@deployment), not both",
    );
  return { label, namespace, name, statistic, worse, dimensions };
}

/** The metrics a group's tags name for the judge, in label order; none when no tag names one. */
export function judgeMetricsOf(tags: Readonly<Record<string, string>>): JudgeMetric[] {
  const keys = Object.keys(tags)
    .filter((k) => k === JUDGE_METRIC_TAG || k.startsWith(`${JUDGE_METRIC_TAG}:`))
    .sort();
  if (keys.length > MAX_JUDGE_METRICS)
    throw new PlatformError(
      "ERR_CODEDEPLOY_INVALID_INPUT",
      `A deployment group names at most ${MAX_JUDGE_METRICS} metrics for the canary judge (${JUDGE_METRIC_TAG} tags): ${keys.length}`,
    );
  return keys.map((k) => parseJudgeMetric(k, tags[k] as string));
}

/** The metric's dimensions for one version of the alias. */
export function versionDimensions(
  m: JudgeMetric,
  t: { functionName: string; alias: string },
  version: string,
): { name: string; value: string }[] {
  const fill = (value: string): string =>
    value.replace(PLACEHOLDER, (_, p: string) =>
      p === "function" ? t.functionName : p === "alias" ? t.alias : version,
    );
  return m.dimensions.map((d) => ({ name: d.name, value: fill(d.value) }));
}

/**
 * Why the metrics a group names cannot judge `target` (InvalidInputException), if they cannot: on a
 * Lambda alias a metric must be found by the version; on a stage canary by the deployment that
 * served the request, which only haneul's split series and the metrics your integrations emit
 * with the deployment (requestContext.deploymentId) can tell apart.
 */
export function checkJudgeMetrics(metrics: readonly JudgeMetric[], target: DeploymentTarget): void {
  for (const m of metrics) {
    const head = `The judge metric ${m.label} (${m.namespace} ${m.name})`;
    const refuse = (why: string): never => {
      throw new PlatformError("ERR_CODEDEPLOY_INVALID_INPUT", `${head} ${why}`);
    };
    if (!isStageCanary(target)) {
      if (!holds(m, "@version"))
        refuse(
          "is found by a stage's deployment (@deployment): it judges an API Gateway stage canary, not a Lambda alias.",
        );
      continue;
    }
    if (m.namespace === STAGE_SPLIT_NAMESPACE && !STAGE_SPLIT_METRICS.includes(m.name))
      refuse(`is not published: ${STAGE_SPLIT_NAMESPACE} has ${STAGE_SPLIT_METRICS.join(", ")} per deployment.`);
    if (!holds(m, "@deployment") || m.dimensions.some((d) => /@(function|alias|version)\b/.test(d.value)))
      refuse(
        "cannot be split by deployment: it is found by a function version; on a stage canary a dimension must hold the deployment, e.g. DeploymentId=@deployment.",
      );
  }
}

/** The metric's dimensions for one deployment of a stage (a stage canary). */
export function deploymentDimensions(
  m: JudgeMetric,
  t: { apiName: string; stage: string },
  deploymentId: string,
): { name: string; value: string }[] {
  const fill = (value: string): string =>
    value.replace(STAGE_PLACEHOLDER, (_, p: string) =>
      p === "api" ? t.apiName : p === "stage" ? t.stage : deploymentId,
    );
  return m.dimensions.map((d) => ({ name: d.name, value: fill(d.value) }));
}

/** What one version's series held over the step. */
export interface MetricSample {
  /** SampleCount and Sum over the window. */
  readonly count: number;
  readonly sum: number;
  /** The named statistic over the window (undefined without samples). */
  readonly value: number | undefined;
  /** The values as histogram buckets [value, count], ascending. */
  readonly values: Counted;
}

/** One named metric's data, both versions. */
export interface MetricComparison {
  readonly metric: JudgeMetric;
  readonly next: MetricSample;
  readonly old: MetricSample;
  /** The invocations each version's counts are divided by (SampleCount and Sum). */
  readonly exposure: { readonly next: number; readonly old: number };
}

/** A named metric's outcome: worse, or not enough data, and the reason. */
export interface MetricOutcome {
  readonly worse: boolean;
  readonly notEnoughData: boolean;
  readonly reason: string;
}

const fmt = (p: number): string => (p < 0.0001 ? p.toExponential(1) : p.toFixed(4));
const num = (x: number | undefined): string => (x === undefined ? "none" : Number(x.toPrecision(6)).toString());
const isCount = (m: JudgeMetric): boolean => m.statistic === "SampleCount" || m.statistic === "Sum";

/**
 * Compares one named metric: counts per invocation with the exact conditional binomial test
 * (SampleCount, Sum as a count of events), values with one-sided Mann-Whitney U (Average, Minimum,
 * Maximum, pNN: worse only when significant and the statistic itself is worse).
 */
export function compareMetric(
  c: MetricComparison,
  v: { next: string; old: string; side?: string; call?: string },
  o: { minSamples: number; alpha: number },
): MetricOutcome {
  const m = c.metric;
  const side = v.side ?? "version";
  const call = v.call ?? "invocation";
  const head = `${m.label} (${m.namespace} ${m.name} ${m.statistic}, ${m.worse} is worse)`;
  if (isCount(m)) {
    const a = Math.round(m.statistic === "Sum" ? c.next.sum : c.next.count);
    const b = Math.round(m.statistic === "Sum" ? c.old.sum : c.old.count);
    const share = c.exposure.next / Math.max(1, c.exposure.next + c.exposure.old);
    const p = m.worse === "higher" ? binomialGreater(a, a + b, share) : binomialGreater(b, a + b, 1 - share);
    const worse = p < o.alpha;
    const rate = (x: number, n: number): string => `${num(x / Math.max(1, n))} per ${call} (${x}/${n})`;
    return {
      worse,
      notEnoughData: false,
      reason: `${head}: ${rate(a, c.exposure.next)} on ${side} ${v.next} vs ${rate(b, c.exposure.old)} on ${side} ${v.old}: exact binomial p = ${fmt(p)} ${worse ? "<" : "≥"} ${fmt(o.alpha)}${worse ? ", worse" : ""}`,
    };
  }
  const nNew = c.next.values.reduce((s, [, n]) => s + n, 0);
  const nOld = c.old.values.reduce((s, [, n]) => s + n, 0);
  if (nNew < o.minSamples || nOld < o.minSamples)
    return {
      worse: false,
      notEnoughData: true,
      reason: `${head}: not enough data: ${nNew} samples on ${side} ${v.next} and ${nOld} on ${side} ${v.old}; the judge needs ${o.minSamples} of each`,
    };
  const higher = m.worse === "higher";
  const p = higher ? mannWhitneyGreater(c.next.values, c.old.values) : mannWhitneyGreater(c.old.values, c.next.values);
  const a = c.next.value ?? countedQuantile(c.next.values, 0.5) ?? 0;
  const b = c.old.value ?? countedQuantile(c.old.values, 0.5) ?? 0;
  const worse = p < o.alpha && (higher ? a > b : a < b);
  return {
    worse,
    notEnoughData: false,
    reason: `${head}: ${num(a)} on ${side} ${v.next} vs ${num(b)} on ${side} ${v.old} (${nNew} and ${nOld} samples): Mann-Whitney p = ${fmt(p)} ${p < o.alpha ? "<" : "≥"} ${fmt(o.alpha)}${worse ? ", worse" : ""}`,
  };
}
