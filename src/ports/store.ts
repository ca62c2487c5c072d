/**
 * The store port: durable state of functions, versions, aliases, concurrency, event-invoke
 * configs and the async event queue. Every adapter (SQLite, PostgreSQL) passes the contract suite
 * in store.contract.ts. Writes that race with other writers are compare-and-set (on a revision
 * id) or single atomic operations, so several nodes can share one database.
 */

import type { RecursiveLoop } from "../domain/recursion.js";

/** The configuration of `$LATEST` or of a published version, as the Lambda API knows it. */
export interface FunctionConfig {
  readonly runtime: string;
  readonly role: string;
  readonly handler?: string | undefined;
  readonly description: string;
  readonly timeout: number;
  readonly memorySize: number;
  /** `undefined` when the function was never given an Environment (AWS then omits the field). */
  readonly environment?: Readonly<Record<string, string>> | undefined;
  readonly tracingMode: string;
  readonly deadLetterTargetArn?: string | undefined;
  readonly architectures: readonly string[];
  readonly ephemeralStorageSize: number;
  readonly logFormat: string;
  readonly logGroup: string;
  readonly applicationLogLevel?: string | undefined;
  readonly systemLogLevel?: string | undefined;
  /** Base64 SHA-256 of the zip. */
  readonly codeSha256: string;
  /** Size of the zip in bytes. */
  readonly codeSize: number;
  readonly packageType: "Zip";
  /** Sum of the zip's uncompressed entries (with the layers', at most 250 MB); absent in older records. */
  readonly codeUnzippedSize?: number | undefined;
  /** The layer versions the function uses, in order, pinned when the configuration was set. */
  readonly layers?: readonly LayerRef[] | undefined;
}

/** A layer version a function uses: its ARN and its zip (a version never changes once published). */
export interface LayerRef {
  readonly arn: string;
  /** Base64 SHA-256 of the layer's zip. */
  readonly codeSha256: string;
  readonly codeSize: number;
  readonly unzippedSize: number;
}

/** A function and its `$LATEST`. */
export interface FunctionRecord {
  readonly name: string;
  readonly config: FunctionConfig;
  /** Public RevisionId: a new UUID on every change of the function. */
  readonly revisionId: string;
  /** Changes only when code or configuration of `$LATEST` changes (what instances and publishing care about). */
  readonly configRevision: string;
  readonly state: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly reservedConcurrency?: number | undefined;
  /** PutFunctionRecursionConfig's RecursiveLoop; undefined is Lambda's default, Terminate. */
  readonly recursiveLoop?: RecursiveLoop | undefined;
  /** Epoch milliseconds. */
  readonly lastModified: number;
  readonly createdAt: number;
}

/** An immutable published version. */
export interface VersionRecord {
  readonly functionName: string;
  readonly version: number;
  readonly config: FunctionConfig;
  readonly revisionId: string;
  /** The `configRevision` of `$LATEST` this version was published from. */
  readonly configRevision: string;
  readonly lastModified: number;
  readonly createdAt: number;
}

/** An alias: a primary version and at most one extra weighted version. */
export interface AliasRecord {
  readonly functionName: string;
  readonly name: string;
  readonly functionVersion: string;
  readonly description: string;
  readonly additionalVersion?: { readonly version: string; readonly weight: number } | undefined;
  readonly revisionId: string;
}

/** Async invocation settings of one qualifier (`$LATEST`, a version or an alias). */
export interface EventInvokeConfigRecord {
  readonly functionName: string;
  readonly qualifier: string;
  readonly maximumRetryAttempts?: number | undefined;
  readonly maximumEventAgeInSeconds?: number | undefined;
  readonly onSuccess?: string | undefined;
  readonly onFailure?: string | undefined;
  readonly lastModified: number;
}

/** States of a queued event: pending → running → done | failed; running → pending to retry. */
export type AsyncEventState = "pending" | "running" | "done" | "failed";

/** An Event invocation as accepted by the API. */
export interface NewAsyncEvent {
  readonly id: string;
  readonly functionName: string;
  readonly qualifier?: string | undefined;
  readonly payload: Buffer;
  readonly requestId: string;
  readonly clientContext?: string | undefined;
  readonly traceId?: string | undefined;
  readonly enqueuedAt: number;
  readonly nextRunAt: number;
}

