/**
 * A circuit breaker for one integration target, on the injected clock. Closed: requests go through
 * and outcomes are counted over a rolling window; the circuit opens when the failure rate reaches
 * its threshold (once the window holds minimumRequests) or after consecutiveFailures failures in a
 * row. Open: requests are refused at once until openMs has passed, then the circuit is half-open
 * and lets halfOpenProbes requests through: all succeeding closes it, one failing opens it again.
 */
import type { CircuitBreakerPolicy } from "../../domain/resilience-policy.js";
import type { Clock } from "../../shared/clock.js";
import { RollingWindow } from "./rolling-window.js";

export type CircuitState = "closed" | "open" | "half-open";

/** Told of every change of state. */
export type CircuitListener = (from: CircuitState, to: CircuitState) => void;

/** One target's circuit. */
export class CircuitBreaker {
  readonly #p: CircuitBreakerPolicy;
  readonly #clock: Clock;
  readonly #onChange: CircuitListener | undefined;
  /** Requests (a) and failures (b) while closed. */
  readonly #window: RollingWindow;
  #state: CircuitState = "closed";
  #consecutive = 0;
  #openedAt = 0;
  #probesStarted = 0;
  #probesPassed = 0;

  constructor(p: CircuitBreakerPolicy, clock: Clock, onChange?: CircuitListener) {
    this.#p = p;
    this.#clock = clock;
    this.#onChange = onChange;
    this.#window = new RollingWindow(p.windowMs);
  }

  /** The state now (an open circuit whose time is up reads half-open). */
  get state(): CircuitState {
    if (this.#state === "open" && this.#clock.now() - this.#openedAt >= this.#p.openMs) this.#move("half-open");
    return this.#state;
  }

  /** Whether a request may go to the target now; a true from a half-open circuit takes a probe. */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === "closed") return true;
    if (state === "open" || this.#probesStarted >= this.#p.halfOpenProbes) return false;
    this.#probesStarted++;
    return true;
  }

  /**
   * Whether tryAcquire() would refuse now, without taking a probe: the open circuit's fast path
   * asks this before it commits to answering without the target.
   */
  refuses(): boolean {
    const state = this.state;
    return state === "open" || (state === "half-open" && this.#probesStarted >= this.#p.halfOpenProbes);
  }

  /** Counts the outcome of a request tryAcquire() let through. */
  record(failed: boolean): void {
    if (this.#state === "half-open") {
      if (failed) return this.#open();
      if (++this.#probesPassed >= this.#p.halfOpenProbes) this.#move("closed");
      return;
    }
    // An outcome arriving after the circuit opened (a request that was already under way) changes nothing.
    if (this.#state === "open") return;
    const now = this.#clock.now();
    this.#window.add(now, 1, failed ? 1 : 0);
    this.#consecutive = failed ? this.#consecutive + 1 : 0;
    if (failed && this.#tripped(now)) this.#open();
  }

  #tripped(now: number): boolean {
    const p = this.#p;
    if (p.consecutiveFailures !== undefined && this.#consecutive >= p.consecutiveFailures) return true;
    if (p.failureRatePercent === undefined) return false;
    const total = this.#window.sumA(now);
    return total >= p.minimumRequests && this.#window.sumB(now) * 100 >= p.failureRatePercent * total;
  }

  #open(): void {
    this.#openedAt = this.#clock.now();
    this.#move("open");
  }

  #move(to: CircuitState): void {
    const from = this.#state;
    this.#state = to;
    this.#probesStarted = 0;
    this.#probesPassed = 0;
    this.#consecutive = 0;
    if (to === "closed") this.#window.reset();
    if (from !== to) this.#onChange?.(from, to);
  }
}
