import type { InvocationRecord } from "../domain/invocation.js";
import { LogBatchBuilder } from "../domain/log-batch.js";
import type { LogEventInput, LogStore } from "../ports/log-store.js";
import type { Clock } from "../shared/clock.js";
import { functionLogGroup } from "./log-events.js";

/** How the platform's writer batches its events into the log store. */
export interface LogWriterOptions {
  /** Only its batch append is used. */
  readonly store: Pick<LogStore, "appendBatch">;
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
 * Writes invocation records to the log store: each record is held raw (its numbers and the strings
 * it already had, in flat arrays: no object per event) and written in one batch every `flushMs`;
 * the store makes the records' events (START, END, REPORT…), on its append thread when it has one.
 * Memory is bounded: past `maxPending` events, records are dropped and counted.
 */
export class LogWriter {
  readonly #o: LogWriterOptions;
  readonly #pending = new LogBatchBuilder();
  /** The group of the last record's function (names are made once per function, not per record). */
  #lastFunction = "";
  #lastGroup = "";
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
    if (this.#pending.events >= max) {
      if (this.#dropped++ === 0) this.#o.onError("the log store falls behind: invocation logs are being dropped");
      return;
    }
    this.#pending.addInvocation(record, this.#o.groupOf?.(record) ?? record.logging?.group ?? this.#groupOf(record));
    this.#cancelTimer ??= this.#o.clock.setTimer(() => void this.flush(), this.#o.flushMs ?? 200);
  };

  /** Queues one line the platform writes itself (a notice in a function's log), stored with the next batch. */
  readonly line = (event: LogEventInput): void => {
    if (this.#pending.events >= (this.#o.maxPending ?? 200_000)) return;
    this.#pending.addEvent(event.groupName, event.streamName, event.timestamp, event.message);
    this.#cancelTimer ??= this.#o.clock.setTimer(() => void this.flush(), this.#o.flushMs ?? 200);
  };

  /** Writes what is held now; resolves when it (and every earlier write) is stored. */
  flush(): Promise<void> {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    const batch = this.#pending.take();
    if (batch) {
      this.#writing = this.#writing.then(() =>
        this.#o.store
          .appendBatch(batch, this.#o.clock.now())
          .catch((e: unknown) => this.#o.onError(`${batch.events} log events could not be stored`, e)),
      );
    }
    return this.#writing;
  }

  #groupOf(record: InvocationRecord): string {
    if (record.functionName !== this.#lastFunction) {
      this.#lastFunction = record.functionName;
      this.#lastGroup = functionLogGroup(record.functionName);
    }
    return this.#lastGroup;
  }
}