/** A queued event with its delivery state. */
export interface AsyncEventRecord extends NewAsyncEvent {
  readonly state: AsyncEventState;
  /** Claims so far, the current one included. */
  readonly attempts: number;
  readonly lockedBy?: string | undefined;
  readonly lockedUntil?: number | undefined;
  readonly lastError?: string | undefined;
  readonly finishedAt?: number | undefined;
}

/** The outcome of publishing a version. */
export type PublishResult =
  | { readonly kind: "published"; readonly version: VersionRecord }
  | { readonly kind: "not-found" }
  | { readonly kind: "conflict" };

/** The outcome of deleting a published version. */
export type DeleteVersionResult =
  | { readonly kind: "deleted" }
  | { readonly kind: "not-found" }
  | { readonly kind: "referenced"; readonly aliases: readonly string[] };

/** The outcome of writing an alias. */
export type AliasWriteResult =
  | { readonly kind: "ok" }
  | { readonly kind: "exists" }
  | { readonly kind: "not-found" }
  | { readonly kind: "conflict" }
  | { readonly kind: "missing-version"; readonly version: string };

/** The outcome of setting reserved concurrency. */
export type ConcurrencyResult = "ok" | "not-found" | "limit";

/** What publishing needs: the expected `$LATEST` revision and the snapshot to store. */
export interface PublishVersionInput {
  readonly functionName: string;
  /** `$LATEST` must still have this RevisionId, else the result is `conflict`. */
  readonly expectedRevisionId: string;
  /** The RevisionId `$LATEST` gets after publishing (AWS changes it). */
  readonly newLatestRevisionId: string;
  readonly version: Omit<VersionRecord, "version" | "functionName">;
}

/** The outcome of changing tags. */
export type TagsResult = "ok" | "not-found" | "limit";

/**
 * A change to the resource-based policy of a function (`qualifier` ""), a version or an alias:
 * `statement` adds one under `sid`, without it `sid` is removed.
 */
export interface PolicyChange {
  readonly functionName: string;
  readonly qualifier: string;
  readonly sid: string;
  readonly statement?: string | undefined;
  /** The function's (or the alias's) RevisionId must still be this, else `conflict`. */
  readonly expectedRevisionId?: string | undefined;
  /** The RevisionId the function or the alias gets; versions keep theirs. */
  readonly newRevisionId: string;
}

/** The outcome of a policy change. */
export type PolicyChangeResult = "ok" | "not-found" | "exists" | "no-statement" | "conflict";

/** One statement of a resource-based policy (JSON text), in the order they were added. */
export interface PolicyStatementRecord {
  readonly sid: string;
  readonly statement: string;
}

/** When and why a claimed event runs again. */
export interface EventRetry {
  readonly nextRunAt: number;
  readonly lastError: string;
  /** The claim did not run the function (throttled): its attempt is given back. */
  readonly notInvoked?: boolean | undefined;
}

/** Options of a claim on due events. */
export interface ClaimOptions {
  readonly now: number;
  readonly limit: number;
  /** The claim expires this long after `now`; an expired claim can be taken again. */
  readonly leaseMs: number;
  readonly owner: string;
}

/** The durable state of the platform. */
export interface Store {
  /** Inserts a function; false when one of that name exists. Its version counter starts at 1. */
  insertFunction(record: FunctionRecord): Promise<boolean>;
  /** The function named `name`, or undefined. */
  getFunction(name: string): Promise<FunctionRecord | undefined>;
  /** All functions, ordered by name. */
  listFunctions(): Promise<FunctionRecord[]>;
  /** Replaces a function's `$LATEST` if its RevisionId is still `expectedRevisionId`. */
  updateFunction(record: FunctionRecord, expectedRevisionId: string): Promise<boolean>;
  /** Deletes a function with its versions, aliases, event-invoke configs and policies. */
  deleteFunction(name: string): Promise<boolean>;

  /** Atomically checks `$LATEST`, takes the next version number, stores the snapshot and bumps the counter. */
  publishVersion(input: PublishVersionInput): Promise<PublishResult>;
  /** One published version, or undefined. */
  getVersion(functionName: string, version: number): Promise<VersionRecord | undefined>;
  /** A function's published versions, ascending. */
  listVersions(functionName: string): Promise<VersionRecord[]>;
  /** Deletes a version (and its policy) unless an alias routes to it. Its number is never reused. */
  deleteVersion(functionName: string, version: number): Promise<DeleteVersionResult>;

