import type { ArtifactReader } from "./code-input.js";
import type { CodeStore } from "../ports/code-store.js";
import type { LayerStore } from "../ports/layer-store.js";
import type { Store } from "../ports/store.js";
import type { Clock } from "../shared/clock.js";
import { PlatformError } from "../shared/errors.js";
import type { IdSource } from "../shared/ids.js";
import { type ArnScope, functionArn } from "./arn.js";
import type { FunctionEntry, MemoryCatalog } from "./catalog.js";
import type { KeyedLock } from "./keyed-lock.js";
import type { RuntimeReadiness } from "./runtime-readiness.js";

/** What every control-plane operation works with. */
export interface ControlContext extends ArnScope {
  readonly store: Store;
  readonly codeStore: CodeStore;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly catalog: MemoryCatalog;
  /** Serializes writes per function name within this node. */
  readonly lock: KeyedLock;
  /** Account-wide concurrent executions (AWS default 1000). */
  readonly accountConcurrency: number;
  /** Concurrency that reservations must leave to the unreserved pool (AWS: 100). */
  readonly minUnreservedConcurrency: number;
  /** Whether each runtime can run here (a function's State). */
  readonly readiness: RuntimeReadiness;
  /** Told after every write to a function (other nodes of a cluster re-read it). */
  readonly changed: (functionName: string) => void;
  /** Where `Code.S3Bucket`/`S3Key` are read from (haneul's S3); without it they are NoSuchBucket. */
  readonly artifacts?: ArtifactReader | undefined;
  /** Published layer versions; without it every layer reference names a version that does not exist. */
  readonly layers?: LayerStore | undefined;
}

/**
 * Runs a write to function `name` under its lock, then announces the change (also after a failure:
 * part of it may be stored, and a needless re-read costs nothing).
 */
export function writeLocked<T>(ctx: ControlContext, name: string, task: () => Promise<T>): Promise<T> {
  return ctx.lock.run(name, task).finally(() => ctx.changed(name));
}

/** `Function not found: <arn>` (404), the message AWS uses for most lookups. */
export function functionNotFound(ctx: ArnScope, name: string, qualifier?: string): PlatformError {
  return new PlatformError("ERR_FUNCTION_NOT_FOUND", `Function not found: ${functionArn(ctx, name, qualifier)}`);
}

/** The entry of `name`, or AWS's not-found error naming `qualifier` when given. */
export function requireEntry(ctx: ControlContext, name: string, qualifier?: string): FunctionEntry {
  const entry = ctx.catalog.entry(name);
  if (!entry) throw functionNotFound(ctx, name, qualifier);
  return entry;
}

/** A fresh RevisionId. */
export function newRevision(ctx: ControlContext): string {
  return ctx.ids.requestId();
}

/** AWS's answer to a stale RevisionId. */
export function revisionMismatch(): PlatformError {
  return new PlatformError(
    "ERR_PRECONDITION_FAILED",
    "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id",
  );
}

/** Checks an optional RevisionId against the current one. */
export function checkRevision(given: string | undefined, current: string): void {
  if (given !== undefined && given !== current) throw revisionMismatch();
}

/** The highest published version still present, or undefined. */
export function lastVersion(entry: FunctionEntry): number | undefined {
  let max: number | undefined;
  for (const n of entry.versions.keys()) if (max === undefined || n > max) max = n;
  return max;
}
