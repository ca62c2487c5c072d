import { PlatformError } from "../shared/errors.js";
import type { CodeInput } from "./types.js";

/**
 * The zip of a CreateFunction / UpdateFunctionCode request. haneul has no S3 and no container
 * registry, so those sources fail the way AWS fails when it cannot reach them.
 */
export function takeZip(code: CodeInput | undefined, update = false): Buffer {
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
    throw new PlatformError(
      "ERR_INVALID_PARAMETER",
      `Error occurred while GetObject. S3 Error Code: NoSuchBucket. S3 Error Message: The specified bucket does not exist`,
    );
  }
  throw new PlatformError("ERR_INVALID_PARAMETER", "Please provide a source for function code.");
}
