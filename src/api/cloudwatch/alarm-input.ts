/** Reading PutMetricAlarm and PutCompositeAlarm into an alarm record, with CloudWatch's checks. */
import { isExtendedStatistic, STANDARD_STATISTICS } from "../../domain/metrics/aggregate.js";
import { COMPARISON_OPERATORS } from "../../domain/metrics/alarm-rules.js";
import { CompositeRuleError, parseCompositeRule } from "../../domain/metrics/composite-rule.js";
import { MathSyntaxError, parseMath } from "../../domain/metrics/math-parser.js";
import type { AlarmMetricQuery, AlarmRecord } from "../../ports/alarm-store.js";
import { PlatformError } from "../../shared/errors.js";
import * as I from "./input.js";

const TREAT = ["missing", "notBreaching", "breaching", "ignore"];
const SNS_ACTION = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;
const LAMBDA_ACTION = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9$_-]+)?$/;

/** Where alarms live. */
export interface AlarmScope {
  readonly region: string;
  readonly accountId: string;
  readonly now: number;
}

function actions(input: I.Input, name: string): string[] {
  const arns = I.stringList(input, name);
  if (arns.length > 5) throw I.invalid(name, `${arns.length} actions`);
  // Lambda and SNS actions run; Auto Scaling, EC2 and Systems Manager actions are refused, not ignored.
  for (const arn of arns) if (!LAMBDA_ACTION.test(arn) && !SNS_ACTION.test(arn)) throw I.invalid(name, arn);
  return arns;
}

function common(input: I.Input, s: AlarmScope) {
  const name = I.reqString(input, "AlarmName");
  if (name.length > 255) throw I.invalid("AlarmName", name);
  return {
    name,
    arn: `arn:aws:cloudwatch:${s.region}:${s.accountId}:alarm:${name}`,
    description: I.optString(input, "AlarmDescription"),
    actionsEnabled: I.optBoolean(input, "ActionsEnabled") ?? true,
    okActions: actions(input, "OKActions"),
    alarmActions: actions(input, "AlarmActions"),
    insufficientDataActions: actions(input, "InsufficientDataActions"),
    stateValue: "INSUFFICIENT_DATA" as const,
    stateReason: "Unchecked: Initial alarm creation",
    stateUpdatedAt: s.now,
    configurationUpdatedAt: s.now,
  };
}

function mathQueries(input: I.Input): AlarmMetricQuery[] {
  const queries = I.list(input, "Metrics").map((q): AlarmMetricQuery => {
    const ms = I.struct(q, "MetricStat");
    const expression = I.optString(q, "Expression");
    if (expression !== undefined) {
      try {
        parseMath(expression);
      } catch (e) {
        if (e instanceof MathSyntaxError) throw I.invalid("Expression", `${expression} (${e.message})`);
        throw e;
      }
    }
    const metric = ms && I.metric(I.struct(ms, "Metric") ?? {});
    const period = ms && I.reqNumber(ms, "Period");
    if (period !== undefined) I.checkPeriod(period);
    return {
      id: I.reqString(q, "Id"),
      expression,
      label: I.optString(q, "Label"),
      returnData: I.optBoolean(q, "ReturnData") ?? true,
      period: I.optNumber(q, "Period"),
      metricStat:
        ms && metric
          ? {
              namespace: metric.namespace,
              metricName: metric.name,
              dimensions: metric.dimensions,
              period: period as number,
              stat: I.reqString(ms, "Stat"),
            }
          : undefined,
    };
  });
  if (queries.filter((q) => q.returnData).length !== 1) {
    throw new PlatformError("ERR_CW_INVALID_PARAMETER", "Exactly one element of the metrics list should return data.");
  }
  return queries;
}

/** PutMetricAlarm's input as an alarm record. */
export function metricAlarmInput(input: I.Input, s: AlarmScope): AlarmRecord {
  const base = common(input, s);
  const statistic = I.optString(input, "Statistic");
  const extendedStatistic = I.optString(input, "ExtendedStatistic");
  const metrics = input["Metrics"] === undefined ? undefined : mathQueries(input);
  if (metrics && (statistic || extendedStatistic || input["MetricName"] !== undefined)) {
    throw new PlatformError(
      "ERR_CW_INVALID_COMBINATION",
      "Metrics list cannot be combined with MetricName, Statistic or ExtendedStatistic.",
    );
  }
  if (!metrics && (statistic === undefined) === (extendedStatistic === undefined)) {
    throw new PlatformError(
      "ERR_CW_INVALID_COMBINATION",
      "Exactly one of Statistic and ExtendedStatistic must be specified.",
    );
  }
  if (statistic !== undefined && !(STANDARD_STATISTICS as readonly string[]).includes(statistic))
    throw I.invalid("Statistic", statistic);
  if (extendedStatistic !== undefined && !isExtendedStatistic(extendedStatistic))
    throw I.invalid("ExtendedStatistic", extendedStatistic);
  const period = metrics ? undefined : I.reqNumber(input, "Period");
  if (period !== undefined) {
    if (!(period === 10 || period === 20 || period === 30 || (period >= 60 && period % 60 === 0)))
      throw I.invalid("Period", period);
  }
  const evaluationPeriods = I.reqNumber(input, "EvaluationPeriods");
  if (!Number.isInteger(evaluationPeriods) || evaluationPeriods < 1)
    throw I.invalid("EvaluationPeriods", evaluationPeriods);
  const datapointsToAlarm = I.optNumber(input, "DatapointsToAlarm");
  if (datapointsToAlarm !== undefined && (datapointsToAlarm < 1 || datapointsToAlarm > evaluationPeriods)) {
    throw I.invalid("DatapointsToAlarm", datapointsToAlarm);
  }
  const op = I.reqString(input, "ComparisonOperator");
  // The anomaly-detection band operators need a model haneul does not build: refused.
  if (!(COMPARISON_OPERATORS as readonly string[]).includes(op)) throw I.invalid("ComparisonOperator", op);
  const treat = I.optString(input, "TreatMissingData") ?? "missing";
  if (!TREAT.includes(treat)) throw I.invalid("TreatMissingData", treat);
  const metric = metrics ? undefined : I.metric(input);
  return {
    ...base,
    namespace: metric?.namespace,
    metricName: metric?.name,
    dimensions: metric?.dimensions,
    statistic,
    extendedStatistic,
    unit: I.optString(input, "Unit"),
    metrics,
    period,
    evaluationPeriods,
    datapointsToAlarm,
    threshold: I.reqNumber(input, "Threshold"),
    comparisonOperator: op,
    treatMissingData: treat,
  };
}

/** PutCompositeAlarm's input as an alarm record. */
export function compositeAlarmInput(input: I.Input, s: AlarmScope): AlarmRecord {
  const rule = I.reqString(input, "AlarmRule");
  try {
    parseCompositeRule(rule);
  } catch (e) {
    if (e instanceof CompositeRuleError) throw I.invalid("AlarmRule", `${rule} (${e.message})`);
    throw e;
  }
  return { ...common(input, s), alarmRule: rule };
}
