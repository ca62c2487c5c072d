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
import type { IntegrationResult, MaybePromise } from "../integration.js";
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

/** One call of the integration. */
type Attempt = () => MaybePromise<IntegrationResult>;

/** One request's attempts: the call, and whether its method may be retried. */
interface Attempts {
  readonly attempt: Attempt;
  readonly retryable: boolean;
}

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
  /** The event of each refusal by the open circuit, built once: the refusal is the hot path. */
  readonly #rejected: Parameters<ResilienceListener>[0];

  constructor(policy: ResiliencePolicy, d: TargetDeps) {
    this.policy = policy;
    this.#d = d;
    this.#rejected = { kind: "rejected", apiId: d.apiId, target: d.target };
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

  /**
   * Runs `attempt` (one call of the integration) under the target's policy. Synchronous as long as
   * nothing waits: an open circuit's fallback (and a synchronous integration's answer) comes back
   * without a promise, so the gateway answers it in the same turn.
   */
  run(method: string, attempt: Attempt): MaybePromise<IntegrationResult> {
    const bulkhead = this.bulkhead;
    if (bulkhead && !bulkhead.tryAcquire()) return this.#waitForSlot(method, attempt, bulkhead);
    return this.#holding(method, attempt);
  }

  /**
   * The open circuit's answer to a request, when the circuit refuses it now and a slot
   * of the bulkhead (if any) is free; undefined otherwise (then run() decides, nothing counted).
   * Counts what run() counts for a refused request: the budget's request, the rejection event, the
   * slot taken and given back. Lets the gateway answer without building the integration's call.
   */
  refusal(): IntegrationResult | undefined {
    const breaker = this.breaker;
    if (!breaker || !breaker.refuses()) return undefined;
    const bulkhead = this.bulkhead;
    if (bulkhead && !bulkhead.tryAcquire()) return undefined;
    this.budget?.recordRequest();
    this.#d.onEvent?.(this.#rejected);
    bulkhead?.release();
    return this.#fallbackResult();
  }

  async #waitForSlot(method: string, attempt: Attempt, bulkhead: Bulkhead): Promise<IntegrationResult> {
    if (!(await bulkhead.acquire())) {
      this.#emit({ kind: "bulkhead-full" });
      return { error: "bulkhead-full" };
    }
    return this.#holding(method, attempt);
  }

  /** The attempts with a slot of the bulkhead (when there is one) held, given back once they end. */
  #holding(method: string, attempt: Attempt): MaybePromise<IntegrationResult> {
    const bulkhead = this.bulkhead;
    let result: MaybePromise<IntegrationResult>;
    try {
      const budget = this.budget;
      const retryable = budget?.retries(method) === true;
      budget?.recordRequest();
      result = this.#attempt(1, { attempt, retryable });
    } catch (e) {
      bulkhead?.release();
      throw e;
    }
    if (!bulkhead) return result;
    if (!(result instanceof Promise)) {
      bulkhead.release();
      return result;
    }
    return result.finally(() => bulkhead.release());
  }

  /** Attempt `n`: the fallback at once while the circuit is open, else the integration called. */
  #attempt(n: number, a: Attempts): MaybePromise<IntegrationResult> {
    if (this.breaker && !this.breaker.tryAcquire()) {
      this.#d.onEvent?.(this.#rejected);
      return this.#fallbackResult();
    }
    const result = a.attempt();
    return result instanceof Promise ? result.then((r) => this.#outcome(n, a, r)) : this.#outcome(n, a, result);
  }

  /**
   * The fallback: a reply of its own per request (the gateway adds the request's ids and CORS
   * headers to it), sharing only the body.
   */
  #fallbackResult(): IntegrationResult {
    const f = this.#fallback;
    const reply = f.reply;
    return reply ? { reply: { status: reply.status, headers: { ...reply.headers }, body: reply.body } } : f;
  }

  /** Counts attempt `n`'s outcome; retries it while the method may be retried and the budget holds. */
  #outcome(n: number, a: Attempts, result: IntegrationResult): MaybePromise<IntegrationResult> {
    const failed = this.#failed(result);
    this.breaker?.record(failed);
    const budget = this.budget;
    if (!failed || !a.retryable || !budget || n >= budget.maxAttempts || !budget.tryRetry()) return result;
    this.#emit({ kind: "retry" });
    return this.#retry(n, a, budget.delayMs(n));
  }

  async #retry(n: number, a: Attempts, waitMs: number): Promise<IntegrationResult> {
    if (waitMs > 0) await sleep(this.#d.clock, waitMs);
    return this.#attempt(n + 1, a);
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
