import { PlatformError } from "../shared/errors.js";

/**
 * Collects model-constraint failures and reports them the way AWS's request validation does:
 * one ValidationException, "N validation error(s) detected: a; b".
 */
export class Violations {
  readonly #list: string[] = [];

  /** Adds a raw constraint message (`Value 'x' at 'field' failed to satisfy constraint: …`). */
  add(value: unknown, field: string, constraint: string): void {
    const text = typeof value === "string" ? value : JSON.stringify(value);
    const shown = value === null || value === undefined ? "null" : `'${text}'`;
    this.#list.push(`Value ${shown} at '${field}' failed to satisfy constraint: ${constraint}`);
  }

  /** `value` must be within [min, max] when present. */
  range(value: number | undefined, field: string, min: number, max: number): void {
    if (value === undefined) return;
    if (value < min) this.add(value, field, `Member must have value greater than or equal to ${min}`);
    else if (value > max) this.add(value, field, `Member must have value less than or equal to ${max}`);
  }

  /** `value` must be at most `max` characters when present. */
  maxLength(value: string | undefined, field: string, max: number): void {
    if (value !== undefined && value.length > max)
      this.add(value, field, `Member must have length less than or equal to ${max}`);
  }

  /** `value` must match `pattern` (shown to the caller as `shown`) when present. */
  pattern(value: string | undefined, field: string, pattern: RegExp, shown: string): void {
    if (value !== undefined && !pattern.test(value)) {
      this.add(value, field, `Member must satisfy regular expression pattern: ${shown}`);
    }
  }

  /** `value` must be one of `allowed` when present. */
  oneOf(value: string | undefined, field: string, allowed: readonly string[]): void {
    if (value !== undefined && !allowed.includes(value)) {
      this.add(value, field, `Member must satisfy enum value set: [${allowed.join(", ")}]`);
    }
  }

  /** `value` must be present. */
  required(value: unknown, field: string): void {
    if (value === undefined || value === null) this.add(null, field, "Member must not be null");
  }

  /** Throws the collected failures as one ValidationException, if any. */
  throwIfAny(): void {
    const n = this.#list.length;
    if (n === 0) return;
    throw new PlatformError(
      "ERR_VALIDATION",
      `${n} validation error${n > 1 ? "s" : ""} detected: ${this.#list.join("; ")}`,
    );
  }
}

/** Throws a single validation failure. */
export function validationError(value: unknown, field: string, constraint: string): never {
  const v = new Violations();
  v.add(value, field, constraint);
  v.throwIfAny();
  throw new Error("unreachable");
}
