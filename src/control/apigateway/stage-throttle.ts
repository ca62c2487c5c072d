/**
 * Stage throttling in the management model: REST MethodSettings through UpdateStage's patch
 * operations (`/{resourcePath}/{httpMethod}/throttling/rateLimit|burstLimit`, `*\/*` for every
 * method), and the compiled form the gateway counts with (limits by route key).
 */
import type { StageThrottleSettings } from "../../domain/deployed-api.js";
import type { ThrottleSettings } from "../../domain/usage-plans.js";
import type { StageRecord } from "../../ports/api-store.js";
import { badRequest } from "./context.js";
import type { PatchOperation } from "./types.js";

/** REST method settings (`*\/*`, `~1items/GET`) or HTTP route settings, by route key. */
export function stageThrottle(stage: StageRecord): StageThrottleSettings | undefined {
  const routes: Record<string, ThrottleSettings> = { ...stage.routeSettings };
  let all = stage.defaultRouteSettings;
  for (const [key, t] of Object.entries(stage.methodSettings ?? {})) {
    if (key === "*/*") all = t;
    else routes[methodSettingRouteKey(key)] = t;
  }
  const none = (t: ThrottleSettings | undefined) => t?.rateLimit === undefined && t?.burstLimit === undefined;
  if (none(all) && Object.values(routes).every(none)) return undefined;
  return { all, routes };
}

/** `~1items~1{id}/GET` → `GET /items/{id}`. */
function methodSettingRouteKey(key: string): string {
  const slash = key.lastIndexOf("/");
  const path = key.slice(0, slash).replace(/~1/g, "/").replace(/~0/g, "~");
  return `${key.slice(slash + 1)} ${path}`;
}

const METHOD = /^(\*|GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS|ANY)$/;
/** Other method settings haneul honours only at AWS's defaults (so templates stating them deploy). */
const AT_DEFAULT: Readonly<Record<string, string>> = {
  "metrics/enabled": "false",
  "logging/dataTrace": "false",
  "logging/loglevel": "OFF",
  "caching/enabled": "false",
};

/** `/*\/*` or `/~1items/GET`, possibly followed by `/throttling/rateLimit`: a method setting path. */
export function isMethodSettingPath(path: string): boolean {
  const parts = path.split("/");
  if (parts.length !== 3 && parts.length !== 5) return false;
  const [, resource = "", method = ""] = parts;
  return METHOD.test(method) && (resource === "*" ? method === "*" : resource.startsWith("~1") && method !== "*");
}

/** Applies one patch operation on a method setting; throws BadRequestException for what AWS or haneul refuses. */
export function patchMethodSetting(s: StageRecord, op: PatchOperation, path: string): StageRecord {
  const parts = path.split("/");
  const key = `${parts[1]}/${parts[2]}`;
  const settings = { ...s.methodSettings };
  if (parts.length === 3) {
    if (op.op !== "remove") throw badRequest(`Invalid ${op.op} operation with path: ${path}`);
    delete settings[key];
    return { ...s, methodSettings: settings };
  }
  const field = `${parts[3]}/${parts[4]}`;
  const value = op.value;
  if (field in AT_DEFAULT) {
    if (op.op === "remove" || value === AT_DEFAULT[field]) return s;
    throw badRequest(`${field} ${value ?? ""}: not supported by haneul (only ${AT_DEFAULT[field]})`);
  }
  if (field !== "throttling/rateLimit" && field !== "throttling/burstLimit") {
    throw badRequest(`${field}: not supported by haneul for method settings`);
  }
  const name = field === "throttling/rateLimit" ? "rateLimit" : "burstLimit";
  const current: { rateLimit?: number | undefined; burstLimit?: number | undefined } = { ...settings[key] };
  if (op.op === "remove") delete current[name];
  else current[name] = limit(name, value);
  settings[key] = current;
  return { ...s, methodSettings: settings };
}

function limit(name: "rateLimit" | "burstLimit", value: string | undefined): number {
  const n = Number(value);
  const ok = value !== undefined && value.trim() !== "" && Number.isFinite(n) && n >= 0;
  if (!ok || (name === "burstLimit" && !Number.isInteger(n))) {
    throw badRequest(`Invalid ${name} value: ${value ?? "null"}`);
  }
  return n;
}
