/**
 * The Lambda AppSpec (revision `appSpecContent`, YAML or JSON): the one AWS::Lambda::Function
 * resource whose alias shifts from CurrentVersion to TargetVersion, and the hook functions.
 */
import { parse as parseYaml } from "yaml";
import type { LambdaTarget } from "../ports/deployment-store.js";
import { PlatformError } from "../shared/errors.js";

/** What a Lambda AppSpec says. */
export interface LambdaAppSpec {
  readonly target: LambdaTarget;
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

function resourceOf(resources: unknown): LambdaTarget {
  if (!Array.isArray(resources) || resources.length !== 1 || !isObject(resources[0]))
    throw invalid("Resources must list exactly one AWS::Lambda::Function");
  const [[resourceName, resource]] = Object.entries(resources[0]) as [[string, unknown]];
  if (!isObject(resource) || resource["Type"] !== "AWS::Lambda::Function")
    throw invalid(`resource ${resourceName} must have Type AWS::Lambda::Function`);
  const props = resource["Properties"];
  if (!isObject(props)) throw invalid(`resource ${resourceName} has no Properties`);
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
