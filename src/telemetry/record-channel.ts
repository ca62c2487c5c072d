import type { InvocationRecord } from "../domain/invocation.js";

/** Receives every invocation record, one at a time. */
export type RecordListener = (record: InvocationRecord) => void;

/**
 * Where the invoker hands its records: a channel in the `diagnostics_channel` habit. With no
 * subscriber, `publish` returns at once; with some, records are queued and handed to every
 * subscriber after the current turn of the event loop, off the request's path. A subscriber that
 * throws does not stop the others (`onListenerError` hears of it).
 * @example const channel = new RecordChannel(); channel.subscribe((r) => count(r)); invoker({ onRecord: channel.publish });
 */
export class RecordChannel {
  #listeners: readonly RecordListener[] = [];
  #queue: InvocationRecord[] = [];
  #scheduled = false;
  readonly #onListenerError: (error: unknown) => void;

  constructor(o: { readonly onListenerError?: (error: unknown) => void } = {}) {
    this.#onListenerError = o.onListenerError ?? (() => undefined);
  }

  /** True while someone listens. */
  get hasSubscribers(): boolean {
    return this.#listeners.length > 0;
  }

  /** Hands `record` to every subscriber (later, in a batch); costs nothing without subscribers. */
  readonly publish = (record: InvocationRecord): void => {
    if (this.#listeners.length === 0) return;
    this.#queue.push(record);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(this.#drain);
  };

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: RecordListener): () => void {
    this.#listeners = [...this.#listeners, listener];
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  /** Hands every queued record to the subscribers now (a node stopping, a test). */
  flush(): void {
    this.#drain();
  }

  readonly #drain = (): void => {
    this.#scheduled = false;
    const batch = this.#queue;
    if (batch.length === 0) return;
    this.#queue = [];
    const listeners = this.#listeners;
    for (const record of batch) {
      for (const listener of listeners) {
        try {
          listener(record);
        } catch (e) {
          this.#onListenerError(e);
        }
      }
    }
  };
}
