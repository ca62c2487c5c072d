/** What the event source mapping feature works with, as the Lambda API names it. */
import type { MappingRecord } from "../ports/mapping-store.js";
import type { InvokeService } from "../ports/invoke-service.js";
import type { RecursiveLoop } from "../domain/recursion.js";
import type { Clock } from "../shared/clock.js";

export type Json = Record<string, unknown>;

/** The function a mapping invokes, as the control plane resolves a FunctionName. */
export interface MappedFunction {
  readonly functionName: string;
  readonly qualifier?: string | undefined;
  /** Qualified when the FunctionName named a version or alias. */
  readonly functionArn: string;
  readonly timeoutSec: number;
  /** The function's execution role (stream events name it as invokeIdentityArn). */
  readonly roleArn?: string | undefined;
}

/** The functions mappings invoke: looked up in the control plane's memory. */
export interface MappingFunctions {
  /** The function `name` (name, ARN or partial ARN, optionally qualified), or undefined when it does not exist. */
  resolve(name: string): MappedFunction | undefined;
  /** The function's reserved concurrency, or undefined when it has none. */
  reservedConcurrency(functionName: string): number | undefined;
  /** The function's RecursiveLoop setting (undefined: Terminate). */
  recursiveLoop(functionName: string): RecursiveLoop | undefined;
}

/** What a running mapping needs from the node. */
export interface WorkerContext {
  readonly clock: Clock;
  readonly invoker: InvokeService;
  readonly functions: MappingFunctions;
  readonly region: string;
  readonly log: (message: string, error?: unknown) => void;
  /** Told when messages are not handed to a function because their chain loops (RecursiveInvocationsDropped). */
  readonly onRecursionStopped?: ((o: { functionName: string; messages: number }) => void) | undefined;
  /** A fresh request id (the batch-info records of discarded stream batches). */
  readonly requestId: () => string;
  /** Sends a message body to a queue or topic ARN (stream mappings' OnFailure destination); rejects when it cannot. */
  readonly sendToDestination?: ((arn: string, body: string) => Promise<void>) | undefined;
  /** A stream batch leaves for the function: the age of its last record (the IteratorAge metric). */
  readonly onIteratorAge?:
    ((o: { functionName: string; qualifier?: string | undefined; ageMs: number; at: number }) => void) | undefined;
}

/** A mapping consuming its source on this node. */
export interface MappingWorker {
  /** The mapping's settings or function changed (it stays enabled). */
  update(mapping: MappingRecord): void;
  /** Stops polling; resolves once no batch of this worker is being processed. */
  stop(): Promise<void>;
}

/**
 * A kind of event source (SQS now; Kinesis, DynamoDB streams later): how its settings are
 * checked and shown, and how a mapping on it is consumed. The mapping service and runner know
 * nothing else of a source.
 */
export interface EventSourceKind {
  /** The ARN's service (`sqs`, `kinesis`, …). */
  readonly service: string;
  /**
   * Checks the source-specific parameters of a create (`previous` undefined) or an update and
   * returns the settings to store (defaults filled in). Throws AWS's errors.
   */
  settings(
    arn: string,
    input: Json,
    o: { readonly previous?: Readonly<Record<string, unknown>> | undefined; readonly fn: MappedFunction },
  ): Promise<Record<string, unknown>>;
  /** The source-specific members of EventSourceMappingConfiguration. */
  view(settings: Readonly<Record<string, unknown>>): Json;
  /** Starts consuming an enabled mapping. */
  start(mapping: MappingRecord, ctx: WorkerContext): MappingWorker;
  /** Drops what the source kept for a deleted mapping (a stream's checkpoints). */
  forget?(uuid: string): Promise<void>;
}
