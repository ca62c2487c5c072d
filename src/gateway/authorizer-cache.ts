import type { Clock } from "../shared/clock.js";

/**
 * Authorizer results by identity value, for `authorizerResultTtlInSeconds`. Time comes from the
 * injected clock; the oldest entries go first once `maxEntries` is reached.
 */
export class AuthorizerCache<V> {
  readonly #entries = new Map<string, { value: V; expiresAt: number }>();
  readonly #clock: Clock;
  readonly #maxEntries: number;

  constructor(clock: Clock, maxEntries = 10_000) {
    this.#clock = clock;
    this.#maxEntries = maxEntries;
  }

  /** The live value for `key`, if any. */
  get(key: string): V | undefined {
    const e = this.#entries.get(key);
    if (!e) return undefined;
    if (e.expiresAt <= this.#clock.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  /** Stores `value` for `ttlSeconds`; a TTL of 0 stores nothing. */
  set(key: string, value: V, ttlSeconds: number): void {
    if (ttlSeconds <= 0) return;
    if (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, { value, expiresAt: this.#clock.now() + ttlSeconds * 1000 });
  }
}
