import { PlatformError } from "../shared/errors.js";
import type { CodeInput } from "./types.js";

/** Reads a deployment artifact from haneul's S3 (the object store), or says which part is missing. */
export type ArtifactReader = (
  bucket: string,
  key: string,
) => Promise<{ readonly body: Buffer } | { readonly missing: "NoSuchBucket" | "NoSuchKey" }>;

const S3_MESSAGES = {
  NoSuchBucket: "The specified bucket does not exist",
  NoSuchKey: "The specified key does not exist.",
} as const;

/**
 * The zip of a CreateFunction / UpdateFunctionCode request: `ZipFile`, or `S3Bucket`/`S3Key` read
 * from haneul's S3. There is no container registry: ImageUri is refused as AWS refuses it.
 */
export async function takeZip(
  code: CodeInput | undefined,
  update = false,
  artifacts?: ArtifactReader,
): Promise<Buffer> {
  const s3 = code?.S3Bucket !== undefined || code?.S3Key !== undefined || code?.S3ObjectVersion !== undefined;
  if (code?.ZipFile !== undefined) {
    if (s3 || code.ImageUri !== undefined) {
      throw new PlatformError(
        "ERR_INVALID_PARAMETER",
        "Please do not provide other FunctionCode parameters when providing a ZipFile.",
      );
    }
    return code.ZipFile;
  }
  if (code?.ImageUri !== undefined) {
    throw new PlatformError(
      "ERR_INVALID_PARAMETER",
      update
        ? "Please don't provide ImageUri when updating a function with packageType Zip."
        : "haneul runs Zip packages only; ImageUri is not supported.",
    );
  }
  if (s3) {
    if (code.S3ObjectVersion !== undefined) {
      throw new PlatformError(
        "ERR_INVALID_PARAMETER",
        "haneul's S3 keeps no object versions; leave out S3ObjectVersion.",
      );
    }
    if (code.S3Bucket === undefined || code.S3Key === undefined) {
      throw new PlatformError("ERR_INVALID_PARAMETER", "Please provide both S3Bucket and S3Key for function code.");
    }
    const got = artifacts ? await artifacts(code.S3Bucket, code.S3Key) : ({ missing: "NoSuchBucket" } as const);
    if ("body" in got) return got.body;
    throw new PlatformError(
      "ERR_INVALID_PARAMETER",
      `Error occurred while GetObject. S3 Error Code: ${got.missing}. S3 Error Message: ${S3_MESSAGES[got.missing]}`,
    );
  }
  throw new PlatformError("ERR_INVALID_PARAMETER", "Please provide a source for function code.");
}
