import type { AliasRouting } from "../domain/alias-routing.js";
import type { FunctionSpec } from "../domain/function-spec.js";

export type { AliasRouting } from "../domain/alias-routing.js";

/**
 * Where the invoker looks functions up. Implementations answer from memory (the hot path never
 * reads the store); the control plane keeps its copy current on every change.
 */
export interface FunctionCatalog {
  /** The spec of `functionName` at `version` (`$LATEST` or a number), or undefined. */
  version(functionName: string, version: string): FunctionSpec | undefined;
  /** The alias `alias` of `functionName`, or undefined. */
  alias(functionName: string, alias: string): AliasRouting | undefined;
  /** The sum of all functions' reserved concurrency (the unreserved pool is the account limit less this). */
  reservedTotal(): number;
}
