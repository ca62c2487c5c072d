/**
 * The node's resilience state by integration target (an API's backend URI, or its function and
 * qualifier), shared by the routes and stages that call the same target. Each setApis() builds a
 * new table from the old one: a target whose settings did not change keeps its breaker, budget and
 * bulkhead (a redeploy does not close an open circuit); targets of a recompiled API that it no
 * longer uses are dropped, and an API that was not recompiled (unchanged) keeps its targets.
 */
import type { DeployedIntegration } from "../../domain/deployed-api.js";
import type { Clock } from "../../shared/clock.js";
import type { RandomSource } from "../../shared/random.js";
import { TargetResilience, type ResilienceListener } from "./target-resilience.js";

/** What targets need. */
export interface RegistryDeps {
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly onEvent?: ResilienceListener | undefined;
}

/** One compile's lookup of targets. */
export type TargetLookup = (apiId: string, i: DeployedIntegration) => TargetResilience | undefined;

interface Entry {
  readonly apiId: string;
  readonly json: string;
  readonly target: TargetResilience;
}

/** Targets of the node, by API and target. */
export class ResilienceRegistry {
  readonly #d: RegistryDeps;
  #targets = new Map<string, Entry>();

  constructor(d: RegistryDeps) {
    this.#d = d;
  }

  /**
   * Runs `compile` with a lookup of targets, then keeps the targets it looked up and those of the
   * `live` APIs it did not look into (compiled before and unchanged).
   */
  rebuild<T>(compile: (lookup: TargetLookup) => T, live: ReadonlySet<string>): T {
    const next = new Map<string, Entry>();
    const recompiled = new Set<string>();
    const lookup: TargetLookup = (apiId, i) => {
      recompiled.add(apiId);
      if (!i.resilience) return undefined;
      const name = targetName(i);
      const key = `${apiId} ${name}`;
      const json = JSON.stringify(i.resilience);
      const known = next.get(key) ?? this.#targets.get(key);
      const entry =
        known?.json === json
          ? known
          : { apiId, json, target: new TargetResilience(i.resilience, { ...this.#d, apiId, target: name }) };
      next.set(key, entry);
      return entry.target;
    };
    const out = compile(lookup);
    for (const [key, entry] of this.#targets)
      if (live.has(entry.apiId) && !recompiled.has(entry.apiId) && !next.has(key)) next.set(key, entry);
    this.#targets = next;
    return out;
  }
}

/** The target an integration calls: its URI (HTTP, HTTP_PROXY) or function and qualifier. */
export function targetName(i: DeployedIntegration): string {
  if ("uri" in i && i.uri !== undefined) return i.uri;
  return i.qualifier ? `${i.functionName ?? ""}:${i.qualifier}` : (i.functionName ?? "");
}
