/** The Lambda API model's constraints on mapping parameters, reported as AWS's ValidationException. */
import { PlatformError } from "../shared/errors.js";

/** Collects constraint violations; `throwIfAny()` reports them in one message, as AWS does. */
export class Violations {
  readonly #list: string[] = [];

  /** An integer parameter's range (`field` as the model's member path spells it). */
  range(value: unknown, field: string, range: readonly [number, number]): void {
    if (value === undefined || value === null) return;
    if (typeof value !== "number" || !Number.isInteger(value)) {
      throw new PlatformError("ERR_INVALID_REQUEST_CONTENT", `Could not parse request body into json: ${field}`);
    }
    if (value < range[0]) this.add(value, field, `Member must have value greater than or equal to ${range[0]}`);
    else if (value > range[1]) this.add(value, field, `Member must have value less than or equal to ${range[1]}`);
  }

  /** FunctionResponseTypes: a list of the one enum value. */
  responseTypes(value: unknown): void {
    if (value === undefined || value === null) return;
    if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
      throw new PlatformError(
        "ERR_INVALID_REQUEST_CONTENT",
        "Could not parse request body into json: functionResponseTypes",
      );
    }
    if (value.length > 1 || value.some((v) => v !== "ReportBatchItemFailures")) {
      this.add(
        `[${value.join(", ")}]`,
        "functionResponseTypes",
        "Member must satisfy constraint: [Member must satisfy enum value set: [ReportBatchItemFailures]]",
      );
    }
  }

  add(value: unknown, field: string, constraint: string): void {
    this.#list.push(`Value '${String(value)}' at '${field}' failed to satisfy constraint: ${constraint}`);
  }

  throwIfAny(): void {
    const n = this.#list.length;
    if (n === 0) return;
    throw new PlatformError(
      "ERR_VALIDATION",
      `${n} validation error${n > 1 ? "s" : ""} detected: ${this.#list.join("; ")}`,
    );
  }
}

/** InvalidParameterValueException with AWS's text. */
export function invalidParameter(message: string): PlatformError {
  return new PlatformError("ERR_INVALID_PARAMETER", message);
}
