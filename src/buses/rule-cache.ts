/**
 * The rules of every bus, compiled: each enabled rule's pattern predicate and schedule, read from
 * the store at start and again when the cluster's change log says another node changed them.
 */
import { compileEventPattern, type EventPredicate } from "../domain/event-pattern/index.js";
import { parseScheduleExpression, type Schedule } from "../domain/schedule/index.js";
import type { EventBusRecord, EventRuleRecord, StoredRule } from "../ports/bus-store.js";

/** A rule with what matching and scheduling need, compiled once. */
export interface CompiledRule {
  readonly record: EventRuleRecord;
  readonly pattern: EventPredicate | undefined;
  readonly schedule: Schedule | undefined;
  /** The last tick fired, as this node last knew it. */
  lastFiredAt: number | undefined;
}

/** Compiles a stored rule (its pattern and schedule were validated when it was put). */
export function compileRule(stored: StoredRule): CompiledRule {
  const r = stored.rule;
  return {
    record: r,
    pattern: r.eventPattern === undefined ? undefined : compileEventPattern(r.eventPattern),
    schedule:
      r.scheduleExpression === undefined
        ? undefined
        : parseScheduleExpression(r.scheduleExpression, {
            // A schedule's rate counts from its StartDate when it has one.
            anchorMs: r.schedule?.startDate ?? r.enabledAt,
            timezone: r.schedule?.timezone,
            allowAt: r.schedule !== undefined,
          }),
    lastFiredAt: stored.lastFiredAt,
  };
}

/** Where Scheduler's schedule groups are kept among the buses: no real bus may be named `aws.*`. */
export const GROUP_PREFIX = "aws.scheduler/";

/** Buses and their compiled rules, by name; Scheduler's schedule groups (by group name) apart. */
export class RuleCache {
  readonly buses = new Map<string, EventBusRecord>();
  readonly groups = new Map<string, EventBusRecord>();
  readonly #rules = new Map<string, Map<string, CompiledRule>>();

  /** Replaces everything with what the store holds. */
  load(buses: readonly EventBusRecord[], rules: readonly StoredRule[]): void {
    this.buses.clear();
    this.groups.clear();
    this.#rules.clear();
    for (const b of buses) {
      if (b.name.startsWith(GROUP_PREFIX)) this.groups.set(b.name.slice(GROUP_PREFIX.length), b);
      else this.buses.set(b.name, b);
    }
    for (const r of rules) this.put(compileRule(r));
  }

  /** The rules of one bus, by name. */
  rulesOf(busName: string): ReadonlyMap<string, CompiledRule> {
    return this.#rules.get(busName) ?? new Map<string, CompiledRule>();
  }

  get(busName: string, name: string): CompiledRule | undefined {
    return this.#rules.get(busName)?.get(name);
  }

  put(rule: CompiledRule): void {
    let rules = this.#rules.get(rule.record.busName);
    if (!rules) {
      rules = new Map<string, CompiledRule>();
      this.#rules.set(rule.record.busName, rules);
    }
    rules.set(rule.record.name, rule);
  }

  delete(busName: string, name: string): void {
    this.#rules.get(busName)?.delete(name);
  }

  deleteBus(busName: string): void {
    this.buses.delete(busName);
    this.#rules.delete(busName);
  }

  /** Every rule with a schedule expression. */
  *scheduled(): Iterable<CompiledRule> {
    for (const rules of this.#rules.values()) for (const r of rules.values()) if (r.schedule) yield r;
  }
}
