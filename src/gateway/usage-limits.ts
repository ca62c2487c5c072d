/**
 * API keys and usage plans in the data plane: compiled once per `setUsage()` into a table by
 * stage and key value, so that a request needing a key costs two map lookups, a token bucket or
 * two and (with a quota) one in-memory counter; nothing here reads the store. Token buckets live
 * on this node (AWS's are per region and approximate too); quotas are counted cluster-wide by the
 * QuotaGate (see quota-ledger.ts).
 */
import type { QuotaSettings, ThrottleSettings, UsageSnapshot } from "../domain/usage-plans.js";
import { TokenBucket } from "./token-bucket.js";

/** One enabled key's entitlement on one stage: the plan that covers it there. */
interface Entitlement {
  readonly keyId: string;
  readonly planId: string;
  readonly throttle: ThrottleSettings | undefined;
  readonly quota: QuotaSettings | undefined;
  /** `/resource/path/METHOD` → per-method throttle. */
  readonly methods: ReadonlyMap<string, ThrottleSettings>;
}

/** Counts a request against a key's quota; false when the quota is used up. */
export interface QuotaGate {
  take(o: { planId: string; keyId: string; quota: QuotaSettings; now: number }): boolean;
}

/** Why a request with a key was refused, or the id of the key it may go on with. */
export type UsageVerdict = "invalid-api-key" | "throttled" | "quota-exceeded" | { readonly keyId: string };

/** A throttle's token bucket (null: no rate limit) and the settings it was made for. */
interface Bucket {
  readonly bucket: TokenBucket | null;
  readonly rate: number | undefined;
  readonly burst: number | undefined;
}

/** Keys by value, per `apiId/stage`, with their buckets. */
export class UsageLimits {
  readonly #stages = new Map<string, Map<string, Entitlement>>();
  readonly #buckets = new Map<string, Bucket>();

  /**
   * The table for `snapshot`. The buckets of `before` go on for the plan and key pairs that are
   * still entitled (a bucket whose throttle settings changed starts full when next used), so that
   * a change to another key or plan does not hand every key a fresh burst.
   */
  constructor(snapshot: UsageSnapshot, before?: UsageLimits) {
    const plans = new Map(snapshot.plans.map((p) => [p.id, p]));
    const keys = new Map(snapshot.keys.map((k) => [k.id, k]));
    for (const pk of snapshot.planKeys) {
      const plan = plans.get(pk.planId);
      const key = keys.get(pk.keyId);
      // A disabled key is as good as none: AWS answers 403 for it.
      if (!plan || !key || !key.enabled) continue;
      for (const s of plan.apiStages) {
        const stageKey = `${s.apiId}/${s.stage}`;
        let byValue = this.#stages.get(stageKey);
        if (!byValue) this.#stages.set(stageKey, (byValue = new Map<string, Entitlement>()));
        byValue.set(key.value, {
          keyId: key.id,
          planId: plan.id,
          throttle: plan.throttle,
          quota: plan.quota,
          methods: new Map(Object.entries(s.throttle ?? {})),
        });
      }
    }
    if (before) this.#inherit(before);
  }

  #inherit(before: UsageLimits): void {
    const entitled = new Set<string>();
    for (const byValue of this.#stages.values())
      for (const e of byValue.values()) entitled.add(`${e.planId}\n${e.keyId}`);
    for (const [id, b] of before.#buckets) {
      const [planId, keyId] = id.split("\n");
      if (entitled.has(`${planId}\n${keyId}`)) this.#buckets.set(id, b);
    }
  }

  /**
   * Checks a request to `route` (`/resource/path` and `METHOD`) on `apiId/stage` made with key
   * `value`: the key must be enabled and in a plan covering the stage, under its throttles and quota.
   */
  check(o: {
    apiId: string;
    stage: string;
    value: string | undefined;
    resourcePath: string;
    method: string;
    monotonicNow: number;
    now: number;
    quota: QuotaGate | undefined;
  }): UsageVerdict {
    if (o.value === undefined) return "invalid-api-key";
    const e = this.#stages.get(`${o.apiId}/${o.stage}`)?.get(o.value);
    if (!e) return "invalid-api-key";
    const methodKey = `${o.resourcePath}/${o.method}`;
    const perMethod = e.methods.get(methodKey) ?? e.methods.get("/*/*");
    if (perMethod && !this.#take(`${e.planId}\n${e.keyId}\n${methodKey}`, perMethod, o.monotonicNow)) {
      return "throttled";
    }
    if (e.throttle && !this.#take(`${e.planId}\n${e.keyId}`, e.throttle, o.monotonicNow)) return "throttled";
    if (e.quota && o.quota && !o.quota.take({ planId: e.planId, keyId: e.keyId, quota: e.quota, now: o.now })) {
      return "quota-exceeded";
    }
    return e;
  }

  #take(id: string, t: ThrottleSettings, now: number): boolean {
    let b = this.#buckets.get(id);
    if (b === undefined || b.rate !== t.rateLimit || b.burst !== t.burstLimit) {
      b = { bucket: bucketOf(t, now), rate: t.rateLimit, burst: t.burstLimit };
      this.#buckets.set(id, b);
    }
    return b.bucket === null || b.bucket.take(now);
  }
}

// No rate limit set: not throttled. A burst left unset is the rate (one second's worth, at least 1).
function bucketOf(t: ThrottleSettings, now: number): TokenBucket | null {
  if (t.rateLimit === undefined) return null;
  return new TokenBucket(t.rateLimit, t.burstLimit ?? Math.max(1, Math.ceil(t.rateLimit)), now);
}
