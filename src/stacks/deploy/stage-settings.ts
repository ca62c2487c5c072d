/**
 * Stage throttling in templates: `AWS::ApiGateway::Stage` MethodSettings into UpdateStage patch
 * operations (validated there like the CLI's), and `AWS::ApiGatewayV2::Stage`
 * DefaultRouteSettings / RouteSettings into the v2 stage input.
 */
import type { ThrottleSettings } from "../../domain/usage-plans.js";
import { ResourceFailure } from "./handler.js";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** A patch operation as UpdateStage takes it. */
export interface StagePatch {
  op: string;
  path: string;
  value: string | undefined;
}

// CloudFormation property → method setting patch path (after `/{resource}/{method}`).
const METHOD_FIELDS: Readonly<Record<string, string>> = {
  ThrottlingRateLimit: "throttling/rateLimit",
  ThrottlingBurstLimit: "throttling/burstLimit",
  MetricsEnabled: "metrics/enabled",
  DataTraceEnabled: "logging/dataTrace",
  LoggingLevel: "logging/loglevel",
  CachingEnabled: "caching/enabled",
};

function settingKey(s: Obj): string {
  const path = typeof s.ResourcePath === "string" ? s.ResourcePath : "/*";
  const method = typeof s.HttpMethod === "string" ? s.HttpMethod : "*";
  return path === "/*" ? `*/${method}` : `${path.replace(/~/g, "~0").replace(/\//g, "~1")}/${method}`;
}

/** Patch operations turning the stage's `before` MethodSettings into `after`. */
export function methodSettingOps(before: unknown, after: unknown, logicalId: string): StagePatch[] {
  const ops: StagePatch[] = [];
  for (const s of Array.isArray(before) ? before : []) {
    if (isObj(s)) ops.push({ op: "remove", path: `/${settingKey(s)}`, value: undefined });
  }
  for (const s of Array.isArray(after) ? after : []) {
    if (!isObj(s)) continue;
    const key = settingKey(s);
    for (const [prop, v] of Object.entries(s)) {
      if (prop === "ResourcePath" || prop === "HttpMethod") continue;
      const field = METHOD_FIELDS[prop];
      if (!field) throw new ResourceFailure(`haneul does not support MethodSettings ${prop} (resource ${logicalId})`);
      ops.push({ op: "replace", path: `/${key}/${field}`, value: String(v) });
    }
  }
  return ops;
}

/** DefaultRouteSettings / one of RouteSettings: throttling, the rest only at AWS's defaults. */
export function routeThrottle(v: unknown, logicalId: string): ThrottleSettings | undefined {
  if (!isObj(v)) return undefined;
  for (const [prop, value] of Object.entries(v)) {
    const atDefault =
      (prop === "DetailedMetricsEnabled" || prop === "DataTraceEnabled") && String(value) === "false"
        ? true
        : prop === "LoggingLevel" && value === "OFF";
    if (!atDefault && prop !== "ThrottlingBurstLimit" && prop !== "ThrottlingRateLimit") {
      throw new ResourceFailure(
        `haneul does not support route settings ${prop}: ${String(value)} (resource ${logicalId})`,
      );
    }
  }
  return {
    ...(v.ThrottlingBurstLimit !== undefined ? { burstLimit: Number(v.ThrottlingBurstLimit) } : {}),
    ...(v.ThrottlingRateLimit !== undefined ? { rateLimit: Number(v.ThrottlingRateLimit) } : {}),
  };
}

/** RouteSettings by route key. */
export function routeThrottles(v: unknown, logicalId: string): Record<string, ThrottleSettings> | undefined {
  if (!isObj(v)) return undefined;
  const out: Record<string, ThrottleSettings> = {};
  for (const [key, s] of Object.entries(v)) out[key] = routeThrottle(s, logicalId) ?? {};
  return out;
}
