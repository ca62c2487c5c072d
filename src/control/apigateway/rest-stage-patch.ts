/**
 * UpdateStage's JSON-Patch-like operations on a REST stage, including the canary paths:
 * replace /canarySettings/percentTraffic (starts a canary on the stage's own deployment when there
 * is none), replace /canarySettings/deploymentId, /canarySettings/stageVariableOverrides/{name},
 * remove /canarySettings, and the promotion AWS documents: copy /canarySettings/deploymentId to
 * /deploymentId and /canarySettings/stageVariableOverrides to /variables; access logs: replace
 * /accessLogSettings/destinationArn and /accessLogSettings/format, remove /accessLogSettings.
 */
import type { CanaryRecord, StageRecord } from "../../ports/api-store.js";
import { badRequest, optional, without } from "./context.js";
import { isMethodSettingPath, patchMethodSetting } from "./stage-throttle.js";
import type { PatchOperation } from "./types.js";

/** The patched stage and the deployment ids it now refers to (to be checked by the caller). */
export interface PatchedStage {
  readonly stage: StageRecord;
  readonly deploymentIds: readonly string[];
}

const SETTABLE =
  "/deploymentId, /description, /variables/{variable_name}, /tracingEnabled, /canarySettings/percentTraffic, " +
  "/canarySettings/deploymentId, /canarySettings/stageVariableOverrides/{variable_name}, /canarySettings/useStageCache, " +
  "/accessLogSettings/destinationArn, /accessLogSettings/format, " +
  "/{resourcePath}/{httpMethod}/throttling/rateLimit, /{resourcePath}/{httpMethod}/throttling/burstLimit";

/** JSON Pointer unescaping (`~1` is `/`, `~0` is `~`). */
function unescape(segment: string): string {
  return segment.replace(/~1/g, "/").replace(/~0/g, "~");
}

function invalidPath(path: string): Error {
  return badRequest(`Invalid method setting path: ${path}. Must be one of: [${SETTABLE}]`);
}

function requireValue(op: PatchOperation): string {
  if (op.value === undefined) throw badRequest(`Invalid null value for path ${op.path ?? "null"}`);
  return op.value;
}

function percent(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0 || n > 100) {
    throw badRequest(`Invalid value for percentTraffic: ${value}. Must be a number between 0.0 and 100.0`);
  }
  return n;
}

function bool(value: string): boolean {
  if (value !== "true" && value !== "false") throw badRequest(`Invalid boolean value: ${value}`);
  return value === "true";
}

/** Applies `ops` in order to `stage`; throws BadRequestException on a path or op AWS refuses. */
export function applyStagePatch(stage: StageRecord, ops: readonly PatchOperation[]): PatchedStage {
  let s: StageRecord = stage;
  for (const op of ops) s = applyOne(s, op);
  const ids = [s.deploymentId, s.canary?.deploymentId].filter((x): x is string => x !== undefined);
  return { stage: s, deploymentIds: [...new Set(ids)] };
}

function applyOne(s: StageRecord, op: PatchOperation): StageRecord {
  const path = op.path ?? "";
  if (op.op === "copy") return applyCopy(s, op.from ?? "", path);
  if (op.op !== "replace" && op.op !== "add" && op.op !== "remove") {
    throw badRequest(`Invalid patch operation specified. Must be one of: [add, remove, replace, copy]`);
  }
  const remove = op.op === "remove";
  if (path === "/canarySettings") {
    if (!remove) throw badRequest(`Invalid ${op.op} operation with path: ${path}`);
    return without(s, "canary");
  }
  if (path === "/accessLogSettings" || path.startsWith("/accessLogSettings/")) return patchAccessLog(s, op, path);
  if (path.startsWith("/variables/")) {
    const name = unescape(path.slice("/variables/".length));
    const variables = { ...s.variables };
    if (remove) delete variables[name];
    else variables[name] = requireValue(op);
    return { ...s, variables };
  }
  if (path.startsWith("/canarySettings/"))
    return { ...s, canary: patchCanary(s, op, path.slice("/canarySettings/".length)) };
  if (isMethodSettingPath(path)) return patchMethodSetting(s, op, path);
  if (remove) throw invalidPath(path);
  switch (path) {
    case "/deploymentId":
      return { ...s, deploymentId: requireValue(op) };
    case "/description":
      return { ...s, description: requireValue(op) };
    case "/tracingEnabled":
      return { ...s, tracingEnabled: bool(requireValue(op)) };
    default:
      throw invalidPath(path);
  }
}

function patchAccessLog(s: StageRecord, op: PatchOperation, path: string): StageRecord {
  if (path === "/accessLogSettings") {
    if (op.op !== "remove") throw badRequest(`Invalid ${op.op} operation with path: ${path}`);
    return without(s, "accessLogSettings");
  }
  const field = path.slice("/accessLogSettings/".length);
  if (field !== "destinationArn" && field !== "format") throw invalidPath(path);
  if (op.op === "remove") {
    const cur = s.accessLogSettings ?? {};
    const rest = optional({
      destinationArn: field === "destinationArn" ? undefined : cur.destinationArn,
      format: field === "format" ? undefined : cur.format,
    });
    return Object.keys(rest).length > 0 ? { ...s, accessLogSettings: rest } : without(s, "accessLogSettings");
  }
  return { ...s, accessLogSettings: { ...s.accessLogSettings, [field]: requireValue(op) } };
}

function patchCanary(s: StageRecord, op: PatchOperation, field: string): CanaryRecord {
  const canary: CanaryRecord = s.canary ?? {
    percentTraffic: 0,
    stageVariableOverrides: {},
    useStageCache: false,
    ...(s.deploymentId !== undefined ? { deploymentId: s.deploymentId } : {}),
  };
  if (field.startsWith("stageVariableOverrides/")) {
    const name = unescape(field.slice("stageVariableOverrides/".length));
    const overrides = { ...canary.stageVariableOverrides };
    if (op.op === "remove") delete overrides[name];
    else overrides[name] = requireValue(op);
    return { ...canary, stageVariableOverrides: overrides };
  }
  if (op.op !== "replace") throw badRequest(`Invalid ${op.op} operation with path: /canarySettings/${field}`);
  switch (field) {
    case "percentTraffic":
      return { ...canary, percentTraffic: percent(requireValue(op)) };
    case "deploymentId":
      return { ...canary, deploymentId: requireValue(op) };
    case "useStageCache":
      return { ...canary, useStageCache: bool(requireValue(op)) };
    default:
      throw invalidPath(`/canarySettings/${field}`);
  }
}

function applyCopy(s: StageRecord, from: string, path: string): StageRecord {
  const canary = s.canary;
  if (from === "/canarySettings/deploymentId" && path === "/deploymentId") {
    if (!canary?.deploymentId) throw badRequest("Cannot copy /canarySettings/deploymentId: the stage has no canary");
    return { ...s, deploymentId: canary.deploymentId };
  }
  if (from === "/canarySettings/stageVariableOverrides" && path === "/variables") {
    if (!canary) throw badRequest("Cannot copy /canarySettings/stageVariableOverrides: the stage has no canary");
    return { ...s, variables: { ...s.variables, ...canary.stageVariableOverrides } };
  }
  throw badRequest(`Invalid copy operation from ${from} to ${path}`);
}
