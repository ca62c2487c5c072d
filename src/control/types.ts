/**
 * Request and response shapes of the Lambda control API, in AWS's own field names: the control
 * plane speaks the same language as the SDKs, the CLI and SAM templates.
 */

/** Configuration fields shared by CreateFunction and UpdateFunctionConfiguration. */
export interface ConfigInput {
  Runtime?: string | undefined;
  Role?: string | undefined;
  Handler?: string | undefined;
  Description?: string | undefined;
  Timeout?: number | undefined;
  MemorySize?: number | undefined;
  Environment?: { Variables?: Record<string, string> | undefined } | undefined;
  TracingConfig?: { Mode?: string | undefined } | undefined;
  DeadLetterConfig?: { TargetArn?: string | undefined } | undefined;
  EphemeralStorage?: { Size?: number | undefined } | undefined;
  LoggingConfig?:
    | {
        LogFormat?: string | undefined;
        ApplicationLogLevel?: string | undefined;
        SystemLogLevel?: string | undefined;
        LogGroup?: string | undefined;
      }
    | undefined;
  Layers?: string[] | undefined;
}

/** Where code comes from. Only `ZipFile` (already base64-decoded) is served by haneul. */
export interface CodeInput {
  ZipFile?: Buffer | undefined;
  S3Bucket?: string | undefined;
  S3Key?: string | undefined;
  S3ObjectVersion?: string | undefined;
  ImageUri?: string | undefined;
}

export interface CreateFunctionInput extends ConfigInput {
  FunctionName?: string | undefined;
  Code?: CodeInput | undefined;
  Publish?: boolean | undefined;
  PackageType?: string | undefined;
  Tags?: Record<string, string> | undefined;
  Architectures?: string[] | undefined;
}

export interface UpdateFunctionCodeInput extends CodeInput {
  Publish?: boolean | undefined;
  DryRun?: boolean | undefined;
  RevisionId?: string | undefined;
  Architectures?: string[] | undefined;
}

export interface UpdateFunctionConfigurationInput extends ConfigInput {
  RevisionId?: string | undefined;
}

export interface PublishVersionInput {
  CodeSha256?: string | undefined;
  Description?: string | undefined;
  RevisionId?: string | undefined;
}

export interface RoutingConfigInput {
  AdditionalVersionWeights?: Record<string, number> | undefined;
}

export interface CreateAliasInput {
  Name?: string | undefined;
  FunctionVersion?: string | undefined;
  Description?: string | undefined;
  RoutingConfig?: RoutingConfigInput | undefined;
}

export interface UpdateAliasInput {
  FunctionVersion?: string | undefined;
  Description?: string | undefined;
  RoutingConfig?: RoutingConfigInput | undefined;
  RevisionId?: string | undefined;
}

export interface EventInvokeConfigInput {
  MaximumRetryAttempts?: number | undefined;
  MaximumEventAgeInSeconds?: number | undefined;
  DestinationConfig?:
    | {
        OnSuccess?: { Destination?: string | undefined } | undefined;
        OnFailure?: { Destination?: string | undefined } | undefined;
      }
    | undefined;
}

/** Marker/MaxItems paging of list operations. */
export interface PageInput {
  Marker?: string | undefined;
  MaxItems?: number | undefined;
}

export interface ListFunctionsInput extends PageInput {
  FunctionVersion?: string | undefined;
}

export interface ListAliasesInput extends PageInput {
  FunctionVersion?: string | undefined;
}

/** A JSON object sent back as is. */
export type Json = Record<string, unknown>;
