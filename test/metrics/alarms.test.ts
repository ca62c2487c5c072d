/**
 * Alarms in simulated time on real SQLite stores: a metric alarm walks INSUFFICIENT_DATA → ALARM →
 * OK as its M of N periods breach and recover, missing data is treated per TreatMissingData, only
 * the leader evaluates, a composite alarm follows its rule, actions get CloudWatch's event, and the
 * history records every change.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import { SqliteAlarmStore } from "../../src/adapters/sqlite/alarm-store.js";
import { SqliteMetricStore } from "../../src/adapters/sqlite/metric-store.js";
import { AlarmService, MetricReader, MetricRecorder, type AlarmStateChange } from "../../src/metrics/index.js";
import type { AlarmRecord } from "../../src/ports/alarm-store.js";
import { sampleAlarm } from "../../src/ports/alarm-store.contract.js";
import { ManualClock } from "../../src/shared/clock.js";

const T0 = Date.UTC(2026, 0, 1);
const dims = [{ name: "FunctionName", value: "f" }];
const ACTION = "arn:aws:lambda:us-east-1:123456789012:function:pager";

let clock: ManualClock;
let metrics: SqliteMetricStore;
let store: SqliteAlarmStore;
let recorder: MetricRecorder;
let alarms: AlarmService;
let leader: boolean;
/** The parts of CloudWatch's alarm action event the tests read. */
interface AlarmEvent {
  source: string;
  alarmArn: string;
  alarmData: {
    state: { value: string; reason: string };
    previousState: { value: string };
    configuration: { metrics: { metricStat: { metric: { dimensions: Record<string, string> } } }[] };
  };
}
let invoked: { arn: string; event: AlarmEvent }[];
let changes: AlarmStateChange[];

const errors = (n: number) => {
  const h = recorder.handle({ namespace: "AWS/Lambda", name: "Errors", dimensions: dims }, "Count");
  recorder.record(h, n);
};
/** Advances one minute (the alarm's period) and lets the evaluation that falls due run. */
const minute = () => clock.advanceAsync(60_000);
const put = (over: Partial<AlarmRecord>) =>
  alarms.put(
    sampleAlarm("errors", { alarmActions: [ACTION], okActions: [ACTION], ...over, stateUpdatedAt: clock.now() }),
    "MetricAlarm",
  );

