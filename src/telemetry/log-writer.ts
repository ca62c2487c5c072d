import type { InvocationRecord } from "../domain/invocation.js";
import type { LogEventInput, LogStore } from "../ports/log-store.js";
import type { Clock } from "../shared/clock.js";
import { functionLogGroup, invocationEvents } from "./log-events.js";

/** How the platform's writer batches its events into the log store. */
export interface LogWriterOptions {
  readonly store: LogStore;
  /** The platform clock: ingestion times and the flush timer. */
  readonly clock: Clock;
  /** How long events wait before they are written (default 200 ms). */
  readonly flushMs?: number | undefined;
  /** Most events held while the store is slower than the functions (default 200 000); more are dropped. */
  readonly maxPending?: number | undefined;
  /** The log group of a record (default `/aws/lambda/<function>`; LoggingConfig.LogGroup when set). */
  readonly groupOf?: ((record: InvocationRecord) => string) | undefined;
  readonly onError: (message: string, error?: unknown) => void;
}

/**
 * Writes invocation records to the log store: each record becomes its events (formatted here, off
 * the request's path), held and written in one batch every `flushMs`. Memory is bounded: past
 * `maxPending` events, records are dropped and counted.
 */
export class LogWriter {
  readonly #o: LogWriterOptions;
  #pending: LogEventInput[] = [];
  #cancelTimer: (() => void) | undefined;
  #writing: Promise<void> = Promise.resolve();
  #dropped = 0;

  constructor(options: LogWriterOptions) {
    this.#o = options;
  }

  /** Events dropped because the store fell behind. */
  get dropped(): number {
    return this.#dropped;
  }

  /** The record listener: subscribe it to the node's record channel. */
  readonly write = (record: InvocationRecord): void => {
    const max = this.#o.maxPending ?? 200_000;
    if (this.#pending.length >= max) {
      if (this.#dropped++ === 0) this.#o.onError("the log store falls behind: invocation logs are being dropped");
      return;
    }
    const group = this.#o.groupOf?.(record) ?? record.logging?.group ?? functionLogGroup(record.functionName);
    invocationEvents(record, group, this.#pending);
    this.#cancelTimer ??= this.#o.clock.setTimer(() => void this.flush(), this.#o.flushMs ?? 200);
  };

  /** Queues one line the platform writes itself (a notice in a function's log), stored with the next batch. */
  readonly line = (event: LogEventInput): void => {
    if (this.#pending.length >= (this.#o.maxPending ?? 200_000)) return;
    this.#pending.push(event);
    this.#cancelTimer ??= this.#o.clock.setTimer(() => void this.flush(), this.#o.flushMs ?? 200);
  };

  /** Writes what is held now; resolves when it (and every earlier write) is stored. */
  flush(): Promise<void> {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    const batch = this.#pending;
    if (batch.length > 0) {
      this.#pending = [];
      this.#writing = this.#writing.then(() =>
        this.#o.store
          .append(batch, this.#o.clock.now(), { create: true })
          .catch((e: unknown) => this.#o.onError(`${batch.length} log events could not be stored`, e)),
      );
    }
    return this.#writing;
  }
}
