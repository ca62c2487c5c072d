import type { ThrottleReason } from "../domain/invocation.js";
import type { ConcurrencySlots } from "../ports/concurrency.js";

/**
 * Counts executions in flight: per function for functions with reserved concurrency, and in the
 * shared unreserved pool (the account limit less all reservations) for the others.
 */
export class ConcurrencyLimiter implements ConcurrencySlots {
  readonly #accountLimit: number;
  readonly #perFunction = new Map<string, number>();
  #unreserved = 0;

  constructor(accountLimit: number) {
    this.#accountLimit = accountLimit;
  }

  /** Takes a slot, or returns why the call is throttled. */
  tryAcquire(functionName: string, reserved: number | undefined, reservedTotal: number): ThrottleReason | undefined {
    if (reserved !== undefined) {
      const inFlight = this.#perFunction.get(functionName) ?? 0;
      if (inFlight >= reserved) return "ReservedFunctionConcurrentInvocationLimitExceeded";
      this.#perFunction.set(functionName, inFlight + 1);
      return undefined;
    }
    if (this.#unreserved >= this.#accountLimit - reservedTotal) return "ConcurrentInvocationLimitExceeded";
    this.#unreserved++;
    return undefined;
  }

  /** Gives back a slot taken with the same `reserved` value. */
  release(functionName: string, reserved: number | undefined): void {
    if (reserved === undefined) {
      this.#unreserved--;
      return;
    }
    const n = (this.#perFunction.get(functionName) ?? 1) - 1;
    if (n <= 0) this.#perFunction.delete(functionName);
    else this.#perFunction.set(functionName, n);
  }

  /** Executions in flight across the node. */
  get inFlight(): number {
    let n = this.#unreserved;
    for (const v of this.#perFunction.values()) n += v;
    return n;
  }
}
