/**
 * The `x-haneul-resilience` settings of an integration (haneul's own; AWS has no such field): a
 * circuit breaker, retries with a budget, and a bulkhead per integration target. Read from an
 * OpenAPI document (on an operation's integration, or at the document's root as every
 * integration's default), validated here once, kept with the integration and its deployments.
 */
import { z } from "zod";

/** The document extension that carries the settings. */
export const RESILIENCE_EXTENSION = "x-haneul-resilience";

const positiveInt = (max: number) => z.number().int().min(1).max(max);
const msInt = (min: number, max: number) => z.number().int().min(min).max(max);
const METHOD = z.enum(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "POST", "PATCH"]);

const circuitBreaker = z.strictObject({
  /** Percentage of failed requests in the window that opens the circuit (with minimumRequests). */
  failureRatePercent: positiveInt(100).optional(),
  /** Requests in the window before the failure rate counts. */
  minimumRequests: positiveInt(1_000_000).default(10),
  /** Failures in a row (within the window) that open the circuit. */
  consecutiveFailures: positiveInt(1_000_000).optional(),
  windowMs: msInt(100, 3_600_000).default(60_000),
  /** How long an open circuit refuses before it lets probes through. */
  openMs: msInt(1, 3_600_000).default(30_000),
  /** Probe requests of the half-open state: all must succeed to close the circuit. */
  halfOpenProbes: positiveInt(1000).default(1),
  /** Answer statuses that count as failures (connection errors and timeouts always do). Default: every 5xx. */
  failureStatusCodes: z.array(z.number().int().min(100).max(599)).min(1).optional(),
});

const retry = z.strictObject({
  /** Attempts in all, the first one included. */
  maxAttempts: z.number().int().min(2).max(10),
  baseDelayMs: msInt(0, 60_000).default(25),
  maxDelayMs: msInt(0, 60_000).default(1_000),
  /** Retries allowed as a percentage of the target's requests in the budget window. */
  budgetPercent: positiveInt(100).default(20),
  /** Retries always allowed per budget window, whatever the percentage (so a quiet target may retry). */
  minRetriesPerWindow: z.number().int().min(0).max(1_000_000).default(3),
  budgetWindowMs: msInt(100, 3_600_000).default(10_000),
  /** Methods that may be retried (default the idempotent ones). */
  methods: z.array(METHOD).min(1).default(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]),
});

const bulkhead = z.strictObject({
  maxConcurrent: positiveInt(100_000),
  /** How long an excess request waits for a slot before it is refused; 0 refuses at once. */
  maxWaitMs: msInt(0, 60_000).default(0),
  maxQueued: z.number().int().min(0).max(100_000).default(1000),
});

const fallback = z.strictObject({
  statusCode: z.number().int().min(200).max(599).default(503),
  body: z.string().max(65_536).default('{"message":"Service Unavailable"}'),
  contentType: z.string().max(256).default("application/json"),
});

const policy = z
  .strictObject({ circuitBreaker: circuitBreaker.optional(), retry: retry.optional(), bulkhead: bulkhead.optional() })
  .extend({ fallback: fallback.optional() })
  .refine((p) => p.circuitBreaker || p.retry || p.bulkhead, { message: "sets none of circuitBreaker, retry, bulkhead" })
  .refine((p) => !p.circuitBreaker || p.circuitBreaker.failureRatePercent || p.circuitBreaker.consecutiveFailures, {
    message: "circuitBreaker needs failureRatePercent or consecutiveFailures",
    path: ["circuitBreaker"],
  })
  .refine((p) => !p.retry || p.retry.baseDelayMs <= p.retry.maxDelayMs, {
    message: "baseDelayMs is greater than maxDelayMs",
    path: ["retry", "baseDelayMs"],
  });

/** Validated resilience settings, defaults filled in. */
export type ResiliencePolicy = z.infer<typeof policy>;
export type CircuitBreakerPolicy = NonNullable<ResiliencePolicy["circuitBreaker"]>;
export type RetryPolicy = NonNullable<ResiliencePolicy["retry"]>;
export type BulkheadPolicy = NonNullable<ResiliencePolicy["bulkhead"]>;

/**
 * Validates `value` (the extension's JSON); the settings with defaults filled in, or the message
 * of the first problem naming its field (`x-haneul-resilience.circuitBreaker.openMs: …`).
 */
export function parseResiliencePolicy(value: unknown): ResiliencePolicy | { readonly error: string } {
  const r = policy.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = [RESILIENCE_EXTENSION, ...(issue?.path ?? []).map(String)].join(".");
  return { error: `Invalid ${field}: ${issue?.message ?? "invalid value"}` };
}

/** Whether `p` is a parse failure. */
export function isPolicyError(p: ResiliencePolicy | { readonly error: string }): p is { readonly error: string } {
  return "error" in p;
}
