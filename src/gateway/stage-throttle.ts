/**
 * Stage throttling (REST MethodSettings `throttling/*`, HTTP DefaultRouteSettings and
 * RouteSettings): a token bucket per route of the stage, as API Gateway's default per-method
 * limits are. Buckets live on this node (AWS's limits are approximate and per region too); they
 * start full when the stage's throttle settings change, and are kept across other changes.
 */
import { ACCOUNT_BURST_LIMIT, ACCOUNT_RATE_LIMIT, type StageThrottleSettings } from "../domain/deployed-api.js";
import type { ThrottleSettings } from "../domain/usage-plans.js";
import { TokenBucket } from "./token-bucket.js";

/** One stage's buckets by route key. */
export class StageThrottle {
  readonly #settings: StageThrottleSettings;
  readonly #key: string;
  readonly #buckets = new Map<string, TokenBucket | null>();

  constructor(settings: StageThrottleSettings) {
    this.#settings = settings;
    this.#key = JSON.stringify(settings);
  }

  /** `before` when its settings are `settings` (its buckets go on), else a new one with full buckets. */
  static keep(before: StageThrottle | undefined, settings: StageThrottleSettings): StageThrottle {
    return before !== undefined && before.#key === JSON.stringify(settings) ? before : new StageThrottle(settings);
  }

  /** Takes a token for a request to `routeKey` at `now` (monotonic ms); false when throttled. */
  take(routeKey: string, now: number): boolean {
    let b = this.#buckets.get(routeKey);
    if (b === undefined) {
      const limits = this.#settings.routes[routeKey] ?? this.#settings.all;
      b = limits ? bucketOf(limits, now) : null;
      this.#buckets.set(routeKey, b);
    }
    return b === null || b.take(now);
  }
}

function bucketOf(t: ThrottleSettings, now: number): TokenBucket {
  return new TokenBucket(t.rateLimit ?? ACCOUNT_RATE_LIMIT, t.burstLimit ?? ACCOUNT_BURST_LIMIT, now);
}
