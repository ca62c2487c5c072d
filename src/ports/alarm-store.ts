/**
 * The alarm store: CloudWatch alarms (metric, metric-math and composite) with their current state,
 * and each alarm's history of state and configuration changes.
 */
import type { Dimension } from "../domain/metrics/metric-key.js";

export type AlarmState = "OK" | "ALARM" | "INSUFFICIENT_DATA";

/** One query of a metric-math alarm (GetMetricData's shape). */
export interface AlarmMetricQuery {
  readonly id: string;
  readonly expression?: string | undefined;
  readonly metricStat?:
    | {
        readonly namespace: string;
        readonly metricName: string;
        readonly dimensions: readonly Dimension[];
        readonly period: number;
        readonly stat: string;
      }
    | undefined;
  readonly label?: string | undefined;
  readonly returnData: boolean;
  readonly period?: number | undefined;
}

/** An alarm as stored. A composite alarm has `alarmRule` and no metric. */
export interface AlarmRecord {
  readonly name: string;
  readonly arn: string;
  readonly description?: string | undefined;
  readonly actionsEnabled: boolean;
  readonly okActions: readonly string[];
  readonly alarmActions: readonly string[];
  readonly insufficientDataActions: readonly string[];
  readonly namespace?: string | undefined;
  readonly metricName?: string | undefined;
  readonly dimensions?: readonly Dimension[] | undefined;
  readonly statistic?: string | undefined;
  readonly extendedStatistic?: string | undefined;
  readonly unit?: string | undefined;
  readonly metrics?: readonly AlarmMetricQuery[] | undefined;
  readonly period?: number | undefined;
  readonly evaluationPeriods?: number | undefined;
  readonly datapointsToAlarm?: number | undefined;
  readonly threshold?: number | undefined;
  readonly comparisonOperator?: string | undefined;
  readonly treatMissingData?: string | undefined;
  readonly alarmRule?: string | undefined;
  readonly stateValue: AlarmState;
  readonly stateReason: string;
  readonly stateReasonData?: string | undefined;
  readonly stateUpdatedAt: number;
  readonly configurationUpdatedAt: number;
}

/** One entry of an alarm's history. */
export interface AlarmHistoryRecord {
  readonly alarmName: string;
  readonly alarmType: "MetricAlarm" | "CompositeAlarm";
  readonly timestamp: number;
  readonly historyItemType: "ConfigurationUpdate" | "StateUpdate" | "Action";
  readonly historySummary: string;
  readonly historyData: string;
}

/** Which history to read, newest first. */
export interface HistoryQuery {
  readonly alarmName?: string | undefined;
  readonly type?: AlarmHistoryRecord["historyItemType"] | undefined;
  readonly from?: number | undefined;
  readonly to?: number | undefined;
  readonly limit: number;
}

/** Persistence of alarms and their history. */
export interface AlarmStore {
  /** Creates or replaces an alarm. */
  putAlarm(alarm: AlarmRecord): Promise<void>;
  /** Every alarm, by name. */
  listAlarms(): Promise<AlarmRecord[]>;
  /** Deletes an alarm and its history; false when there was none. */
  deleteAlarm(name: string): Promise<boolean>;
  appendHistory(item: AlarmHistoryRecord): Promise<void>;
  /** History entries, newest first. */
  listHistory(query: HistoryQuery): Promise<AlarmHistoryRecord[]>;
  /** Deletes history older than `before` (CloudWatch keeps 30 days). */
  deleteHistoryBefore(before: number): Promise<number>;
  close(): Promise<void>;
}
