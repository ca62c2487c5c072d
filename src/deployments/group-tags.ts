/**
 * haneul's deployment group tags beyond the traffic guard (see docs/ARCHITECTURE.md): the test
 * event the guard invokes an idle canary with, and the canary judge. A value haneul cannot honour
 * is refused (InvalidInputException), never ignored.
 */
import type { JudgeMetric } from "../ports/deployment-store.js";
import { PlatformError } from "../shared/errors.js";
import { JUDGE_METRIC_TAG, judgeMetricsOf } from "./judge-metrics.js";

/** The deployment group tag that turns on haneul's traffic guard (see docs/ARCHITECTURE.md). */
export const TRAFFIC_GUARD_TAG = "haneul:minInvocationsPerStep";
/** The tag holding the JSON event of the guard's synthetic invocations. */
export const TEST_EVENT_TAG = "haneul:testEvent";
/** The tag that turns on the canary judge: the fewest invocations of each version it decides on. */
export const CANARY_JUDGE_TAG = "haneul:canaryJudge";
const MAX_SAMPLES = 1_000_000;

const invalid = (message: string): PlatformError => new PlatformError("ERR_CODEDEPLOY_INVALID_INPUT", message);

/** The test event a group's tags name (JSON text), checked; undefined when none. */
export function testEventOf(tags: Readonly<Record<string, string>>): string | undefined {
  const v = tags[TEST_EVENT_TAG];
  if (v === undefined) return undefined;
  try {
    JSON.parse(v);
  } catch {
    throw invalid(`The tag ${TEST_EVENT_TAG} must be a JSON event: ${v}`);
  }
  if (tags[TRAFFIC_GUARD_TAG] === undefined)
    throw invalid(
      `The tag ${TEST_EVENT_TAG} needs the tag ${TRAFFIC_GUARD_TAG}: it says how many synthetic invocations a step needs.`,
    );
  return v;
}

/** The canary judge a group's tags ask for (with the metrics they name); a value that is not a count is refused. */
export function canaryJudgeOf(
  tags: Readonly<Record<string, string>>,
): { minSamples: number; metrics?: JudgeMetric[] } | undefined {
  const v = tags[CANARY_JUDGE_TAG];
  const metrics = judgeMetricsOf(tags);
  if (v === undefined) {
    if (metrics.length > 0)
      throw invalid(
        `The tag ${JUDGE_METRIC_TAG} needs the tag ${CANARY_JUDGE_TAG}: it says how many invocations of each version the judge needs.`,
      );
    return undefined;
  }
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > MAX_SAMPLES)
    throw invalid(
      `The tag ${CANARY_JUDGE_TAG} must be a whole number of invocations per version, 1-${MAX_SAMPLES}: ${v}`,
    );
  return metrics.length > 0 ? { minSamples: n, metrics } : { minSamples: n };
}
