/** Alarms as CloudWatch answers them (DescribeAlarms' MetricAlarm and CompositeAlarm shapes). */
import type { AlarmRecord } from "../../ports/alarm-store.js";
import { dimensionsOut } from "./input.js";
import type { OutValue } from "./wire.js";

/** A metric alarm. */
export function metricAlarmView(a: AlarmRecord): OutValue {
  return {
    AlarmName: a.name,
    AlarmArn: a.arn,
    AlarmDescription: a.description,
    AlarmConfigurationUpdatedTimestamp: new Date(a.configurationUpdatedAt),
    ActionsEnabled: a.actionsEnabled,
    OKActions: a.okActions,
    AlarmActions: a.alarmActions,
    InsufficientDataActions: a.insufficientDataActions,
    StateValue: a.stateValue,
    StateReason: a.stateReason,
    StateReasonData: a.stateReasonData,
    StateUpdatedTimestamp: new Date(a.stateUpdatedAt),
    MetricName: a.metricName,
    Namespace: a.namespace,
    Statistic: a.statistic,
    ExtendedStatistic: a.extendedStatistic,
    Dimensions: a.metrics?.length ? undefined : dimensionsOut(a.dimensions ?? []),
    Period: a.period,
    Unit: a.unit,
    EvaluationPeriods: a.evaluationPeriods,
    DatapointsToAlarm: a.datapointsToAlarm,
    Threshold: a.threshold,
    ComparisonOperator: a.comparisonOperator,
    TreatMissingData: a.treatMissingData,
    Metrics: a.metrics?.map((m) => ({
      Id: m.id,
      Expression: m.expression,
      Label: m.label,
      ReturnData: m.returnData,
      Period: m.period,
      MetricStat: m.metricStat && {
        Metric: {
          Namespace: m.metricStat.namespace,
          MetricName: m.metricStat.metricName,
          Dimensions: dimensionsOut(m.metricStat.dimensions),
        },
        Period: m.metricStat.period,
        Stat: m.metricStat.stat,
      },
    })),
    StateTransitionedTimestamp: new Date(a.stateUpdatedAt),
  };
}

/** A composite alarm. */
export function compositeAlarmView(a: AlarmRecord): OutValue {
  return {
    ActionsEnabled: a.actionsEnabled,
    AlarmActions: a.alarmActions,
    AlarmArn: a.arn,
    AlarmConfigurationUpdatedTimestamp: new Date(a.configurationUpdatedAt),
    AlarmDescription: a.description,
    AlarmName: a.name,
    AlarmRule: a.alarmRule,
    InsufficientDataActions: a.insufficientDataActions,
    OKActions: a.okActions,
    StateReason: a.stateReason,
    StateReasonData: a.stateReasonData,
    StateUpdatedTimestamp: new Date(a.stateUpdatedAt),
    StateValue: a.stateValue,
    StateTransitionedTimestamp: new Date(a.stateUpdatedAt),
  };
}
