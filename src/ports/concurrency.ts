import type { ThrottleReason } from "../domain/invocation.js";

/**
 * Where the invoker takes a concurrency slot for each execution: per node (one process), or
 * across a cluster. Functions with reserved concurrency count against their reservation, the others
 * against the unreserved pool (the account limit less all reservations).
 */
export interface ConcurrencySlots {
  /**
   * Takes a slot: undefined when taken, the throttle reason when refused. A promise only when the
   * answer needs a round trip (a cluster node asking for more slots); the usual path is synchronous.
   */
  tryAcquire(
    functionName: string,
    reserved: number | undefined,
    reservedTotal: number,
  ): ThrottleReason | undefined | Promise<ThrottleReason | undefined>;
  /** Gives back a slot taken with the same `reserved` value. */
  release(functionName: string, reserved: number | undefined): void;
  /** Executions in flight on this node. */
  readonly inFlight: number;
}
