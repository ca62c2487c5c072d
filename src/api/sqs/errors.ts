/**
 * SQS errors in the caller's protocol. The query protocol names some errors by their legacy code
 * (`AWS.SimpleQueueService.NonExistentQueue`); the JSON protocol sends the modelled name as
 * `__type` and the legacy code in `x-amzn-query-error`, from which the SDKs take the error code.
 */
import type { IncomingHttpHeaders } from "node:http";
import { xml } from "../iam/wire.js";
import type { ApiResponse } from "../types.js";
import { SQS_XMLNS } from "./query-output.js";

const LEGACY: Readonly<Record<string, string>> = {
  QueueDoesNotExist: "AWS.SimpleQueueService.NonExistentQueue",
  QueueNameExists: "QueueAlreadyExists",
  MessageNotInflight: "AWS.SimpleQueueService.MessageNotInflight",
  EmptyBatchRequest: "AWS.SimpleQueueService.EmptyBatchRequest",
  TooManyEntriesInBatchRequest: "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
  BatchEntryIdsNotDistinct: "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
  InvalidBatchEntryId: "AWS.SimpleQueueService.InvalidBatchEntryId",
  BatchRequestTooLong: "AWS.SimpleQueueService.BatchRequestTooLong",
  PurgeQueueInProgress: "AWS.SimpleQueueService.PurgeQueueInProgress",
  UnsupportedOperation: "AWS.SimpleQueueService.UnsupportedOperation",
};

// Failures before the operation runs (signature, access) carry the query protocol's common codes.
const COMMON: Readonly<Record<string, string>> = {
  ERR_UNRECOGNIZED_CLIENT: "InvalidClientTokenId",
  ERR_INVALID_SIGNATURE: "SignatureDoesNotMatch",
  ERR_INCOMPLETE_SIGNATURE: "IncompleteSignature",
  ERR_MISSING_AUTHENTICATION_TOKEN: "MissingAuthenticationToken",
  ERR_ACCESS_DENIED: "AccessDenied",
  ERR_EXPIRED_TOKEN: "ExpiredToken",
  ERR_SERVICE: "InternalError",
  ERR_STORE_UNAVAILABLE: "InternalError",
  ERR_REQUEST_TOO_LARGE: "RequestEntityTooLarge",
  ERR_UNKNOWN_OPERATION: "InvalidAction",
};

/** The legacy (query) code of an error. */
export function queryCode(e: { code: string; awsType: string }): string {
  return COMMON[e.code] ?? LEGACY[e.awsType] ?? e.awsType;
}

/** Whether the request speaks the JSON protocol (`X-Amz-Target: AmazonSQS.*`). */
export function isJsonRequest(headers: IncomingHttpHeaders | undefined): boolean {
  const target = headers?.["x-amz-target"];
  return typeof target === "string" && target.startsWith("AmazonSQS.");
}

/** An SQS error answer in the protocol of `headers`. */
export function sqsError(
  e: { code: string; awsType: string; status: number; message: string },
  requestId: string,
  headers?: IncomingHttpHeaders,
): ApiResponse {
  const code = queryCode(e);
  const fault = e.status >= 500 ? "Receiver" : "Sender";
  if (isJsonRequest(headers)) {
    const type = COMMON[e.code] ?? e.awsType;
    return {
      status: e.status,
      headers: { "Content-Type": "application/x-amz-json-1.0", "x-amzn-query-error": `${code};${fault}` },
      body: JSON.stringify({ __type: `com.amazonaws.sqs#${type}`, message: e.message }),
    };
  }
  const body =
    `<?xml version="1.0"?><ErrorResponse xmlns="${SQS_XMLNS}"><Error><Type>${fault}</Type><Code>${code}</Code>` +
    `<Message>${xml(e.message)}</Message><Detail/></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
  return { status: e.status, headers: { "Content-Type": "text/xml" }, body };
}
