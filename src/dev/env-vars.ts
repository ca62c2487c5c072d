import { basename } from "node:path";
import { parseEnv } from "node:util";
import { isObject } from "../domain/template/values.js";
import type { TemplateObject } from "../domain/template/values.js";

/**
 * `--env-vars` as `sam local` reads it: `{"Parameters": {...}, "<LogicalId>": {...}}`, values for
 * every function under Parameters and for one function under its logical id (which wins). As in
 * SAM, only variables the template declares for the function (its own or Globals') are overridden.
 */

/** The overrides, as read from the file. */
export type EnvOverrides = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** A dotenv file (`.env`, `.env.local`, `local.env`) rather than sam local's JSON. */
export function isDotEnv(file: string): boolean {
  const name = basename(file);
  return name === ".env" || name.startsWith(".env.") || name.endsWith(".env");
}

/**
 * Parses the file's text; throws Error with what is wrong. A dotenv file (KEY=value lines) gives
 * values for every function, as `Parameters` does.
 */
export function parseEnvVars(text: string, file: string): EnvOverrides {
  if (isDotEnv(file)) return { Parameters: parseEnv(text) as Record<string, string> };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not JSON: ${(e as Error).message}`);
  }
  if (!isObject(raw))
    throw new Error(`${file}: must be an object of objects ({"Parameters": {...}, "<LogicalId>": {...}})`);
  const out: Record<string, Record<string, string>> = {};
  for (const [scope, vars] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof vars !== "object" || vars === null || Array.isArray(vars))
      throw new Error(`${file}: ${scope} must be an object of variables`);
    out[scope] = Object.fromEntries(
      Object.entries(vars as Record<string, unknown>).map(([k, v]) => [
        k,
        typeof v === "string" ? v : JSON.stringify(v),
      ]),
    );
  }
  return out;
}

function variables(props: TemplateObject | undefined): TemplateObject | undefined {
  const env = props && isObject(props.Environment) ? props.Environment : undefined;
  return env && isObject(env.Variables) ? env.Variables : undefined;
}

/** The template with the overrides applied to its functions (a copy; the original is left alone). */
export function applyEnvVars(body: TemplateObject, overrides: EnvOverrides): TemplateObject {
  const out = structuredClone(body);
  const globals = isObject(out.Globals) && isObject(out.Globals.Function) ? variables(out.Globals.Function) : undefined;
  const resources = isObject(out.Resources) ? out.Resources : {};
  for (const [id, resource] of Object.entries(resources)) {
    if (!isObject(resource) || !isObject(resource.Properties)) continue;
    if (resource.Type !== "AWS::Serverless::Function" && resource.Type !== "AWS::Lambda::Function") continue;
    const own = variables(resource.Properties);
    const declared = new Set([...Object.keys(globals ?? {}), ...Object.keys(own ?? {})]);
    const wanted = { ...overrides.Parameters, ...overrides[id] };
    const set = Object.entries(wanted).filter(([k]) => declared.has(k));
    if (!set.length) continue;
    const env = isObject(resource.Properties.Environment)
      ? resource.Properties.Environment
      : (resource.Properties.Environment = {});
    const vars = isObject(env.Variables) ? env.Variables : (env.Variables = {});
    for (const [k, v] of set) vars[k] = v;
  }
  return out;
}
