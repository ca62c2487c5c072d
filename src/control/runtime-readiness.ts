import { nodeMajorOf } from "../domain/function-spec.js";
import type { NodeRuntimes } from "../ports/node-runtimes.js";
import { PlatformError } from "../shared/errors.js";

/** State, StateReason… of FunctionConfiguration, as Lambda reports them. */
export interface FunctionStateView {
  readonly State: "Active" | "Pending" | "Failed";
  readonly LastUpdateStatus: "Successful" | "InProgress" | "Failed";
  readonly StateReason?: string;
  readonly StateReasonCode?: string;
  readonly LastUpdateStatusReason?: string;
  readonly LastUpdateStatusReasonCode?: string;
}

const ACTIVE: FunctionStateView = { State: "Active", LastUpdateStatus: "Successful" };
const CREATING = "The function is being created.";

/**
 * Whether a function's runtime can run here. A Node.js runtime whose major is not installed makes
 * the function `Pending` while it is fetched (as Lambda's functions are Pending while created),
 * then `Active`, or `Failed` with the reason (`InvalidRuntime`) when it cannot be had. Runtimes
 * that bring their own bootstrap are always Active.
 */
export class RuntimeReadiness {
  readonly #runtimes: NodeRuntimes | undefined;

  constructor(runtimes: NodeRuntimes | undefined) {
    this.#runtimes = runtimes;
  }

  /** What GetFunction shows for a function on `runtime`. */
  stateOf(runtime: string): FunctionStateView {
    const major = nodeMajorOf(runtime);
    if (major === undefined || !this.#runtimes) return ACTIVE;
    const status = this.#runtimes.status(major);
    switch (status.state) {
      case "ready":
        return ACTIVE;
      case "absent":
      case "installing":
        return {
          State: "Pending",
          StateReason: CREATING,
          StateReasonCode: "Creating",
          LastUpdateStatus: "InProgress",
          LastUpdateStatusReason: CREATING,
          LastUpdateStatusReasonCode: "Creating",
        };
      case "failed":
        return {
          State: "Failed",
          StateReason: status.reason,
          StateReasonCode: "InvalidRuntime",
          LastUpdateStatus: "Failed",
          LastUpdateStatusReason: status.reason,
          LastUpdateStatusReasonCode: "InvalidRuntime",
        };
    }
  }

  /** Starts fetching `runtime`'s Node.js when it is missing (after a create or an update naming it). */
  prepare(runtime: string): void {
    const major = nodeMajorOf(runtime);
    if (major === undefined || !this.#runtimes) return;
    if (this.#runtimes.status(major).state !== "ready") this.#runtimes.ensure(major).catch(() => undefined);
  }

  /** Throws what Lambda answers an Invoke of a function that is not Active. */
  checkInvocable(runtime: string): void {
    const view = this.stateOf(runtime);
    if (view.State === "Active") return;
    if (view.State === "Pending") {
      throw new PlatformError(
        "ERR_RESOURCE_CONFLICT",
        "The operation cannot be performed at this time. The function is currently in the following state: Pending",
      );
    }
    throw new PlatformError("ERR_INVALID_RUNTIME", view.StateReason ?? "The runtime is not available.");
  }
}
