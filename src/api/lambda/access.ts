/**
 * The IAM access each Lambda operation needs, as the Service Authorization Reference for AWS
 * Lambda lists it: `lambda:<Action>` on the function's ARN (qualified when the call names a
 * version or alias), `*` for account-wide calls, and `iam:PassRole` on the execution role a
 * create or configuration update hands to Lambda.
 */
import { compiledResourcePolicy, type CompiledPolicy } from "../../iam/index.js";
import type { AccessSpec, ApiRequest } from "../types.js";
import type { LambdaApiDeps } from "./deps.js";

const NAME =
  /^(?:arn:aws[a-zA-Z-]*:lambda:)?(?:([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d):)?(?:(\d{12}):)?(?:function:)?([a-zA-Z0-9-_]+)(?::(\$LATEST|[a-zA-Z0-9-_]+))?$/;

/** `lambda:<action>` on resource `*`. */
export function onAccount(action: string): () => AccessSpec {
  const spec = { action: `lambda:${action}`, resource: "*" };
  return () => spec;
}

/** `lambda:<action>` on the function the path names; `qualified` adds the version or alias. */
export function onFunction(deps: LambdaApiDeps, action: string, qualified = true): (req: ApiRequest) => AccessSpec {
  const full = `lambda:${action}`;
  return (req) => ({ action: full, resource: functionResource(deps, req, qualified) });
}

/** The ARN of the function a request names (`{FunctionName}` and `?Qualifier=`), as IAM sees it. */
export function functionResource(deps: LambdaApiDeps, req: ApiRequest, qualified = true): string {
  const { region, accountId } = deps.control.arnScope;
  const raw = req.params["FunctionName"] ?? "";
  const m = NAME.exec(raw);
  const name = m?.[3] ?? raw;
  const qualifier = qualified ? (req.query.get("Qualifier") ?? m?.[4] ?? undefined) : undefined;
  const base = `arn:aws:lambda:${m?.[1] ?? region}:${m?.[2] ?? accountId}:function:${name}`;
  return qualifier ? `${base}:${qualifier}` : base;
}

/** The execution role a request body hands to Lambda, which the caller must be allowed to pass. */
export function passRole(req: ApiRequest): AccessSpec | undefined {
  const role = roleOf(req.body);
  if (role === undefined) return undefined;
  return { action: "iam:PassRole", resource: role, context: { "iam:PassedToService": "lambda.amazonaws.com" } };
}

function roleOf(body: Buffer): string | undefined {
  // Cheap pre-check: most configuration updates do not change the role.
  if (!body.includes('"Role"')) return undefined;
  const role = bodyField(body, "Role");
  return typeof role === "string" ? role : undefined;
}

function bodyField(body: Buffer, field: string): unknown {
  try {
    const parsed: unknown = JSON.parse(body.toString("utf8"));
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>)[field] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `lambda:GetLayerVersion` on a layer version: also allowed by the version's own policy
 * (AddLayerVersionPermission), read only when the caller's policies do not allow the call.
 */
export function layerVersionAccess(deps: LambdaApiDeps, arn: string): AccessSpec {
  const m = /:layer:([a-zA-Z0-9-_]+):([0-9]+)$/.exec(arn);
  return {
    action: "lambda:GetLayerVersion",
    resource: arn,
    resourcePolicy: async () => {
      const text = m && (await deps.control.layers?.policyText(m[1] as string, Number(m[2])));
      return text ? compiledResourcePolicy(text) : undefined;
    },
  };
}

/** The layers a create or configuration update attaches: the caller must be allowed to get each version. */
function layersUsed(deps: LambdaApiDeps, req: ApiRequest): AccessSpec[] {
  if (!req.body.includes('"Layers"')) return [];
  const layers = bodyField(req.body, "Layers");
  if (!Array.isArray(layers)) return [];
  return layers.filter((l): l is string => typeof l === "string").map((arn) => layerVersionAccess(deps, arn));
}

/** CreateFunction: `lambda:CreateFunction` on the new function, and passing its role. */
export function createAccess(deps: LambdaApiDeps): (req: ApiRequest) => AccessSpec[] {
  return (req) => {
    const { region, accountId } = deps.control.arnScope;
    const name = nameIn(req.body) ?? "";
    const specs: AccessSpec[] = [
      { action: "lambda:CreateFunction", resource: `arn:aws:lambda:${region}:${accountId}:function:${name}` },
    ];
    const role = passRole(req);
    if (role) specs.push(role);
    specs.push(...layersUsed(deps, req));
    return specs;
  };
}

/** UpdateFunctionConfiguration, and passing the role when the update names one. */
export function updateConfigurationAccess(deps: LambdaApiDeps): (req: ApiRequest) => AccessSpec[] {
  const update = onFunction(deps, "UpdateFunctionConfiguration", false);
  return (req) => {
    const role = passRole(req);
    const specs = role ? [update(req), role] : [update(req)];
    specs.push(...layersUsed(deps, req));
    return specs;
  };
}

/** Tag operations act on the ARN in the path. */
export function onTagged(action: string): (req: ApiRequest) => AccessSpec {
  return (req) => ({ action: `lambda:${action}`, resource: req.params["ARN"] ?? "*" });
}

/**
 * Invoke and InvokeAsync: also allowed by the function's resource-based policy (AddPermission),
 * for the version or alias invoked.
 */
export function invokeAccess(deps: LambdaApiDeps, action: string): (req: ApiRequest) => AccessSpec {
  const full = `lambda:${action}`;
  return (req) => {
    const resource = functionResource(deps, req);
    const name = req.params["FunctionName"] ?? "";
    const qualifier = req.query.get("Qualifier") ?? undefined;
    return { action: full, resource, resourcePolicy: () => resourcePolicyOf(deps, name, qualifier) };
  };
}

/** The function's (or the version's or alias's) AddPermission statements, compiled once per text. */
async function resourcePolicyOf(
  deps: LambdaApiDeps,
  name: string,
  qualifier: string | undefined,
): Promise<CompiledPolicy | undefined> {
  let text: string;
  try {
    text = String((await deps.control.getPolicy(name, qualifier))["Policy"]);
  } catch {
    return undefined; // no policy, or no such function: the handler reports the latter
  }
  return compiledResourcePolicy(text);
}

function nameIn(body: Buffer): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString("utf8"));
    const name =
      typeof parsed === "object" && parsed !== null ? (parsed as { FunctionName?: unknown }).FunctionName : undefined;
    return typeof name === "string" ? (NAME.exec(name)?.[3] ?? name) : undefined;
  } catch {
    return undefined;
  }
}
