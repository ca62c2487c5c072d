/**
 * SQS errors in the caller's protocol. The query protocol names some errors by their legacy code
 * (`AWS.SimpleQueueService.NonExistentQueue`); the JSON protocol sends the modelled name as
 * `__type` and the legacy code in `x-amzn-query-error`, from which the SDKs take the error code.
 */
import type { IncomingHttpHeaders } from "node:http";
import {
  isCommonCode,
  queryCode as dialectCode,
  queryCompatibleJsonError,
  queryError,
  type QueryDialect,
  type WireError,
} from "../query-wire.js";
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

const SQS: QueryDialect = {
  xmlns: SQS_XMLNS,
  codes: { ...LEGACY, ERR_SERVICE: "InternalError", ERR_STORE_UNAVAILABLE: "InternalError" },
  declaration: true,
  detail: true,
};

/** The legacy (query) code of an error. */
export function queryCode(e: { code: string; awsType: string }): string {
  return dialectCode(SQS, e);
}

/** Whether the request speaks the JSON protocol (`X-Amz-Target: AmazonSQS.*`). */
export function isJsonRequest(headers: IncomingHttpHeaders | undefined): boolean {
  const target = headers?.["x-amz-target"];
  return typeof target === "string" && target.startsWith("AmazonSQS.");
}

/** An SQS error answer in the protocol of `headers`. */
export function sqsError(e: WireError, requestId: string, headers?: IncomingHttpHeaders): ApiResponse {
  if (!isJsonRequest(headers)) return queryError(SQS, e, requestId);
  // The JSON shape names the common failures by their query code, the others by the model's name.
  const common = isCommonCode(e.code) || e.code === "ERR_SERVICE" || e.code === "ERR_STORE_UNAVAILABLE";
  const type = common ? dialectCode(SQS, e) : e.awsType;
  return queryCompatibleJsonError(SQS, e, { namespace: "com.amazonaws.sqs", type });
}
