/** SQS's batch rules: 1-10 entries, distinct well-formed ids; each entry succeeds or fails alone. */
import { isPlatformError, PlatformError } from "../shared/errors.js";
import type { BatchFailure } from "./types.js";

const ENTRY_ID_RE = /^[A-Za-z0-9_-]{1,80}$/;

/** Checks a batch's entries as a whole; throws SQS's error for the batch. */
export function checkBatch(entries: readonly { Id?: string | undefined }[] | undefined): void {
  if (!entries || entries.length === 0) {
    throw new PlatformError(
      "ERR_SQS_EMPTY_BATCH",
      "There should be at least one SendMessageBatchRequestEntry in the request.",
    );
  }
  if (entries.length > 10) {
    throw new PlatformError(
      "ERR_SQS_TOO_MANY_ENTRIES",
      `Maximum number of entries per request are 10. You have sent ${entries.length}.`,
    );
  }
  const seen = new Set<string>();
  for (const e of entries) {
    const id = e.Id ?? "";
    if (!ENTRY_ID_RE.test(id)) {
      throw new PlatformError(
        "ERR_SQS_INVALID_BATCH_ENTRY_ID",
        "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.",
      );
    }
    if (seen.has(id)) throw new PlatformError("ERR_SQS_BATCH_IDS_NOT_DISTINCT", `Id ${id} repeated.`);
    seen.add(id);
  }
}

/** A batch entry's failure as SQS reports it (query code of the error, sender's fault unless 5xx). */
export function entryFailure(id: string, e: unknown): BatchFailure {
  if (!isPlatformError(e)) throw e;
  return { Id: id, SenderFault: e.status < 500, Code: e.awsType, Message: e.message };
}
