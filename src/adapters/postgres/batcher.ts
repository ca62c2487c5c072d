/**
 * Coalesces single writes into batches: while one batch is being written, the writes that arrive
 * wait and go together in the next one. Each caller still resolves only once its own write has
 * committed, so nothing is acknowledged early; under concurrency many writes share one commit
 * (one WAL flush) instead of paying one each. With no concurrency a write goes out at once.
 */
export class Batcher<T, R> {
  readonly #write: (items: readonly T[]) => Promise<readonly R[]>;
  readonly #max: number;
  #queue: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  #writing = false;

  /** `write` must resolve to one result per item, in order. */
  constructor(write: (items: readonly T[]) => Promise<readonly R[]>, max = 500) {
    this.#write = write;
    this.#max = max;
  }

  /** Queues `item`; resolves with its result once its batch is written. */
  run(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      if (!this.#writing) void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    this.#writing = true;
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#max);
      try {
        const results = await this.#write(batch.map((b) => b.item));
        batch.forEach((b, i) => b.resolve(results[i] as R));
      } catch (e) {
        for (const b of batch) b.reject(e);
      }
    }
    this.#writing = false;
  }
}
