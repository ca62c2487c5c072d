/**
 * The alarm operations: PutMetricAlarm, PutCompositeAlarm, DescribeAlarms, DescribeAlarmsForMetric,
 * DescribeAlarmHistory, DeleteAlarms, SetAlarmState, EnableAlarmActions and DisableAlarmActions.
 */
import { metricKey } from "../../domain/metrics/metric-key.js";
import type { AlarmService } from "../../metrics/index.js";
import type { AlarmStore } from "../../ports/alarm-store.js";
import { PlatformError } from "../../shared/errors.js";
import type { Clock } from "../../shared/clock.js";
import { compositeAlarmInput, metricAlarmInput } from "./alarm-input.js";
import { compositeAlarmView, metricAlarmView } from "./alarm-views.js";
import * as I from "./input.js";
import type { Handler } from "./metric-handlers.js";
import type { OutValue } from "./wire.js";

/** What the alarm operations work on. */
export interface AlarmApiDeps {
  readonly alarms: AlarmService;
  readonly store: AlarmStore;
  readonly clock: Clock;
  readonly region: string;
  readonly accountId: string;
}

type AlarmHandler = (d: AlarmApiDeps, input: I.Input) => Promise<OutValue>;

const STATES = ["OK", "ALARM", "INSUFFICIENT_DATA"];
const scope = (d: AlarmApiDeps) => ({ region: d.region, accountId: d.accountId, now: d.clock.now() });

const describeAlarms: AlarmHandler = async (d, input) => {
  const names = I.stringList(input, "AlarmNames");
  const prefix = I.optString(input, "AlarmNamePrefix");
  const state = I.optString(input, "StateValue");
  if (state !== undefined && !STATES.includes(state)) throw I.invalid("StateValue", state);
  const types = I.stringList(input, "AlarmTypes");
  const all = (await d.alarms.refresh()).filter(
    (a) =>
      (names.length === 0 || names.includes(a.name)) &&
      (prefix === undefined || a.name.startsWith(prefix)) &&
      (state === undefined || a.stateValue === state),
  );
  const wantMetric = types.length === 0 || types.includes("MetricAlarm");
  const wantComposite = types.includes("CompositeAlarm");
  return {
    MetricAlarms: wantMetric ? all.filter((a) => a.alarmRule === undefined).map(metricAlarmView) : [],
    CompositeAlarms: wantComposite ? all.filter((a) => a.alarmRule !== undefined).map(compositeAlarmView) : [],
  };
};

const describeAlarmsForMetric: AlarmHandler = async (d, input) => {
  const key = metricKey(I.metric(input));
  const statistic = I.optString(input, "Statistic");
  const extended = I.optString(input, "ExtendedStatistic");
  const period = I.optNumber(input, "Period");
  const all = await d.alarms.refresh();
  const matching = all.filter(
    (a) =>
      a.metricName !== undefined &&
      metricKey({ namespace: a.namespace ?? "", name: a.metricName, dimensions: a.dimensions ?? [] }) === key &&
      (statistic === undefined || a.statistic === statistic) &&
      (extended === undefined || a.extendedStatistic === extended) &&
      (period === undefined || a.period === period),
  );
  return { MetricAlarms: matching.map(metricAlarmView) };
};

const describeAlarmHistory: AlarmHandler = async (d, input) => {
  const type = I.optString(input, "HistoryItemType");
  if (type !== undefined && !["ConfigurationUpdate", "StateUpdate", "Action"].includes(type))
    throw I.invalid("HistoryItemType", type);
  const max = I.optNumber(input, "MaxRecords") ?? 100;
  if (max < 1 || max > 100) throw I.invalid("MaxRecords", max);
  const items = await d.store.listHistory({
    alarmName: I.optString(input, "AlarmName"),
    type: type as "StateUpdate" | undefined,
    from: I.optTime(input, "StartDate"),
    to: I.optTime(input, "EndDate"),
    limit: max,
  });
  const ascending = I.optString(input, "ScanBy") === "TimestampAscending";
  return {
    AlarmHistoryItems: (ascending ? items.reverse() : items).map((h) => ({
      AlarmName: h.alarmName,
      AlarmType: h.alarmType,
      Timestamp: new Date(h.timestamp),
      HistoryItemType: h.historyItemType,
      HistorySummary: h.historySummary,
      HistoryData: h.historyData,
    })),
  };
};

const deleteAlarms: AlarmHandler = async (d, input) => {
  const names = I.stringList(input, "AlarmNames");
  if (names.length === 0) throw I.missing("AlarmNames");
  if (names.length > 100) throw I.invalid("AlarmNames", `${names.length} names`);
  const known = new Set((await d.alarms.refresh()).map((a) => a.name));
  const unknown = names.find((n) => !known.has(n));
  if (unknown !== undefined) throw new PlatformError("ERR_CW_RESOURCE_NOT_FOUND", `${unknown} was not found`);
  await d.alarms.delete(names);
  return undefined;
};

const setAlarmState: AlarmHandler = async (d, input) => {
  const name = I.reqString(input, "AlarmName");
  const state = I.reqString(input, "StateValue");
  if (!STATES.includes(state)) throw I.invalid("StateValue", state);
  const reason = I.reqString(input, "StateReason");
  const data = I.optString(input, "StateReasonData");
  if (data !== undefined) {
    try {
      JSON.parse(data);
    } catch {
      throw new PlatformError("ERR_CW_INVALID_FORMAT", "StateReasonData is not valid JSON.");
    }
  }
  const found = await d.alarms.setState(name, state as "OK", reason, data);
  if (!found) throw new PlatformError("ERR_CW_RESOURCE_NOT_FOUND", `Alarm ${name} not found`);
  return undefined;
};

const actionsSwitch =
  (enabled: boolean): AlarmHandler =>
  async (d, input) => {
    await d.alarms.setActionsEnabled(I.stringList(input, "AlarmNames"), enabled);
    return undefined;
  };

const ALARM_HANDLERS: Readonly<Record<string, AlarmHandler>> = {
  PutMetricAlarm: async (d, input) => {
    await d.alarms.put(metricAlarmInput(input, scope(d)), "MetricAlarm");
    return undefined;
  },
  PutCompositeAlarm: async (d, input) => {
    await d.alarms.put(compositeAlarmInput(input, scope(d)), "CompositeAlarm");
    return undefined;
  },
  DescribeAlarms: describeAlarms,
  DescribeAlarmsForMetric: describeAlarmsForMetric,
  DescribeAlarmHistory: describeAlarmHistory,
  DeleteAlarms: deleteAlarms,
  SetAlarmState: setAlarmState,
  EnableAlarmActions: actionsSwitch(true),
  DisableAlarmActions: actionsSwitch(false),
};

/** The alarm operations bound to their deps, by action name. */
export function alarmHandlers(d: AlarmApiDeps): Record<string, Handler> {
  return Object.fromEntries(
    Object.entries(ALARM_HANDLERS).map(([name, h]): [string, Handler] => [name, (_, input) => h(d, input)]),
  );
}