describe("alarm evaluation in simulated time", () => {
  beforeEach(async () => {
    clock = new ManualClock(T0);
    metrics = SqliteMetricStore.open({ path: ":memory:" });
    store = SqliteAlarmStore.open({ path: ":memory:" });
    recorder = new MetricRecorder({ store: metrics, clock, writer: "n1" });
    const reader = new MetricReader({ store: metrics, clock, beforeRead: () => recorder.flush() });
    leader = true;
    invoked = [];
    changes = [];
    alarms = new AlarmService({
      store,
      reader,
      clock,
      region: "us-east-1",
      accountId: "123456789012",
      isLeader: () => leader,
      invokeFunction: (arn, payload) => {
        invoked.push({ arn, event: JSON.parse(payload.toString()) as AlarmEvent });
        return Promise.resolve();
      },
      log: () => undefined,
    });
    alarms.onStateChange((c) => changes.push(c));
    await alarms.start();
  });
  afterEach(async () => {
    await alarms.stop();
    await metrics.close();
    await store.close();
  });

  it("2 of 3 periods: ALARM on the second breaching minute, OK once they leave the window; actions get CloudWatch's event", async () => {
    await put({ evaluationPeriods: 3, datapointsToAlarm: 2, treatMissingData: "notBreaching" });
    assert.equal(alarms.stateOf("errors"), "OK", "no data, notBreaching: OK at once");
    errors(1);
    await minute();
    assert.equal(alarms.stateOf("errors"), "OK", "1 of 3");
    errors(0);
    await minute();
    errors(2);
    await minute();
    assert.equal(alarms.stateOf("errors"), "ALARM", "2 of 3");
    const event = invoked.find((i) => i.event.alarmData.state.value === "ALARM")?.event;
    assert.equal(event?.source, "aws.cloudwatch");
    assert.equal(event?.alarmArn, "arn:aws:cloudwatch:us-east-1:123456789012:alarm:errors");
    assert.equal(event?.alarmData.previousState.value, "OK");
    assert.deepEqual(event?.alarmData.configuration.metrics[0]?.metricStat.metric.dimensions, { FunctionName: "f" });
    await minute();
    await minute();
    assert.equal(alarms.stateOf("errors"), "OK", "the breaching minutes left the window");
    assert.deepEqual(
      changes.map((c) => c.state),
      ["OK", "ALARM", "OK"],
    );
    const history = await store.listHistory({ alarmName: "errors", type: "StateUpdate", limit: 10 });
    assert.deepEqual(
      history.map((h) => h.historySummary),
      [
        "Alarm updated from ALARM to OK",
        "Alarm updated from OK to ALARM",
        "Alarm updated from INSUFFICIENT_DATA to OK",
      ],
    );
  });

  it("a period is judged as soon as it ends, not at the next evaluation interval after it", async () => {
    // Evaluations every 10 s from 3 s past the minute would judge the minute only at 63 s.
    await alarms.stop();
    await clock.advanceAsync(3_000);
    await alarms.start();
    await put({ evaluationPeriods: 1, datapointsToAlarm: 1, treatMissingData: "notBreaching" });
    errors(1);
    await clock.advanceAsync(57_000 - 1);
    assert.equal(alarms.stateOf("errors"), "OK", "the minute is not over");
    await clock.advanceAsync(1);
    assert.equal(alarms.stateOf("errors"), "ALARM", "judged at the end of its minute");
  });

  it("TreatMissingData: missing → INSUFFICIENT_DATA, ignore keeps ALARM, breaching alarms on silence", async () => {
    await put({ evaluationPeriods: 2, treatMissingData: "missing" });
    errors(3);
    await minute();
    await minute();
    assert.equal(alarms.stateOf("errors"), "ALARM");
    await minute();
    await minute();
    assert.equal(alarms.stateOf("errors"), "INSUFFICIENT_DATA");
    await put({ name: "quiet", evaluationPeriods: 2, treatMissingData: "ignore" });
    await alarms.setState("quiet", "ALARM", "set by a test");
    await minute();
    await minute();
    assert.equal(alarms.stateOf("quiet"), "ALARM", "ignore keeps the state");
    await put({
      name: "silence",
      evaluationPeriods: 1,
      treatMissingData: "breaching",
      dimensions: [{ name: "FunctionName", value: "none" }],
    });
    assert.equal(alarms.stateOf("silence"), "ALARM");
  });

  it("only the leader evaluates; a composite alarm follows its rule", async () => {
    leader = false;
    await put({ evaluationPeriods: 1, treatMissingData: "notBreaching" });
    await minute();
    assert.equal(alarms.stateOf("errors"), "INSUFFICIENT_DATA", "a follower does not evaluate");
    leader = true;
    await alarms.put(
      sampleAlarm("gate", {
        alarmRule: 'ALARM("errors") OR ALARM(latency)',
        metricName: undefined,
        stateUpdatedAt: clock.now(),
      }),
      "CompositeAlarm",
    );
    assert.equal(alarms.stateOf("errors"), "OK");
    assert.equal(alarms.stateOf("gate"), "OK");
    errors(1);
    await minute();
    assert.equal(alarms.stateOf("errors"), "ALARM");
    await clock.advanceAsync(10_000);
    assert.equal(alarms.stateOf("gate"), "ALARM");
  });

  it("disabled actions do not run; SetAlarmState runs them", async () => {
    await put({ evaluationPeriods: 1, actionsEnabled: false });
    errors(5);
    await minute();
    assert.equal(alarms.stateOf("errors"), "ALARM");
    assert.equal(invoked.length, 0);
    await alarms.setActionsEnabled(["errors"], true);
    await alarms.setState("errors", "OK", "manual");
    assert.equal(invoked.length, 1);
    assert.equal(invoked[0]?.event.alarmData.state.reason, "manual");
  });
});
