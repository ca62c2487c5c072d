/**
 * API Gateway API keys and usage plans (REST APIs), over the UsagePlanStore. After each change it
 * re-reads every key, plan and plan key and hands them to the gateway through `publish` (and tells
 * the other nodes through `onChange`); `reload()` does the same for a change another node made.
 */
import type { UsageSnapshot } from "../domain/usage-plans.js";
import type { ApiStore } from "../ports/api-store.js";
import type { UsagePlanStore } from "../ports/usage-plan-store.js";
import type { Clock } from "../shared/clock.js";
import type { IdSource } from "../shared/ids.js";
import * as apiKeys from "./apigateway/usage/api-keys.js";
import type { UsageContext } from "./apigateway/usage/context.js";
import * as usage from "./apigateway/usage/usage.js";
import * as plans from "./apigateway/usage/usage-plans.js";

export type { CreateApiKeyInput, ApiKeysQuery } from "./apigateway/usage/api-keys.js";
export type { CreateUsagePlanInput } from "./apigateway/usage/usage-plans.js";
export type { UsageReport } from "./apigateway/usage/usage.js";

/** What the service is built from. */
export interface UsagePlanServiceDeps {
  readonly store: UsagePlanStore;
  readonly apis: ApiStore;
  readonly clock: Clock;
  readonly ids: IdSource;
  /** Receives every key, plan and plan key after each change (the gateway's `setUsage`). */
  readonly publish: (snapshot: UsageSnapshot) => void;
  /** Told after every change, so that the other nodes of a cluster re-read. */
  readonly onChange?: (() => void) | undefined;
}

type Bound<F> = F extends (ctx: UsageContext, ...args: infer A) => infer R ? (...args: A) => R : never;

function bind<T extends Record<string, (ctx: UsageContext, ...args: never[]) => unknown>>(
  ctx: UsageContext,
  fns: T,
): { readonly [K in keyof T]: Bound<T[K]> } {
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(fns)) out[name] = (...args: never[]) => fn(ctx, ...args);
  return out as { readonly [K in keyof T]: Bound<T[K]> };
}

/** The API key and usage plan operations, bound to one store and gateway. */
export class UsagePlanService {
  readonly #deps: UsagePlanServiceDeps;
  readonly ops;

  constructor(deps: UsagePlanServiceDeps) {
    this.#deps = deps;
    const ctx: UsageContext = {
      store: deps.store,
      apis: deps.apis,
      clock: deps.clock,
      ids: deps.ids,
      changed: async () => {
        await this.reload();
        deps.onChange?.();
      },
    };
    this.ops = bind(ctx, { ...apiKeys, ...plans, ...usage });
  }

  /** Reads every key, plan and plan key and publishes them (at start, and on another node's change). */
  async reload(): Promise<void> {
    const s = this.#deps.store;
    const [keys, usagePlans, planKeys] = await Promise.all([s.listApiKeys(), s.listUsagePlans(), s.listPlanKeys()]);
    this.#deps.publish({ keys, plans: usagePlans, planKeys });
  }
}
