/** Receipt handles: opaque to clients, they name the queue and message they were issued for. */
import { PlatformError } from "../shared/errors.js";
import type { IdSource } from "../shared/ids.js";

/** A fresh receipt handle for a receive of `messageId` from `queue`. */
export function newReceiptHandle(ids: IdSource, queue: string, messageId: string): string {
  return Buffer.from(`${queue} ${messageId} ${ids.hex(16)}`, "utf8").toString("base64");
}

/** Checks that `handle` is one haneul issued (for any queue); ReceiptHandleIsInvalid otherwise. */
export function checkReceiptHandle(handle: string | undefined): string {
  if (!handle)
    throw new PlatformError("ERR_SQS_MISSING_PARAMETER", "The request must contain the parameter ReceiptHandle.");
  const parts = Buffer.from(handle, "base64").toString("utf8").split(" ");
  if (parts.length !== 3 || !/^[0-9a-f]{32}$/.test(parts[2]!)) {
    throw new PlatformError(
      "ERR_SQS_RECEIPT_HANDLE_INVALID",
      `The input receipt handle "${handle}" is not a valid receipt handle.`,
    );
  }
  return handle;
}
