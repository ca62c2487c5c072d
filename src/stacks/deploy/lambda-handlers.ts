import { strToU8, zipSync } from "fflate";
import type { CreateFunctionInput, UpdateFunctionConfigurationInput } from "../../control/index.js";
import type { StackResourceRecord } from "../../ports/stack-store.js";
import { deployAliasUpdate } from "./alias-deployment.js";
import { generatedName, refuseUnsupported, str } from "./handler.js";
import type { Properties, ResourceHandler, ResourceResult, ResourceScope } from "./handler.js";

/** AWS::Lambda::* resources through the Lambda control plane. */

const CONFIG_KEYS = [
  "Runtime",
  "Role",
  "Handler",
  "Description",
  "Timeout",
  "MemorySize",
  "Environment",
  "TracingConfig",
  "DeadLetterConfig",
  "EphemeralStorage",
  "LoggingConfig",
  "Layers",
] as const;
const FUNCTION_KEYS = [...CONFIG_KEYS, "FunctionName", "Code", "Architectures", "PackageType", "Tags"];
const FUNCTION_EXTRA = ["ReservedConcurrentExecutions"];

function config(props: Properties): UpdateFunctionConfigurationInput {
  const out: Record<string, unknown> = {};
  for (const k of CONFIG_KEYS) if (props[k] !== undefined) out[k] = props[k];
  return out;
}

/** CloudFormation's `Code.ZipFile` is the handler's source text, written as `index.js`. */
function code(props: Properties): CreateFunctionInput["Code"] {
  const c = (props.Code ?? {}) as Record<string, unknown>;
  if (typeof c.ZipFile === "string") return { ZipFile: Buffer.from(zipSync({ "index.js": strToU8(c.ZipFile) })) };
  return {
    S3Bucket: str(c, "S3Bucket"),
    S3Key: str(c, "S3Key"),
    S3ObjectVersion: str(c, "S3ObjectVersion"),
    ImageUri: str(c, "ImageUri"),
  };
}

function tags(props: Properties): Record<string, string> | undefined {
  if (!Array.isArray(props.Tags)) return undefined;
  return Object.fromEntries((props.Tags as { Key: string; Value: string }[]).map((t) => [t.Key, t.Value]));
}

function functionResult(name: string, scope: ResourceScope): ResourceResult {
  const { region, accountId } = scope.services;
  return { physicalId: name, attributes: { Arn: `arn:aws:lambda:${region}:${accountId}:function:${name}` } };
}

