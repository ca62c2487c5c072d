/**
 * Why a delivery to a target failed, in the words of EventBridge's dead-letter queues (the
 * ERROR_CODE attribute), and whether EventBridge tries again: a target that no longer exists or a
 * permission that is missing fails every retry until someone acts, so EventBridge sends such an
 * event to the DLQ at once; a throttle or a fault on the target's side is retried.
 */
import { isPlatformError } from "../shared/errors.js";

/** A failed delivery to one target. */
export interface DeliveryFailure {
  /** EventBridge's DLQ error code (NO_RESOURCE, NO_PERMISSIONS, THROTTLING, INTERNAL_ERROR…). */
  readonly code: string;
  readonly message: string;
  readonly retryable: boolean;
}

/** A failure that is not retried (missing permission or resource, a refused request). */
export function permanentFailure(code: string, message: string): DeliveryFailure {
  return { code, message, retryable: false };
}

/** What an error thrown by a target's service means for the delivery. */
export function failureOf(e: unknown): DeliveryFailure {
  const message = e instanceof Error ? e.message : String(e);
  if (!isPlatformError(e)) return { code: "INTERNAL_ERROR", message, retryable: true };
  if (/NOT_FOUND|DOES_NOT_EXIST|NON_EXISTENT/.test(e.code)) return permanentFailure("NO_RESOURCE", message);
  if (/DENIED|AUTHORIZ|FORBIDDEN/.test(e.code)) return permanentFailure("NO_PERMISSIONS", message);
  if (/THROTTL|THROUGHPUT|TOO_MANY/.test(e.code) || e.status === 429)
    return { code: "THROTTLING", message, retryable: true };
  // Any other refusal of the request (4xx) fails again the same way; a fault of the service (5xx) may not.
  if (e.status < 500) return permanentFailure("INVALID_PARAMETER", message);
  return { code: "INTERNAL_ERROR", message, retryable: true };
}
