/**
 * Usage plan quotas counted cluster-wide without a store round trip per request. Each node counts
 * requests in memory and, every `flushMs`, adds its counts to the store in one batch and reads
 * back each active key's total for its quota period. A request is let through while the last
 * total read plus this node's unflushed count is under the limit. The trade-off: between flushes
 * the nodes do not see each other's requests, so a quota can be overshot by up to what the other
 * nodes serve in one interval (AWS documents its own quotas as approximate too); a key's first
 * request on a node is counted against the stored total once the first read lands.
 */
import { dayOf, quotaWindow, type QuotaSettings } from "../domain/usage-plans.js";
import type { UsageCount, UsagePlanStore } from "../ports/usage-plan-store.js";
import type { Clock } from "../shared/clock.js";
import type { QuotaGate } from "./usage-limits.js";

interface Entry {
  readonly planId: string;
  readonly keyId: string;
  quota: QuotaSettings;
  /** The period's first and last day, and the day requests are counted on now. */
  from: string;
  to: string;
  day: string;
  /** When `day` ends (epoch ms): the window is recomputed then, not per request. */
  dayEndsAt: number;
  /** The period's total in the store when last read. */
  stored: number;
  /** Counted here since the last flush, by day. */
  pending: Map<string, number>;
  pendingTotal: number;
}

export interface QuotaLedgerOptions {
  readonly store: UsagePlanStore;
  readonly clock: Clock;
  /** How often counts are written and totals read (default 1000 ms). */
  readonly flushMs?: number | undefined;
  readonly onError?: ((message: string, error: unknown) => void) | undefined;
}

const DAY_MS = 86_400_000;

/** Counts quota use per plan and key; see the file comment. */
export class QuotaLedger implements QuotaGate {
  readonly #o: QuotaLedgerOptions;
  readonly #entries = new Map<string, Entry>();
  #cancel: (() => void) | undefined;
  #flushing: Promise<void> | undefined;

  constructor(o: QuotaLedgerOptions) {
    this.#o = o;
  }

  /** Counts one request; false (nothing counted) when the key's quota for the period is used up. */
  take(o: { planId: string; keyId: string; quota: QuotaSettings; now: number }): boolean {
    const id = `${o.planId}\n${o.keyId}`;
    let e = this.#entries.get(id);
    if (!e) {
      e = newEntry(o.planId, o.keyId, o.quota);
      this.#entries.set(id, e);
    }
    if (o.now >= e.dayEndsAt || e.quota !== o.quota) this.#roll(e, o.quota, o.now);
    if (e.stored + e.pendingTotal >= o.quota.limit) return false;
    e.pending.set(e.day, (e.pending.get(e.day) ?? 0) + 1);
    e.pendingTotal++;
    return true;
  }

  /** Writes this node's counts and reads back every active key's total. */
  flush(): Promise<void> {
    this.#flushing ??= this.#flush().finally(() => (this.#flushing = undefined));
    return this.#flushing;
  }

  /** Starts flushing every `flushMs`. */
  start(): void {
    const every = this.#o.flushMs ?? 1000;
    const tick = (): void => {
      this.#cancel = this.#o.clock.setTimer(() => {
        void this.flush()
          .catch((e: unknown) => this.#o.onError?.("usage plan quota counts could not be written", e))
          .finally(() => {
            if (this.#cancel) tick();
          });
      }, every);
    };
    tick();
  }

  /** Stops the timer and writes what is left. */
  async stop(): Promise<void> {
    this.#cancel?.();
    this.#cancel = undefined;
    await this.flush();
  }

  #roll(e: Entry, quota: QuotaSettings, now: number): void {
    const w = quotaWindow(quota, now);
    const periodChanged = w.from !== e.from;
    e.quota = quota;
    e.from = w.from;
    e.to = w.to;
    e.day = dayOf(now);
    e.dayEndsAt = Math.floor(now / DAY_MS) * DAY_MS + DAY_MS;
    // A new period starts from nothing (its counts, if any, come with the next read).
    if (periodChanged) {
      e.stored = 0;
      e.pendingTotal = [...e.pending].filter(([d]) => d >= w.from).reduce((s, [, n]) => s + n, 0);
    }
  }

  async #flush(): Promise<void> {
    const batch: UsageCount[] = [];
    const taken = new Map<Entry, number>();
    for (const e of this.#entries.values()) {
      if (e.pending.size === 0) continue;
      for (const [day, count] of e.pending) batch.push({ planId: e.planId, keyId: e.keyId, day, count });
      taken.set(e, e.pendingTotal);
      e.pending = new Map();
    }
    try {
      await this.#o.store.addUsage(batch);
    } catch (error) {
      // Put back, so that nothing counted is lost: the next flush writes them.
      for (const c of batch) {
        const e = this.#entries.get(`${c.planId}\n${c.keyId}`);
        e?.pending.set(c.day, (e.pending.get(c.day) ?? 0) + c.count);
      }
      throw error;
    }
    for (const e of this.#entries.values()) {
      const from = e.from;
      const counts = await this.#o.store.listUsage({ planId: e.planId, keyId: e.keyId, from, to: e.to });
      if (e.from !== from) continue;
      e.stored = counts.reduce((s, c) => s + c.count, 0);
      // Counts flushed above are in `stored` now; those made since stay pending.
      e.pendingTotal -= taken.get(e) ?? 0;
    }
  }
}

function newEntry(planId: string, keyId: string, quota: QuotaSettings): Entry {
  return {
    planId,
    keyId,
    quota,
    from: "",
    to: "",
    day: "",
    dayEndsAt: 0,
    stored: 0,
    pending: new Map(),
    pendingTotal: 0,
  };
}