  /** Inserts an alias; its versions must exist. */
  insertAlias(record: AliasRecord): Promise<AliasWriteResult>;
  /** One alias, or undefined. */
  getAlias(functionName: string, name: string): Promise<AliasRecord | undefined>;
  /** A function's aliases, ordered by name. */
  listAliases(functionName: string): Promise<AliasRecord[]>;
  /** Replaces an alias if its RevisionId is still `expectedRevisionId`; its versions must exist. */
  updateAlias(record: AliasRecord, expectedRevisionId: string): Promise<AliasWriteResult>;
  /** Deletes an alias with its event-invoke config and policy. */
  deleteAlias(functionName: string, name: string): Promise<boolean>;

  /**
   * Sets (a number) or removes (undefined) a function's reserved concurrency. With `maxTotal`,
   * fails with `limit` when the sum of all reservations would exceed it.
   */
  setReservedConcurrency(
    functionName: string,
    value: number | undefined,
    maxTotal?: number,
  ): Promise<ConcurrencyResult>;

  /** Sets a function's recursive loop setting; false when the function does not exist. */
  setRecursiveLoop(functionName: string, value: RecursiveLoop): Promise<boolean>;

  /**
   * Merges `set` into a function's tags and removes the `remove` keys; fails with `limit` when
   * more than `max` would remain. The function gets `newRevisionId`.
   */
  updateTags(
    functionName: string,
    change: { readonly set: Readonly<Record<string, string>>; readonly remove: readonly string[] },
    max: number,
    newRevisionId: string,
  ): Promise<TagsResult>;

  /** Adds or removes one policy statement; the target (function, version or alias) must exist. */
  changePolicy(change: PolicyChange): Promise<PolicyChangeResult>;
  /** The policy statements of a function (`qualifier` ""), a version or an alias. */
  listPolicyStatements(functionName: string, qualifier: string): Promise<PolicyStatementRecord[]>;

  /** Inserts or replaces the event-invoke config of one qualifier. */
  putEventInvokeConfig(record: EventInvokeConfigRecord): Promise<void>;
  /** The event-invoke config of one qualifier, or undefined. */
  getEventInvokeConfig(functionName: string, qualifier: string): Promise<EventInvokeConfigRecord | undefined>;
  /** A function's event-invoke configs. */
  listEventInvokeConfigs(functionName: string): Promise<EventInvokeConfigRecord[]>;
  /** Deletes the event-invoke config of one qualifier. */
  deleteEventInvokeConfig(functionName: string, qualifier: string): Promise<boolean>;

  /** Durably queues an Event invocation (state pending, no attempts yet). */
  enqueueEvent(event: NewAsyncEvent): Promise<void>;
  /** Claims due events (pending and due, or running with an expired lease), oldest first. */
  claimEvents(options: ClaimOptions): Promise<AsyncEventRecord[]>;
  /** Marks a claimed event done; false when `owner` no longer holds it. */
  completeEvent(id: string, owner: string, at: number): Promise<boolean>;
  /**
   * Puts a claimed event back to pending, due at `nextRunAt` (retries, throttles). With
   * `notInvoked` the claim does not count as an attempt (a throttle never ran the function).
   */
  rescheduleEvent(id: string, owner: string, retry: EventRetry): Promise<boolean>;
  /** Marks a claimed event failed for good. */
  failEvent(id: string, owner: string, failure: { readonly at: number; readonly lastError: string }): Promise<boolean>;
  /**
   * Extends to `until` the lease of every event `owner` is running (a live node keeps its claims;
   * a dead node's expire); resolves to how many.
   */
  renewEventClaims(owner: string, until: number): Promise<number>;
  /** Returns every running event to pending (a single node restarting); resolves to how many. */
  releaseEventClaims(): Promise<number>;
  /** When the next event becomes claimable (due time or lease expiry), or undefined if none waits. */
  nextEventDueAt(): Promise<number | undefined>;
  /** One queued event, or undefined. */
  getEvent(id: string): Promise<AsyncEventRecord | undefined>;

  /** Releases the connection. */
  close(): Promise<void>;
}
