import { z } from "zod";
import { PlatformError } from "../../shared/errors.js";

const str = z.string().optional();
const int = z.number().int().optional();
const bool = z.boolean().optional();
const strMap = z.record(z.string(), z.string()).optional();

/** Blobs travel base64-encoded in JSON. */
const blob = z
  .string()
  .transform((s) => {
    const compact = s.replace(/\s+/g, "");
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) {
      throw new PlatformError(
        "ERR_INVALID_REQUEST_CONTENT",
        "Could not parse request body into json: ZipFile is not valid base64",
      );
    }
    return Buffer.from(compact, "base64");
  })
  .optional();

const code = {
  ZipFile: blob,
  S3Bucket: str,
  S3Key: str,
  S3ObjectVersion: str,
  ImageUri: str,
};

const config = {
  Runtime: str,
  Role: str,
  Handler: str,
  Description: str,
  Timeout: int,
  MemorySize: int,
  Environment: z.object({ Variables: strMap }).optional(),
  TracingConfig: z.object({ Mode: str }).optional(),
  DeadLetterConfig: z.object({ TargetArn: str }).optional(),
  EphemeralStorage: z.object({ Size: int }).optional(),
  LoggingConfig: z.object({ LogFormat: str, ApplicationLogLevel: str, SystemLogLevel: str, LogGroup: str }).optional(),
  Layers: z.array(z.string()).optional(),
};

export const CreateFunctionBody = z.object({
  ...config,
  FunctionName: str,
  Code: z.object(code).optional(),
  Publish: bool,
  PackageType: str,
  Tags: strMap,
  Architectures: z.array(z.string()).optional(),
});

export const UpdateFunctionCodeBody = z.object({
  ...code,
  Publish: bool,
  DryRun: bool,
  RevisionId: str,
  Architectures: z.array(z.string()).optional(),
});

export const UpdateFunctionConfigurationBody = z.object({ ...config, RevisionId: str });

export const PublishVersionBody = z.object({ CodeSha256: str, Description: str, RevisionId: str });

const routing = z.object({ AdditionalVersionWeights: z.record(z.string(), z.number()).optional() }).optional();

export const CreateAliasBody = z.object({ Name: str, FunctionVersion: str, Description: str, RoutingConfig: routing });

export const UpdateAliasBody = z.object({
  FunctionVersion: str,
  Description: str,
  RoutingConfig: routing,
  RevisionId: str,
});

export const ConcurrencyBody = z.object({ ReservedConcurrentExecutions: int });

export const RecursionConfigBody = z.object({ RecursiveLoop: str });

const destination = z.object({ Destination: str }).optional();

export const EventInvokeConfigBody = z.object({
  MaximumRetryAttempts: int,
  MaximumEventAgeInSeconds: int,
  DestinationConfig: z.object({ OnSuccess: destination, OnFailure: destination }).optional(),
});

export const AddPermissionBody = z.object({
  StatementId: str,
  Action: str,
  Principal: str,
  SourceArn: str,
  SourceAccount: str,
  EventSourceToken: str,
  RevisionId: str,
  PrincipalOrgID: str,
  FunctionUrlAuthType: str,
  InvokedViaFunctionUrl: bool,
});

export const TagResourceBody = z.object({ Tags: strMap });

export const PublishLayerVersionBody = z.object({
  Description: str,
  Content: z.object(code).optional(),
  CompatibleRuntimes: z.array(z.string()).optional(),
  LicenseInfo: str,
  CompatibleArchitectures: z.array(z.string()).optional(),
});

export const AddLayerVersionPermissionBody = z.object({
  StatementId: str,
  Action: str,
  Principal: str,
  OrganizationId: str,
});
