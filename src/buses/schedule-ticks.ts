/**
 * Which tick of a scheduled rule (or Scheduler schedule) is due, and when the next one will be.
 * Ticks count after the later of the last firing and the rule's (re-)enabling; a recurring
 * schedule's ticks lie within its StartDate and EndDate; under a FLEXIBLE time window each tick is
 * delivered at its own random offset within the window (the same offset on every node and after a
 * restart, so a tick is due at one instant). After a node was down, only the latest missed tick
 * fires, once.
 */
import { seededRandom } from "../shared/random.js";
import type { CompiledRule } from "./rule-cache.js";

/** The delay of a tick within its flexible window, in [0, windowMs). */
export type FlexOffset = (ruleArn: string, tick: number, windowMs: number) => number;

/** Missed ticks looked through to find the latest one, at most (a rate(1 minute) down for ~70 days). */
const MAX_CATCH_UP_STEPS = 100_000;

/** A pseudo-random offset drawn from the rule's ARN and the tick: stable across nodes and restarts. */
export const hashedFlexOffset: FlexOffset = (ruleArn, tick, windowMs) => {
  let h = 0x811c9dc5;
  for (let i = 0; i < ruleArn.length; i++) h = Math.imul(h ^ ruleArn.charCodeAt(i), 0x01000193);
  return Math.floor(seededRandom(h ^ Math.floor(tick / 1000))() * windowMs);
};

const isOneTime = (rule: CompiledRule) => rule.schedule?.kind === "at";

/** Ticks count after the later of the last firing, the rule's (re-)enabling and a schedule's StartDate. */
function fromOf(rule: CompiledRule): number {
  const start = rule.record.schedule?.startDate;
  const from = Math.max(rule.lastFiredAt ?? -Infinity, rule.record.enabledAt);
  return start === undefined || isOneTime(rule) ? from : Math.max(from, start - 1);
}

/** The last instant a tick may lie at: a recurring schedule's EndDate. */
function untilOf(rule: CompiledRule): number {
  const end = rule.record.schedule?.endDate;
  return end === undefined || isOneTime(rule) ? Infinity : end;
}

/** The flexible window of a schedule, in ms (0: OFF). */
export function windowMsOf(rule: CompiledRule): number {
  return (rule.record.schedule?.flexibleWindowMinutes ?? 0) * 60_000;
}

/** The tick after `tick` within the rule's dates, or undefined. */
export function tickAfter(rule: CompiledRule, tick: number): number | undefined {
  const next = rule.schedule?.nextAfter(tick);
  return next === undefined || next > untilOf(rule) ? undefined : next;
}

/**
 * The tick to fire at `now`, or undefined: the earliest tick not yet fired whose instant (the tick
 * plus its flexible offset) has come, leaving out ticks whose successor's window has passed too
 * (the node was down: they are not replayed).
 */
export function dueTick(rule: CompiledRule, now: number, offset: FlexOffset): number | undefined {
  if (rule.record.state !== "ENABLED" || !rule.schedule) return undefined;
  const windowMs = windowMsOf(rule);
  const live: number[] = [];
  let tick = tickAfter(rule, fromOf(rule));
  for (let i = 0; i < MAX_CATCH_UP_STEPS && tick !== undefined && tick <= now; i++) {
    if (tick + windowMs <= now) live.length = 0;
    live.push(tick);
    tick = tickAfter(rule, tick);
  }
  if (windowMs === 0) return live[0];
  return live.find((t) => t + offset(rule.record.arn, t, windowMs) <= now);
}

/** When the rule next has a tick due after `now` (undefined: never). */
export function nextDueAt(rule: CompiledRule, now: number, offset: FlexOffset): number | undefined {
  if (rule.record.state !== "ENABLED" || !rule.schedule) return undefined;
  const windowMs = windowMsOf(rule);
  const at = (t: number) => (windowMs === 0 ? t : t + offset(rule.record.arn, t, windowMs));
  let best: number | undefined;
  let tick = tickAfter(rule, Math.max(fromOf(rule), now - windowMs));
  for (let i = 0; i < MAX_CATCH_UP_STEPS && tick !== undefined && tick <= now + windowMs; i++) {
    const due = at(tick);
    if (due > now && (best === undefined || due < best)) best = due;
    tick = tickAfter(rule, tick);
  }
  return best ?? (tick === undefined ? undefined : at(tick));
}
