/**
 * The event CloudWatch hands a function named as an alarm action (Lambda alarm actions):
 * source `aws.cloudwatch`, the alarm's ARN, and its new and previous state with its configuration.
 */
import type { AlarmRecord } from "../ports/alarm-store.js";

const state = (a: AlarmRecord) => ({
  value: a.stateValue,
  reason: a.stateReason,
  ...(a.stateReasonData !== undefined && { reasonData: a.stateReasonData }),
  timestamp: new Date(a.stateUpdatedAt).toISOString().replace("Z", "+0000"),
});

const dims = (d: AlarmRecord["dimensions"]) => Object.fromEntries((d ?? []).map((x) => [x.name, x.value]));

function configuration(a: AlarmRecord): object {
  if (a.alarmRule !== undefined) return { alarmRule: a.alarmRule, description: a.description };
  const metrics = a.metrics?.length
    ? a.metrics.map((m) => ({
        id: m.id,
        ...(m.expression !== undefined && { expression: m.expression }),
        ...(m.metricStat && {
          metricStat: {
            metric: {
              namespace: m.metricStat.namespace,
              name: m.metricStat.metricName,
              dimensions: dims(m.metricStat.dimensions),
            },
            period: m.metricStat.period,
            stat: m.metricStat.stat,
          },
        }),
        returnData: m.returnData,
      }))
    : [
        {
          id: "m1",
          metricStat: {
            metric: { namespace: a.namespace, name: a.metricName, dimensions: dims(a.dimensions) },
            period: a.period,
            stat: a.extendedStatistic ?? a.statistic,
          },
          returnData: true,
        },
      ];
  return { description: a.description, metrics };
}

/** The event for `after`'s transition from `before`'s state. */
export function alarmEvent(before: AlarmRecord, after: AlarmRecord, at: { region: string; accountId: string }): object {
  return {
    source: "aws.cloudwatch",
    alarmArn: after.arn,
    accountId: at.accountId,
    time: new Date(after.stateUpdatedAt).toISOString().replace("Z", "+0000"),
    region: at.region,
    alarmData: {
      alarmName: after.name,
      state: state(after),
      previousState: state(before),
      configuration: configuration(after),
    },
  };
}

/**
 * The message CloudWatch publishes to a topic named as an alarm action (SNS alarm actions): the
 * subject `ALARM: "name" in <region>` and a JSON body with the alarm, its states and its trigger.
 */
export function alarmNotification(
  before: AlarmRecord,
  after: AlarmRecord,
  at: { region: string; accountId: string },
): { subject: string; body: string } {
  const subject = `${after.stateValue}: "${after.name}" in ${at.region}`.slice(0, 100);
  const body = {
    AlarmName: after.name,
    AlarmDescription: after.description ?? null,
    AWSAccountId: at.accountId,
    AlarmConfigurationUpdatedTimestamp: new Date(after.stateUpdatedAt).toISOString().replace("Z", "+0000"),
    NewStateValue: after.stateValue,
    NewStateReason: after.stateReason,
    StateChangeTime: new Date(after.stateUpdatedAt).toISOString().replace("Z", "+0000"),
    Region: at.region,
    AlarmArn: after.arn,
    OldStateValue: before.stateValue,
    Trigger: {
      MetricName: after.metricName,
      Namespace: after.namespace,
      StatisticType: after.extendedStatistic ? "ExtendedStatistic" : "Statistic",
      Statistic: after.statistic,
      Dimensions: (after.dimensions ?? []).map((d) => ({ value: d.value, name: d.name })),
      Period: after.period,
      EvaluationPeriods: after.evaluationPeriods,
      ComparisonOperator: after.comparisonOperator,
      Threshold: after.threshold,
    },
  };
  return { subject, body: JSON.stringify(body) };
}
