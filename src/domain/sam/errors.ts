import type { PlatformError } from "../../shared/errors.js";
import { templateError } from "../template/values.js";

/**
 * SAM's transform errors: each names a resource, an event or the Globals section; all errors of a
 * template are collected and reported together, in the words the transform uses.
 */
export class SamError extends Error {
  override readonly name = "SamError";
}

/** `Resource with id [X] is invalid. <message>` */
export function invalidResource(logicalId: string, message: string): SamError {
  return new SamError(`Resource with id [${logicalId}] is invalid. ${message}`);
}

/** `Event with id [X] is invalid. <message>` (reported inside its function's resource error). */
export function invalidEvent(eventId: string, message: string): SamError {
  return new SamError(`Event with id [${eventId}] is invalid. ${message}`);
}

/** `'Globals' section is invalid. <message>` */
export function invalidGlobals(message: string): SamError {
  return new SamError(`'Globals' section is invalid. ${message}`);
}

/** The ValidationError CloudFormation returns when the transform fails. */
export function transformFailure(errors: readonly SamError[]): PlatformError {
  const detail = errors.map((e) => e.message).join(" ");
  return templateError(
    `Transform AWS::Serverless-2016-10-31 failed with: Invalid Serverless Application Specification document. Number of errors found: ${errors.length}. ${detail}`,
  );
}
