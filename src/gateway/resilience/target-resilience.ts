/**
 * The resilience of one integration target: its bulkhead, circuit breaker and retry budget, put
 * around each call of the integration. Order: a slot of the bulkhead (or 429 at once or after the
 * wait), then per attempt the circuit (open: the fallback at once, the backend never called), then
 * retries of failed attempts while the method may be retried, attempts remain and the budget holds.
 */
import type { ResiliencePolicy } from "../../domain/resilience-policy.js";
import type { Clock } from "../../shared/clock.js";
import { sleep } from "../../shared/clock.js";
import type { RandomSource } from "../../shared/random.js";
import type { IntegrationResult } from "../integration.js";
import { Bulkhead } from "./bulkhead.js";
import { CircuitBreaker, type CircuitState } from "./circuit-breaker.js";
import { RetryBudget } from "./retry-budget.js";

/** Something that happened to a target, for metrics and logs. */
export type ResilienceEvent =
  | { readonly kind: "state"; readonly from: CircuitState; readonly to: CircuitState }
  | { readonly kind: "rejected" | "retry" | "bulkhead-full" };

/** Where a target's events go: its API and a name of the target (URI or function). */
export type ResilienceListener = (e: ResilienceEvent & { readonly apiId: string; readonly target: string }) => void;

/** Integration errors that count as the target failing (a client's own mistakes do not). */
const FAILURES = new Set(["timeout", "integration-failure", "lambda-rejected", "function-error", "bad-response"]);

/** What a target needs from its surroundings. */
export interface TargetDeps {
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly apiId: string;
  readonly target: string;
  readonly onEvent?: ResilienceListener | undefined;
}

/** A target's breaker, budget and bulkhead, kept across deployments while its settings stay the same. */
export class TargetResilience {
  readonly policy: ResiliencePolicy;
  readonly breaker: CircuitBreaker | undefined;
  readonly budget: RetryBudget | undefined;
  readonly bulkhead: Bulkhead | undefined;
  readonly #failureStatus: ReadonlySet<number> | undefined;
  readonly #d: TargetDeps;
  readonly #fallback: IntegrationResult;

  constructor(policy: ResiliencePolicy, d: TargetDeps) {
    this.policy = policy;
    this.#d = d;
    const cb = policy.circuitBreaker;
    this.breaker = cb && new CircuitBreaker(cb, d.clock, (from, to) => this.#emit({ kind: "state", from, to }));
    this.budget = policy.retry && new RetryBudget(policy.retry, d.clock, d.random);
    this.bulkhead = policy.bulkhead && new Bulkhead(policy.bulkhead, d.clock);
    this.#failureStatus = cb?.failureStatusCodes && new Set(cb.failureStatusCodes);
    const f = policy.fallback;
    this.#fallback = f
      ? { reply: { status: f.statusCode, headers: { "content-type": f.contentType }, body: Buffer.from(f.body) } }
      : { error: "circuit-open" };
  }

  /** Runs `attempt` (one call of the integration) under the target's policy. */
  async run(method: string, attempt: () => Promise<IntegrationResult>): Promise<IntegrationResult> {
    const bulkhead = this.bulkhead;
    if (bulkhead && !(bulkhead.tryAcquire() || (await bulkhead.acquire()))) {
      this.#emit({ kind: "bulkhead-full" });
      return { error: "bulkhead-full" };
    }
    try {
      return await this.#attempts(method, attempt);
    } finally {
      bulkhead?.release();
    }
  }

  async #attempts(method: string, attempt: () => Promise<IntegrationResult>): Promise<IntegrationResult> {
    const budget = this.budget;
    const retryable = budget?.retries(method) === true;
    budget?.recordRequest();
    for (let n = 1; ; n++) {
      if (this.breaker && !this.breaker.tryAcquire()) {
        this.#emit({ kind: "rejected" });
        return this.#fallback;
      }
      const result = await attempt();
      const failed = this.#failed(result);
      this.breaker?.record(failed);
      if (!failed || !retryable || !budget || n >= budget.maxAttempts || !budget.tryRetry()) return result;
      this.#emit({ kind: "retry" });
      const wait = budget.delayMs(n);
      if (wait > 0) await sleep(this.#d.clock, wait);
    }
  }

  #failed(r: IntegrationResult): boolean {
    if (r.error !== undefined) return FAILURES.has(r.error);
    const status = r.reply?.status ?? 500;
    return this.#failureStatus ? this.#failureStatus.has(status) : status >= 500;
  }

  #emit(e: ResilienceEvent): void {
    this.#d.onEvent?.({ ...e, apiId: this.#d.apiId, target: this.#d.target });
  }
}
