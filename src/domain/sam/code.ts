import type { SamContext } from "./context.js";
import { invalidResource } from "./errors.js";
import { isObject, textOf } from "../template/values.js";
import type { TemplateObject, TemplateValue } from "../template/values.js";

/** Parses `s3://bucket/key?versionId=v` (SAM's parse_s3_uri); undefined for anything else. */
export function parseS3Uri(uri: string): { Bucket: string; Key: string; Version?: string } | undefined {
  const m = /^s3:\/\/([^/?#]+)\/([^?#]+)(?:\?(.*))?$/.exec(uri);
  if (!m) return undefined;
  const version = new URLSearchParams(m[3] ?? "").getAll("versionId");
  const out: { Bucket: string; Key: string; Version?: string } = { Bucket: m[1] as string, Key: m[2] as string };
  if (version.length === 1) out.Version = version[0];
  return out;
}

/**
 * SAM's construct_s3_location_object: a `CodeUri`/`ContentUri` (an `s3://` URI or
 * `{Bucket, Key, Version}`) as `{S3Bucket, S3Key, S3ObjectVersion}`. A local path goes through the
 * artifact locator (the uploaded location); without one it is SAM's invalid-URI error.
 */
export function s3Location(
  value: TemplateValue,
  ctx: SamContext,
  use: { logicalId: string; property: string },
): TemplateObject {
  const { logicalId, property } = use;
  if (isObject(value)) {
    if (!value.Bucket || !value.Key)
      throw invalidResource(logicalId, `'${property}' requires Bucket and Key properties to be specified.`);
    const code: TemplateObject = { S3Bucket: value.Bucket, S3Key: value.Key };
    if (value.Version !== undefined) code.S3ObjectVersion = value.Version;
    return code;
  }
  if (typeof value !== "string") throw invalidResource(logicalId, `'${property}' must be of type dict or string.`);
  const parsed = parseS3Uri(value);
  if (parsed) {
    const code: TemplateObject = { S3Bucket: parsed.Bucket, S3Key: parsed.Key };
    if (parsed.Version !== undefined) code.S3ObjectVersion = parsed.Version;
    return code;
  }
  const local = isLocalPath(value) ? ctx.options.artifacts?.(value, use) : undefined;
  if (local) {
    const code: TemplateObject = { S3Bucket: local.S3Bucket, S3Key: local.S3Key };
    if (local.S3ObjectVersion !== undefined) code.S3ObjectVersion = local.S3ObjectVersion;
    return code;
  }
  throw invalidResource(
    logicalId,
    `'${property}' is not a valid S3 Uri of the form 's3://bucket/key' with optional versionId query parameter.`,
  );
}

/** A relative or absolute path, not a URI of another scheme. */
function isLocalPath(value: string): boolean {
  return value !== "" && !/^[a-z][a-z0-9+.-]*:\/\//i.test(value);
}

/** The function's `Code`: InlineCode as ZipFile, else CodeUri's location. */
export function functionCode(props: TemplateObject, logicalId: string, ctx: SamContext): TemplateObject {
  const packageType = props.PackageType ?? "Zip";
  if (packageType === "Image") {
    throw invalidResource(logicalId, "PackageType Image is not supported by haneul: functions run from .zip packages");
  }
  if (packageType !== "Zip") throw invalidResource(logicalId, `invalid 'PackageType' : ${textOf(packageType)}`);
  if (props.InlineCode !== undefined && props.InlineCode !== null) {
    if (props.CodeUri !== undefined)
      throw invalidResource(logicalId, "Only one of 'InlineCode' or 'CodeUri' can be set.");
    return { ZipFile: props.InlineCode };
  }
  if (props.CodeUri === undefined || props.CodeUri === null)
    throw invalidResource(logicalId, "Only one of 'InlineCode' or 'CodeUri' can be set.");
  const code = s3Location(props.CodeUri, ctx, { logicalId, property: "CodeUri" });
  if (props.SourceKMSKeyArn !== undefined) code.SourceKMSKeyArn = props.SourceKMSKeyArn;
  return code;
}
