/**
 * CloudWatch alarms: stored configuration and state, evaluated on the injected clock (every 10 s of
 * it; each alarm over its last N complete periods) by the node that leads (one evaluator per
 * cluster, reading every node's metrics). A state change is recorded in the alarm's history and,
 * with actions enabled, runs the alarm's Lambda actions with CloudWatch's event. Other features read
 * an alarm's state in process through `stateOf` / `onStateChange`.
 */
import { evaluateRange, stateReason, type AlarmRule, type ComparisonOperator } from "../domain/metrics/alarm-rules.js";
import type { TreatMissingData } from "../domain/metrics/alarm-rules.js";
import { parseCompositeRule, ruleHolds } from "../domain/metrics/composite-rule.js";
import type { AlarmHistoryRecord, AlarmRecord, AlarmState, AlarmStore } from "../ports/alarm-store.js";
import type { Clock } from "../shared/clock.js";
import { alarmDatapoints, alarmPeriod } from "./alarm-points.js";
import { alarmEvent, alarmNotification } from "./alarm-event.js";
import type { MetricReader } from "./reader.js";

/** How an alarm service is built. */
export interface AlarmServiceOptions {
  readonly store: AlarmStore;
  readonly reader: MetricReader;
  readonly clock: Clock;
  readonly region: string;
  readonly accountId: string;
  /** Whether this node evaluates (the cluster's leader; a single node always). */
  readonly isLeader: () => boolean;
  /** Runs a Lambda alarm action: invokes the function (asynchronously) with the event. */
  readonly invokeFunction: (functionArn: string, payload: Buffer) => Promise<void>;
  /** Runs an SNS alarm action: publishes the alarm's message to the topic for the alarm `alarmArn`. */
  readonly publishToTopic?:
    ((topicArn: string, message: { subject: string; body: string }, alarmArn: string) => Promise<void>) | undefined;
  readonly log: (message: string, error?: unknown) => void;
  /** Evaluation interval on the clock (default 10 000 ms). */
  readonly intervalMs?: number;
}

/** History kept: 30 days, as CloudWatch does. */
const HISTORY_MS = 30 * 24 * 3_600_000;

/** A state change as other features see it. */
export interface AlarmStateChange {
  readonly alarmName: string;
  readonly previous: AlarmState;
  readonly state: AlarmState;
}

/** Alarms: configuration, evaluation, history, actions. */
export class AlarmService {
  readonly #o: AlarmServiceOptions;
  #cache = new Map<string, AlarmRecord>();
  #cancel: (() => void) | undefined;
  #running: Promise<void> = Promise.resolve();
  readonly #listeners = new Set<(c: AlarmStateChange) => void>();

  constructor(o: AlarmServiceOptions) {
    this.#o = o;
  }

  /** Loads the alarms and starts evaluating. */
  async start(): Promise<void> {
    await this.refresh();
    const tick = (): void => {
      this.#cancel = this.#o.clock.setTimer(() => void this.evaluateAll().finally(tick), this.#nextDelay());
    };
    tick();
  }

