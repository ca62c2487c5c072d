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

/** The request a stage canary's traffic guard sends the canary's deployment (its `haneul:testEvent`). */
export interface StageTestRequest {
  readonly method: string;
  /** Below the stage, with the query string. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer | undefined;
}

const REQUEST_KEYS = ["httpMethod", "path", "headers", "queryStringParameters", "body", "isBase64Encoded"];
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Headers the request's own framing sets (and the gateway's pin). */
const FRAMING = ["content-length", "transfer-encoding", "connection", "host", "x-haneul-canary-probe"];

function stringMap(v: unknown): Record<string, string> | undefined {
  if (v === undefined) return {};
  if (typeof v !== "object" || v === null || Array.isArray(v)) return undefined;
  const entries = Object.entries(v);
  return entries.every(([, x]) => typeof x === "string") ? Object.fromEntries(entries) : undefined;
}

/**
 * A stage canary's test event as the request it describes, in the REST proxy event's words:
 * `{"httpMethod", "path", "headers", "queryStringParameters", "body", "isBase64Encoded"}`, all
 * optional (GET / by default), the path below the stage. Anything else is refused.
 */
export function stageTestRequestOf(event: string): StageTestRequest {
  const refuse = (why: string): PlatformError =>
    invalid(
      `The tag ${TEST_EVENT_TAG} of a stage canary must describe a request, {"httpMethod", "path", "headers", "queryStringParameters", "body", "isBase64Encoded"}: ${why}: ${event}`,
    );
  const e: unknown = JSON.parse(event);
  if (typeof e !== "object" || e === null || Array.isArray(e)) throw refuse("not a JSON object");
  const r = e as Record<string, unknown>;
  const unknown = Object.keys(r).filter((k) => !REQUEST_KEYS.includes(k));
  if (unknown.length > 0) throw refuse(`${unknown.join(", ")} is not a field of the request`);
  const method = r["httpMethod"] ?? "GET";
  if (typeof method !== "string" || !METHODS.includes(method))
    throw refuse(`httpMethod must be one of ${METHODS.join(", ")}`);
  const path = r["path"] ?? "/";
  if (typeof path !== "string" || !path.startsWith("/") || /[\s\u0000-\u001f\u007f]/.test(path))
    throw refuse("path must start with / and hold no spaces or control characters");
  const headers = stringMap(r["headers"]);
  if (!headers) throw refuse("headers must map names to strings");
  for (const [name, value] of Object.entries(headers)) {
    if (!TOKEN.test(name) || /[\r\n\u0000]/.test(value)) throw refuse(`the header ${name} cannot be sent`);
    if (FRAMING.includes(name.toLowerCase())) throw refuse(`the header ${name} is set by the request itself`);
  }
  const query = stringMap(r["queryStringParameters"]);
  if (!query) throw refuse("queryStringParameters must map names to strings");
  const body = r["body"];
  if (body !== undefined && typeof body !== "string") throw refuse("body must be a string");
  const base64 = r["isBase64Encoded"] ?? false;
  if (typeof base64 !== "boolean") throw refuse("isBase64Encoded must be true or false");
  if (base64 && body !== undefined && !/^[A-Za-z0-9+/]*={0,2}$/.test(body)) throw refuse("body is not base64");
  const q = new URLSearchParams(query).toString();
  return {
    method,
    path: q === "" ? path : `${path}${path.includes("?") ? "&" : "?"}${q}`,
    headers,
    body: body === undefined ? undefined : Buffer.from(body, base64 ? "base64" : "utf8"),
  };
}
