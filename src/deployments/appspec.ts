/**
 * The Lambda AppSpec (revision `appSpecContent`, YAML or JSON): the one AWS::Lambda::Function
 * resource whose alias shifts from CurrentVersion to TargetVersion, and the hook functions. haneul
 * extends it with one more resource type, AWS::ApiGateway::Stage (RestApiId, StageName,
 * CurrentDeploymentId, TargetDeploymentId): a REST stage whose canary is stepped instead.
 */
import { parse as parseYaml } from "yaml";
import type { DeploymentTarget, StageCanaryTarget } from "../ports/deployment-store.js";
import { PlatformError } from "../shared/errors.js";

/** What a Lambda AppSpec says. */
export interface LambdaAppSpec {
  readonly target: DeploymentTarget;
  readonly hooks: { readonly BeforeAllowTraffic?: string; readonly AfterAllowTraffic?: string };
}

const HOOK_NAMES = new Set(["BeforeAllowTraffic", "AfterAllowTraffic"]);

function invalid(message: string): PlatformError {
  return new PlatformError("ERR_CODEDEPLOY_INVALID_REVISION", `The AppSpec file is not valid: ${message}`);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A version property: a string or a number (YAML reads `1` as a number). */
function version(props: Record<string, unknown>, field: string): string {
  const v = props[field];
  if (typeof v === "number" && Number.isInteger(v)) return String(v);
  if (typeof v === "string" && /^[0-9]+$/.test(v)) return v;
  throw invalid(`Properties.${field} must be a published version number`);
}

function text(props: Record<string, unknown>, field: string): string {
  const v = props[field];
  if (typeof v !== "string" || v === "") throw invalid(`Properties.${field} is required`);
  return v;
}

/** haneul's stage canary resource: the stage serves CurrentDeploymentId, its canary TargetDeploymentId. */
function stageOf(props: Record<string, unknown>): StageCanaryTarget {
  const target: StageCanaryTarget = {
    kind: "ApiGatewayStage",
    restApiId: text(props, "RestApiId"),
    stageName: text(props, "StageName"),
    currentDeploymentId: text(props, "CurrentDeploymentId"),
    targetDeploymentId: text(props, "TargetDeploymentId"),
  };
  if (target.currentDeploymentId === target.targetDeploymentId)
    throw invalid("CurrentDeploymentId and TargetDeploymentId are the same");
  return target;
}

function resourceOf(resources: unknown): DeploymentTarget {
  if (!Array.isArray(resources) || resources.length !== 1 || !isObject(resources[0]))
    throw invalid("Resources must list exactly one AWS::Lambda::Function");
  const [[resourceName, resource]] = Object.entries(resources[0]) as [[string, unknown]];
  const type = isObject(resource) ? resource["Type"] : undefined;
  if (!isObject(resource) || (type !== "AWS::Lambda::Function" && type !== "AWS::ApiGateway::Stage"))
    throw invalid(`resource ${resourceName} must have Type AWS::Lambda::Function`);
  const props = resource["Properties"];
  if (!isObject(props)) throw invalid(`resource ${resourceName} has no Properties`);
  if (type === "AWS::ApiGateway::Stage") return stageOf(props);
  const { Name: name, Alias: alias } = props;
  if (typeof name !== "string" || name === "") throw invalid("Properties.Name is required");
  if (typeof alias !== "string" || alias === "") throw invalid("Properties.Alias is required");
  const currentVersion = version(props, "CurrentVersion");
  const targetVersion = version(props, "TargetVersion");
  if (currentVersion === targetVersion) throw invalid("CurrentVersion and TargetVersion are the same");
  return { resourceName, functionName: name, alias, currentVersion, targetVersion };
}

function hooksOf(hooks: unknown): LambdaAppSpec["hooks"] {
  if (hooks === undefined || hooks === null) return {};
  if (!Array.isArray(hooks)) throw invalid("Hooks must be a list");
  const found: Record<string, string> = {};
  for (const h of hooks) {
    const entries = isObject(h) ? Object.entries(h) : [];
    for (const [name, fn] of entries) {
      if (!HOOK_NAMES.has(name))
        throw invalid(`unknown hook ${name} (Lambda has BeforeAllowTraffic and AfterAllowTraffic)`);
      if (typeof fn !== "string" || fn === "") throw invalid(`hook ${name} must name a function`);
      found[name] = fn;
    }
    if (entries.length === 0) throw invalid("each Hooks entry maps a lifecycle event to a function");
  }
  return found;
}

/** Parses an AppSpec's content (JSON is YAML too); InvalidRevisionException when it is not a Lambda one. */
export function parseLambdaAppSpec(content: string): LambdaAppSpec {
  let doc: unknown;
  try {
    doc = parseYaml(content);
  } catch (e) {
    throw invalid((e as Error).message.split("\n")[0] ?? "it does not parse");
  }
  if (!isObject(doc)) throw invalid("it must be a YAML or JSON object");
  return { target: resourceOf(doc["Resources"] ?? doc["resources"]), hooks: hooksOf(doc["Hooks"] ?? doc["hooks"]) };
}