async function concurrency(props: Properties, name: string, scope: ResourceScope, had: boolean): Promise<void> {
  const reserved = props.ReservedConcurrentExecutions;
  if (typeof reserved === "number") {
    await scope.services.lambda.putFunctionConcurrency(name, { ReservedConcurrentExecutions: reserved });
  } else if (had) await scope.services.lambda.deleteFunctionConcurrency(name);
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

const lambdaFunction: ResourceHandler = {
  async create(props, scope) {
    refuseUnsupported(props, scope, [...FUNCTION_KEYS, ...FUNCTION_EXTRA]);
    const name = str(props, "FunctionName") ?? generatedName(scope);
    await scope.services.lambda.createFunction({
      ...config(props),
      FunctionName: name,
      Code: code(props),
      Architectures: props.Architectures as string[] | undefined,
      PackageType: str(props, "PackageType"),
      Tags: tags(props),
    });
    await concurrency(props, name, scope, false);
    return functionResult(name, scope);
  },
  async update(props, previous, scope) {
    refuseUnsupported(props, scope, [...FUNCTION_KEYS, ...FUNCTION_EXTRA]);
    const name = previous.physicalId ?? "";
    const before = previous.properties;
    if (!same(config(before), config(props))) {
      const cleared = Object.fromEntries(CONFIG_KEYS.filter((k) => before[k] !== undefined).map((k) => [k, undefined]));
      await scope.services.lambda.updateFunctionConfiguration(name, { ...defaults(cleared), ...config(props) });
    }
    if (!same(before.Code, props.Code)) {
      await scope.services.lambda.updateFunctionCode(name, { ...code(props) });
    }
    if (!same(before.ReservedConcurrentExecutions, props.ReservedConcurrentExecutions)) {
      await concurrency(props, name, scope, before.ReservedConcurrentExecutions !== undefined);
    }
    return functionResult(name, scope);
  },
  async delete(record, scope) {
    if (record.physicalId) await scope.services.lambda.deleteFunction(record.physicalId);
  },
};

/** What a property removed from the template goes back to (Lambda's defaults). */
function defaults(cleared: Record<string, undefined>): UpdateFunctionConfigurationInput {
  const out: Record<string, unknown> = {};
  if ("Description" in cleared) out.Description = "";
  if ("Timeout" in cleared) out.Timeout = 3;
  if ("MemorySize" in cleared) out.MemorySize = 128;
  if ("Environment" in cleared) out.Environment = { Variables: {} };
  if ("Layers" in cleared) out.Layers = [];
  if ("TracingConfig" in cleared) out.TracingConfig = { Mode: "PassThrough" };
  if ("DeadLetterConfig" in cleared) out.DeadLetterConfig = { TargetArn: "" };
  return out;
}

const version: ResourceHandler = {
  async create(props, scope) {
    refuseUnsupported(props, scope, ["FunctionName", "Description", "CodeSha256"]);
    const published = await scope.services.lambda.publishVersion(str(props, "FunctionName") ?? "", {
      Description: str(props, "Description"),
      CodeSha256: str(props, "CodeSha256"),
    });
    const arn = published.FunctionArn as string;
    const fnArn = arn.slice(0, arn.lastIndexOf(":"));
    return { physicalId: arn, attributes: { Version: published.Version, FunctionArn: fnArn } };
  },
  async delete(record, scope) {
    const v = record.attributes.Version;
    if (typeof v === "string") await scope.services.lambda.deleteFunction(String(record.attributes.FunctionArn), v);
  },
};

function aliasInput(props: Properties) {
  return {
    FunctionVersion: str(props, "FunctionVersion"),
    Description: str(props, "Description") ?? "",
    RoutingConfig: (props.RoutingConfig as { AdditionalVersionWeights?: Record<string, number> } | undefined) ?? {
      AdditionalVersionWeights: {},
    },
  };
}

/** CloudFormation's RoutingConfig lists weights; Lambda's API maps them. */
function routing(props: Properties): Properties {
  const rc = props.RoutingConfig as {
    AdditionalVersionWeights?: { FunctionVersion: string; FunctionWeight: number }[];
  };
  if (!rc?.AdditionalVersionWeights) return props;
  const weights = Object.fromEntries(rc.AdditionalVersionWeights.map((w) => [w.FunctionVersion, w.FunctionWeight]));
  return { ...props, RoutingConfig: { AdditionalVersionWeights: weights } };
}

const alias: ResourceHandler = {
  async create(props, scope) {
    refuseUnsupported(props, scope, ["Name", "FunctionName", "FunctionVersion", "Description", "RoutingConfig"]);
    const created = await scope.services.lambda.createAlias(str(props, "FunctionName") ?? "", {
      Name: str(props, "Name"),
      ...aliasInput(routing(props)),
    });
    return { physicalId: created.AliasArn as string, attributes: { AliasArn: created.AliasArn } };
  },
  async update(props, previous, scope) {
    refuseUnsupported(props, scope, ["Name", "FunctionName", "FunctionVersion", "Description", "RoutingConfig"]);
    await deployAliasUpdate(props, scope);
    const updated = await scope.services.lambda.updateAlias(
      str(props, "FunctionName") ?? "",
      str(props, "Name") ?? "",
      aliasInput(routing(props)),
    );
    return { physicalId: updated.AliasArn as string, attributes: { AliasArn: updated.AliasArn } };
  },
  async delete(record, scope) {
    const arn = record.physicalId ?? "";
    const name = arn.slice(arn.lastIndexOf(":") + 1);
    await scope.services.lambda.deleteAlias(arn.slice(0, arn.lastIndexOf(":")), name);
  },
};

const permission: ResourceHandler = {
  async create(props, scope) {
    refuseUnsupported(props, scope, [
      "FunctionName",
      "Action",
      "Principal",
      "SourceArn",
      "SourceAccount",
      "EventSourceToken",
      "PrincipalOrgID",
      "FunctionUrlAuthType",
      "InvokedViaFunctionUrl",
    ]);
    const sid = generatedName(scope, 100);
    const fn = str(props, "FunctionName") ?? "";
    await scope.services.lambda.addPermission(fn, undefined, {
      StatementId: sid,
      Action: str(props, "Action"),
      Principal: str(props, "Principal"),
      SourceArn: str(props, "SourceArn"),
      SourceAccount: str(props, "SourceAccount"),
      EventSourceToken: str(props, "EventSourceToken"),
      PrincipalOrgID: str(props, "PrincipalOrgID"),
      FunctionUrlAuthType: str(props, "FunctionUrlAuthType"),
      InvokedViaFunctionUrl:
        props.InvokedViaFunctionUrl === true || props.InvokedViaFunctionUrl === "true" || undefined,
    });
    return { physicalId: sid, attributes: { FunctionName: fn } };
  },
  async delete(record, scope) {
    await scope.services.lambda.removePermission(String(record.attributes.FunctionName), record.physicalId ?? "", {});
  },
};

const eventInvokeConfig: ResourceHandler = {
  async create(props, scope) {
    refuseUnsupported(props, scope, [
      "FunctionName",
      "Qualifier",
      "MaximumEventAgeInSeconds",
      "MaximumRetryAttempts",
      "DestinationConfig",
    ]);
    const fn = str(props, "FunctionName") ?? "";
    const qualifier = str(props, "Qualifier");
    await scope.services.lambda.putFunctionEventInvokeConfig(fn, qualifier === "$LATEST" ? undefined : qualifier, {
      MaximumEventAgeInSeconds: props.MaximumEventAgeInSeconds as number | undefined,
      MaximumRetryAttempts: props.MaximumRetryAttempts as number | undefined,
      DestinationConfig: props.DestinationConfig as never,
    });
    return { physicalId: `${fn}:${qualifier ?? "$LATEST"}`, attributes: { FunctionName: fn, Qualifier: qualifier } };
  },
  async update(props, _previous, scope) {
    return eventInvokeConfig.create(props, scope);
  },
  async delete(record: StackResourceRecord, scope) {
    const q = record.attributes.Qualifier;
    await scope.services.lambda.deleteFunctionEventInvokeConfig(
      String(record.attributes.FunctionName),
      typeof q === "string" && q !== "$LATEST" ? q : undefined,
    );
  },
};

/** The Lambda handlers by type. */
export const LAMBDA_HANDLERS: Readonly<Record<string, ResourceHandler>> = {
  "AWS::Lambda::Function": lambdaFunction,
  "AWS::Lambda::Version": version,
  "AWS::Lambda::Alias": alias,
  "AWS::Lambda::Permission": permission,
  "AWS::Lambda::EventInvokeConfig": eventInvokeConfig,
};
