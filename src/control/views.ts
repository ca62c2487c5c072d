import type {
  AliasRecord,
  EventInvokeConfigRecord,
  FunctionConfig,
  FunctionRecord,
  VersionRecord,
} from "../ports/store.js";
import { type ArnScope, functionArn, lambdaDate } from "./arn.js";
import type { RuntimeReadiness } from "./runtime-readiness.js";
import type { Json } from "./types.js";

/** The configuration of `$LATEST` or of one version, with what AWS shows about it. */
export interface ConfigSource {
  readonly config: FunctionConfig;
  readonly version: string;
  readonly revisionId: string;
  readonly lastModified: number;
}

/** `$LATEST` as a ConfigSource. */
export function latestSource(fn: FunctionRecord): ConfigSource {
  return { config: fn.config, version: "$LATEST", revisionId: fn.revisionId, lastModified: fn.lastModified };
}

/** A published version as a ConfigSource. */
export function versionSource(v: VersionRecord): ConfigSource {
  return { config: v.config, version: String(v.version), revisionId: v.revisionId, lastModified: v.lastModified };
}

export interface ViewOptions {
  /** The qualifier the ARN carries; none gives the unqualified ARN (GetFunction of $LATEST). */
  readonly arnQualifier?: string | undefined;
  /** List operations leave out State and LastUpdateStatus, as AWS does. */
  readonly list?: boolean | undefined;
}

/** FunctionConfiguration as the Lambda API returns it. */
export function configurationView(
  scope: ArnScope & { readonly readiness?: RuntimeReadiness },
  name: string,
  s: ConfigSource,
  o: ViewOptions = {},
): Json {
  const c = s.config;
  const view: Json = {
    FunctionName: name,
    FunctionArn: functionArn(scope, name, o.arnQualifier),
    Runtime: c.runtime,
    Role: c.role,
    ...(c.handler !== undefined && { Handler: c.handler }),
    CodeSize: c.codeSize,
    Description: c.description,
    Timeout: c.timeout,
    MemorySize: c.memorySize,
    LastModified: lambdaDate(s.lastModified),
    CodeSha256: c.codeSha256,
    Version: s.version,
    ...(c.environment !== undefined && { Environment: { Variables: { ...c.environment } } }),
    ...(c.deadLetterTargetArn !== undefined && { DeadLetterConfig: { TargetArn: c.deadLetterTargetArn } }),
    TracingConfig: { Mode: c.tracingMode },
    RevisionId: s.revisionId,
    ...(c.layers !== undefined &&
      c.layers.length > 0 && { Layers: c.layers.map((l) => ({ Arn: l.arn, CodeSize: l.codeSize })) }),
    PackageType: c.packageType,
    Architectures: [...c.architectures],
    EphemeralStorage: { Size: c.ephemeralStorageSize },
    SnapStart: { ApplyOn: "None", OptimizationStatus: "Off" },
    LoggingConfig: loggingView(c),
  };
  if (!o.list)
    Object.assign(view, scope.readiness?.stateOf(c.runtime) ?? { State: "Active", LastUpdateStatus: "Successful" });
  return view;
}

function loggingView(c: FunctionConfig): Json {
  return {
    LogFormat: c.logFormat,
    ...(c.applicationLogLevel !== undefined && { ApplicationLogLevel: c.applicationLogLevel }),
    ...(c.systemLogLevel !== undefined && { SystemLogLevel: c.systemLogLevel }),
    LogGroup: c.logGroup,
  };
}

/** AliasConfiguration; RoutingConfig only when the alias has a weighted extra version. */
export function aliasView(scope: ArnScope, a: AliasRecord): Json {
  return {
    AliasArn: functionArn(scope, a.functionName, a.name),
    Name: a.name,
    FunctionVersion: a.functionVersion,
    Description: a.description,
    ...(a.additionalVersion && {
      RoutingConfig: { AdditionalVersionWeights: { [a.additionalVersion.version]: a.additionalVersion.weight } },
    }),
    RevisionId: a.revisionId,
  };
}

/** FunctionEventInvokeConfig: LastModified in epoch seconds (a JSON number), qualified FunctionArn. */
export function eventInvokeConfigView(scope: ArnScope, c: EventInvokeConfigRecord): Json {
  return {
    LastModified: c.lastModified / 1000,
    FunctionArn: functionArn(scope, c.functionName, c.qualifier),
    ...(c.maximumRetryAttempts !== undefined && { MaximumRetryAttempts: c.maximumRetryAttempts }),
    ...(c.maximumEventAgeInSeconds !== undefined && { MaximumEventAgeInSeconds: c.maximumEventAgeInSeconds }),
    DestinationConfig: {
      OnSuccess: c.onSuccess === undefined ? {} : { Destination: c.onSuccess },
      OnFailure: c.onFailure === undefined ? {} : { Destination: c.onFailure },
    },
  };
}
