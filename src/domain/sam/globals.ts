import { isIntrinsic } from "./intrinsics.js";
import { invalidGlobals, invalidResource } from "./errors.js";
import { isObject, textOf } from "../template/values.js";
import type { TemplateObject, TemplateValue } from "../template/values.js";

/**
 * SAM's Globals: properties set once for every resource of a type. When a resource sets the
 * property too, primitives (and intrinsics) are replaced by the resource's, maps are merged (the
 * resource wins per key), lists are the global items followed by the resource's.
 */

const SUPPORTED: Record<string, readonly string[]> = {
  Function: [
    "Handler",
    "Runtime",
    "CodeUri",
    "DeadLetterQueue",
    "Description",
    "MemorySize",
    "Timeout",
    "VpcConfig",
    "Environment",
    "Tags",
    "PropagateTags",
    "Tracing",
    "KmsKeyArn",
    "AutoPublishAlias",
    "AutoPublishAliasAllProperties",
    "Layers",
    "DeploymentPreference",
    "RolePath",
    "PermissionsBoundary",
    "ReservedConcurrentExecutions",
    "ProvisionedConcurrencyConfig",
    "AssumeRolePolicyDocument",
    "EventInvokeConfig",
    "FileSystemConfigs",
    "CodeSigningConfigArn",
    "Architectures",
    "SnapStart",
    "EphemeralStorage",
    "FunctionUrlConfig",
    "RuntimeManagementConfig",
    "LoggingConfig",
    "RecursiveLoop",
    "SourceKMSKeyArn",
    "TenancyConfig",
    "DurableConfig",
    "CapacityProviderConfig",
    "FunctionScalingConfig",
    "PublishToLatestPublished",
    "VersionDeletionPolicy",
  ],
  Api: [
    "Auth",
    "Name",
    "DefinitionUri",
    "CacheClusterEnabled",
    "CacheClusterSize",
    "MergeDefinitions",
    "Variables",
    "EndpointConfiguration",
    "MethodSettings",
    "BinaryMediaTypes",
    "MinimumCompressionSize",
    "Cors",
    "GatewayResponses",
    "AccessLogSetting",
    "CanarySetting",
    "TracingEnabled",
    "OpenApiVersion",
    "Domain",
    "AlwaysDeploy",
    "PropagateTags",
    "SecurityPolicy",
    "EndpointAccessMode",
  ],
  HttpApi: [
    "Auth",
    "AccessLogSettings",
    "StageVariables",
    "Tags",
    "CorsConfiguration",
    "DefaultRouteSettings",
    "Domain",
    "RouteSettings",
    "FailOnWarnings",
    "PropagateTags",
  ],
  SimpleTable: ["SSESpecification"],
  StateMachine: ["PropagateTags"],
  LayerVersion: ["PublishLambdaVersion"],
};

const SECTION_NAMES = ["Api", "Function", "HttpApi", "LayerVersion", "SimpleTable", "StateMachine"];

/** Global properties per SAM type (`AWS::Serverless::Function` → its properties). */
export type Globals = ReadonlyMap<string, TemplateObject>;

/** Reads and checks the Globals section. */
export function readGlobals(section: TemplateValue | undefined): Globals {
  const out = new Map<string, TemplateObject>();
  if (section === undefined) return out;
  if (!isObject(section)) throw invalidGlobals("It must be a non-empty dictionary");
  for (const [name, properties] of Object.entries(section)) {
    const supported = SUPPORTED[name];
    if (!supported) {
      throw invalidGlobals(
        `'${name}' is not supported. Must be one of the following values - ${pyList(SECTION_NAMES)}`,
      );
    }
    if (!isObject(properties)) throw invalidGlobals("Value of ${section} must be a dictionary");
    for (const key of Object.keys(properties)) {
      if (!supported.includes(key)) {
        throw invalidGlobals(
          `'${key}' is not a supported property of '${name}'. Must be one of the following values - ${pyList(supported)}`,
        );
      }
    }
    out.set(`AWS::Serverless::${name}`, properties);
  }
  return out;
}

function pyList(items: readonly string[]): string {
  return `[${items.map((i) => `'${i}'`).join(", ")}]`;
}

/** The properties of a resource with the globals of its type merged in (IgnoreGlobals honoured). */
export function withGlobals(globals: Globals, logicalId: string, resource: TemplateObject): TemplateObject {
  const global = globals.get(resource.Type as string);
  const local = isObject(resource.Properties) ? resource.Properties : {};
  if (!global) return local;
  const ignore = resource.IgnoreGlobals;
  if (ignore === "*") return local;
  let effective = global;
  if (ignore !== undefined) {
    if (!Array.isArray(ignore))
      throw invalidResource(logicalId, `Resource ${logicalId} has invalid resource attribute 'IgnoreGlobals'.`);
    effective = { ...global };
    for (const key of ignore) {
      if (typeof key !== "string" || !(key in effective)) {
        throw invalidResource(
          logicalId,
          `Resource ${logicalId} has invalid resource attribute 'IgnoreGlobals' on item '${textOf(key)}'.`,
        );
      }
      delete effective[key];
    }
  }
  return mergeValue(effective, local) as TemplateObject;
}

/** One merge step of SAM's rules. */
export function mergeValue(global: TemplateValue, local: TemplateValue): TemplateValue {
  const kind = (v: TemplateValue) => (Array.isArray(v) ? "list" : isObject(v) && !isIntrinsic(v) ? "map" : "primitive");
  const g = kind(global);
  if (g !== kind(local) || g === "primitive") return structuredClone(local);
  if (g === "list")
    return [...structuredClone(global as TemplateValue[]), ...structuredClone(local as TemplateValue[])];
  const out: TemplateObject = structuredClone(global as TemplateObject);
  for (const [k, v] of Object.entries(local as TemplateObject))
    out[k] = k in out ? mergeValue(out[k] as TemplateValue, v) : structuredClone(v);
  return out;
}
