/**
 * Fires the scheduled rules on the platform clock (so `--time-scale` speeds schedules up). Only the
 * cluster's leader fires (a single node always does). Each tick is claimed in the store before it
 * fires (compare-and-set of the rule's last firing), so a tick is fired once even across a leader
 * change or a restart; after a node was down, only the latest missed tick fires, once (which tick
 * is due: schedule-ticks.ts).
 */
import type { Clock } from "../shared/clock.js";
import { eventTime, wholeEvent } from "./put-events.js";
import { deliverToTargets } from "./target-delivery.js";
import type { EventBusService } from "./event-bus-service.js";
import type { CompiledRule } from "./rule-cache.js";
import { deliverSchedule } from "./schedule-delivery.js";
import { dueTick, hashedFlexOffset, nextDueAt, tickAfter, type FlexOffset } from "./schedule-ticks.js";

export interface RuleSchedulerOptions {
  readonly service: EventBusService;
  readonly clock: Clock;
  /** True while this node may fire (the leader); default always. */
  readonly isLeader?: (() => boolean) | undefined;
  /** Look again at least this often (platform ms): rules changed on other nodes, leadership. */
  readonly maxSleepMs?: number | undefined;
  readonly onError?: ((message: string, error: unknown) => void) | undefined;
  /** Where in a FLEXIBLE window a schedule's tick is delivered; default a pseudo-random offset per tick. */
  readonly flexOffset?: FlexOffset | undefined;
}

/** See the file comment. */
export class RuleScheduler {
  readonly #o: RuleSchedulerOptions;
  readonly #offset: FlexOffset;
  #cancel: (() => void) | undefined;
  #running = false;
  #pass: Promise<void> | undefined;

  constructor(options: RuleSchedulerOptions) {
    this.#o = options;
    this.#offset = options.flexOffset ?? hashedFlexOffset;
  }

  start(): void {
    this.#running = true;
    this.wake();
  }

  /** Looks at the schedules now (a rule changed). */
  wake(): void {
    if (!this.#running || this.#pass) return;
    this.#cancel?.();
    this.#pass = this.runOnce()
      .catch((e: unknown) => this.#o.onError?.("scheduled rules", e))
      .finally(() => {
        this.#pass = undefined;
        this.#arm();
      });
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#cancel?.();
    await this.#pass;
  }

  /** Fires every rule whose tick is due (the latest due tick of each); resolves when they are queued. */
  async runOnce(): Promise<void> {
    if (!(this.#o.isLeader?.() ?? true)) return;
    const now = this.#o.clock.now();
    const due: Promise<void>[] = [];
    for (const rule of this.#o.service.cache.scheduled()) {
      const tick = dueTick(rule, now, this.#offset);
      if (tick !== undefined) due.push(this.#fireFrom(rule, tick, now));
    }
    await Promise.all(due);
  }

  /** Fires `tick`, then each later tick also due (several flexible windows may end at once). */
  async #fireFrom(rule: CompiledRule, tick: number, now: number): Promise<void> {
    for (let t: number | undefined = tick; t !== undefined;) {
      if (!(await this.#fire(rule, t))) return;
      const next = dueTick(rule, now, this.#offset);
      t = next !== undefined && next > t ? next : undefined;
    }
  }

  /**
   * Fires `rule` now, by hand (`haneul dev trigger`), whatever its schedule: its targets get the
   * event of a tick at this instant. The schedule's own ticks are not claimed or moved.
   */
  fireNow(rule: CompiledRule): Promise<void> {
    return this.#deliver(rule, this.#o.clock.now(), { manual: true });
  }

  async #fire(rule: CompiledRule, tick: number): Promise<boolean> {
    if (!(await this.#o.service.claimTick(rule, tick))) return false;
    await this.#deliver(rule, tick, { manual: false });
    return true;
  }

  async #deliver(rule: CompiledRule, tick: number, o: { manual: boolean }): Promise<void> {
    const svc = this.#o.service;
    const r = rule.record;
    if (r.schedule) {
      // Scheduler: the target's Input as it is; a schedule that will not fire again may go.
      await deliverSchedule(svc, r);
      const done = tickAfter(rule, tick) === undefined;
      if (!o.manual && done && r.schedule.actionAfterCompletion === "DELETE")
        await svc.deleteRuleRecord(r.busName, r.name);
      return;
    }
    const event = {
      version: "0",
      id: svc.ids.requestId(),
      "detail-type": "Scheduled Event",
      source: "aws.events",
      account: svc.scope.accountId,
      time: eventTime(tick),
      region: svc.scope.region,
      resources: [r.arn],
      detail: {},
    };
    const ingestionTime = eventTime(this.#o.clock.now());
    await deliverToTargets(svc, r, { event, ingestionTime, whole: wholeEvent(event) });
  }

  #arm(): void {
    if (!this.#running) return;
    const now = this.#o.clock.now();
    let next = now + (this.#o.maxSleepMs ?? 60_000);
    for (const rule of this.#o.service.cache.scheduled()) {
      const t = nextDueAt(rule, now, this.#offset);
      if (t !== undefined && t < next) next = t;
    }
    this.#cancel = this.#o.clock.setTimer(() => this.wake(), Math.max(0, next - now));
  }
}
