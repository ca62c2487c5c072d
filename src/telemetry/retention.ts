import type { LogStore } from "../ports/log-store.js";
import type { Clock } from "../shared/clock.js";

/**
 * Enforces the log groups' retention: every `everyMs` of the platform clock (default a minute),
 * events older than their group's retention are deleted. Idempotent, so every node may run it.
 */
export class RetentionSweeper {
  readonly #store: LogStore;
  readonly #clock: Clock;
  readonly #everyMs: number;
  readonly #onError: (e: unknown) => void;
  #cancel: (() => void) | undefined;
  #running: Promise<number> = Promise.resolve(0);

  constructor(o: {
    readonly store: LogStore;
    readonly clock: Clock;
    readonly everyMs?: number;
    readonly onError: (e: unknown) => void;
  }) {
    this.#store = o.store;
    this.#clock = o.clock;
    this.#everyMs = o.everyMs ?? 60_000;
    this.#onError = o.onError;
  }

  /** Starts sweeping (the first sweep after one period). */
  start(): void {
    this.#cancel = this.#clock.setTimer(() => {
      void this.sweep().finally(() => {
        if (this.#cancel) this.start();
      });
    }, this.#everyMs);
  }

  /** Deletes the expired events now; resolves to how many. */
  sweep(): Promise<number> {
    this.#running = this.#store.expire(this.#clock.now()).catch((e: unknown) => {
      this.#onError(e);
      return 0;
    });
    return this.#running;
  }

  /** Stops sweeping; resolves once a running sweep is over. */
  async stop(): Promise<void> {
    this.#cancel?.();
    this.#cancel = undefined;
    await this.#running;
  }
}