  /**
   * Until the next evaluation: the interval, or sooner the end of an alarm's current period, so
   * that a period is judged as soon as it is complete rather than up to an interval later (which
   * added that much to every alarm's reaction, and to a deployment's rollback).
   */
  #nextDelay(): number {
    const now = this.#o.clock.now();
    let delay = this.#o.intervalMs ?? 10_000;
    for (const a of this.#cache.values()) {
      const p = alarmPeriod(a) * 1000;
      delay = Math.min(delay, p - (now % p));
    }
    return Math.max(1, delay);
  }

  /** Stops evaluating (after the evaluation under way). */
  async stop(): Promise<void> {
    this.#cancel?.();
    this.#cancel = undefined;
    await this.#running;
  }

  /** The alarm's state as last known on this node (undefined: no such alarm). */
  stateOf(alarmName: string): AlarmState | undefined {
    return this.#cache.get(alarmName)?.stateValue;
  }

  /** Calls `listener` on every state change this node sees; returns a function that unsubscribes. */
  onStateChange(listener: (c: AlarmStateChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Every alarm, re-read from the store. */
  async refresh(): Promise<AlarmRecord[]> {
    const all = await this.#o.store.listAlarms();
    const seen = new Map(all.map((a) => [a.name, a]));
    for (const a of all) this.#notifyIfChanged(this.#cache.get(a.name), a);
    this.#cache = seen;
    return all;
  }

  /** Creates or replaces an alarm (a new one starts in INSUFFICIENT_DATA), then evaluates it. */
  async put(alarm: AlarmRecord, type: AlarmHistoryRecord["alarmType"]): Promise<void> {
    const previous = (await this.refresh()).find((a) => a.name === alarm.name);
    const kept = previous
      ? {
          ...alarm,
          stateValue: previous.stateValue,
          stateReason: previous.stateReason,
          stateReasonData: previous.stateReasonData,
          stateUpdatedAt: previous.stateUpdatedAt,
        }
      : alarm;
    await this.#o.store.putAlarm(kept);
    this.#cache.set(kept.name, kept);
    await this.#history(kept, type, "ConfigurationUpdate", `Alarm "${kept.name}" ${previous ? "updated" : "created"}`, {
      type: previous ? "Update" : "Create",
    });
    if (this.#o.isLeader()) await this.evaluateAll();
  }

  /** Deletes alarms; false for a name with no alarm. */
  async delete(names: readonly string[]): Promise<boolean[]> {
    const out: boolean[] = [];
    for (const n of names) {
      out.push(await this.#o.store.deleteAlarm(n));
      this.#cache.delete(n);
    }
    return out;
  }

  /** Sets an alarm's state until its next evaluation (SetAlarmState); runs its actions. */
  async setState(name: string, state: AlarmState, reason: string, reasonData?: string): Promise<boolean> {
    const a = (await this.refresh()).find((x) => x.name === name);
    if (!a) return false;
    await this.#transition(a, state, reason, reasonData);
    return true;
  }

  /** Turns an alarm's actions on or off. */
  async setActionsEnabled(names: readonly string[], enabled: boolean): Promise<void> {
    for (const a of await this.refresh()) {
      if (!names.includes(a.name)) continue;
      const next = { ...a, actionsEnabled: enabled };
      await this.#o.store.putAlarm(next);
      this.#cache.set(a.name, next);
    }
  }

  /** Evaluates every alarm once (metric alarms first, then composite ones). */
  evaluateAll(): Promise<void> {
    this.#running = this.#running
      .then(() => this.#evaluateAll())
      .catch((e: unknown) => this.#o.log("alarm evaluation failed", e));
    return this.#running;
  }

  async #evaluateAll(): Promise<void> {
    const all = await this.refresh();
    if (!this.#o.isLeader()) return;
    const now = this.#o.clock.now();
    for (const a of all) {
      if (a.alarmRule !== undefined) continue;
      const points = await alarmDatapoints(this.#o.reader, a, now);
      const rule: AlarmRule = {
        threshold: a.threshold ?? 0,
        comparisonOperator: (a.comparisonOperator ?? "GreaterThanThreshold") as ComparisonOperator,
        datapointsToAlarm: a.datapointsToAlarm ?? a.evaluationPeriods ?? 1,
        treatMissingData: (a.treatMissingData ?? "missing") as TreatMissingData,
      };
      const e = evaluateRange(points, rule, a.stateValue);
      if (e.state !== a.stateValue) {
        const data = JSON.stringify({
          version: "1.0",
          queryDate: new Date(now).toISOString(),
          recentDatapoints: points.filter((v) => v !== undefined),
          threshold: rule.threshold,
        });
        await this.#transition(a, e.state, stateReason(e, rule, points), data);
      }
    }
    for (const a of all) {
      if (a.alarmRule === undefined) continue;
      const holds = ruleHolds(parseCompositeRule(a.alarmRule), (n) => this.#cache.get(n)?.stateValue);
      const state: AlarmState = holds ? "ALARM" : "OK";
      if (state !== a.stateValue)
        await this.#transition(a, state, holds ? "arbitrary-rule-alarm" : "arbitrary-rule-ok");
    }
    await this.#o.store.deleteHistoryBefore(now - HISTORY_MS);
  }

  async #transition(a: AlarmRecord, state: AlarmState, reason: string, reasonData?: string): Promise<void> {
    const now = this.#o.clock.now();
    const next: AlarmRecord = {
      ...a,
      stateValue: state,
      stateReason: reason,
      stateReasonData: reasonData,
      stateUpdatedAt: now,
    };
    await this.#o.store.putAlarm(next);
    this.#cache.set(a.name, next);
    this.#notifyIfChanged(a, next);
    const type = a.alarmRule === undefined ? "MetricAlarm" : "CompositeAlarm";
    await this.#history(next, type, "StateUpdate", `Alarm updated from ${a.stateValue} to ${state}`, {
      version: "1.0",
      oldState: { stateValue: a.stateValue, stateReason: a.stateReason },
      newState: { stateValue: state, stateReason: reason, stateReasonData: reasonData },
    });
    if (!next.actionsEnabled) return;
    const actions =
      state === "ALARM" ? next.alarmActions : state === "OK" ? next.okActions : next.insufficientDataActions;
    const event = Buffer.from(
      JSON.stringify(alarmEvent(a, next, { region: this.#o.region, accountId: this.#o.accountId })),
    );
    const scope = { region: this.#o.region, accountId: this.#o.accountId };
    for (const arn of actions) {
      const run =
        arn.split(":")[2] === "sns"
          ? (this.#o.publishToTopic?.(arn, alarmNotification(a, next, scope), next.arn) ??
            Promise.reject(new Error("no topics")))
          : this.#o.invokeFunction(arn, event);
      const failure = await run.then(
        () => undefined,
        (e: unknown) => (e instanceof Error ? e.message : String(e)),
      );
      if (failure !== undefined) this.#o.log(`alarm ${a.name}: action ${arn} failed`, failure);
      const summary =
        failure === undefined
          ? `Successfully executed action ${arn}`
          : `Failed to execute action ${arn}. Received error: "${failure}"`;
      await this.#history(next, type, "Action", summary, {
        actionState: failure === undefined ? "Succeeded" : "Failed",
        notificationResource: arn,
        ...(failure !== undefined && { error: failure }),
      });
    }
  }

  #notifyIfChanged(before: AlarmRecord | undefined, after: AlarmRecord): void {
    if (!before || before.stateValue === after.stateValue) return;
    const change = { alarmName: after.name, previous: before.stateValue, state: after.stateValue };
    for (const l of this.#listeners) l(change);
  }

  #history(
    a: AlarmRecord,
    alarmType: AlarmHistoryRecord["alarmType"],
    historyItemType: AlarmHistoryRecord["historyItemType"],
    historySummary: string,
    data: object,
  ): Promise<void> {
    return this.#o.store.appendHistory({
      alarmName: a.name,
      alarmType,
      timestamp: this.#o.clock.now(),
      historyItemType,
      historySummary,
      historyData: JSON.stringify(data),
    });
  }
}
