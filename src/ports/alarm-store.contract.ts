/**
 * The contract every AlarmStore adapter passes (SQLite file and memory, PostgreSQL).
 * `open` gives a fresh, empty store per test.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import type { AlarmHistoryRecord, AlarmRecord, AlarmStore } from "./alarm-store.js";

/** An alarm record; fields overridable. */
export function sampleAlarm(name: string, over: Partial<AlarmRecord> = {}): AlarmRecord {
  return {
    name,
    arn: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${name}`,
    actionsEnabled: true,
    okActions: [],
    alarmActions: [],
    insufficientDataActions: [],
    namespace: "AWS/Lambda",
    metricName: "Errors",
    dimensions: [{ name: "FunctionName", value: "f" }],
    statistic: "Sum",
    period: 60,
    evaluationPeriods: 2,
    threshold: 0,
    comparisonOperator: "GreaterThanThreshold",
    stateValue: "INSUFFICIENT_DATA",
    stateReason: "Unchecked: Initial alarm creation",
    stateUpdatedAt: 1000,
    configurationUpdatedAt: 1000,
    ...over,
  };
}

const entry = (
  alarmName: string,
  timestamp: number,
  type: AlarmHistoryRecord["historyItemType"],
): AlarmHistoryRecord => ({
  alarmName,
  alarmType: "MetricAlarm",
  timestamp,
  historyItemType: type,
  historySummary: `${type} at ${timestamp}`,
  historyData: "{}",
});

/** Runs the AlarmStore contract against the adapter `open` makes. */
export function runAlarmStoreContract(name: string, open: () => Promise<AlarmStore>): void {
  void describe(`AlarmStore contract: ${name}`, () => {
    let store: AlarmStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    void test("alarms round-trip, are replaced by name, listed by name and deleted", async () => {
      await store.putAlarm(sampleAlarm("b"));
      await store.putAlarm(sampleAlarm("a", { alarmRule: 'ALARM("b")', metricName: undefined }));
      await store.putAlarm(sampleAlarm("b", { stateValue: "ALARM", stateReason: "Threshold Crossed" }));
      const all = await store.listAlarms();
      assert.deepEqual(
        all.map((a) => [a.name, a.stateValue]),
        [
          ["a", "INSUFFICIENT_DATA"],
          ["b", "ALARM"],
        ],
      );
      assert.deepEqual(all[1], sampleAlarm("b", { stateValue: "ALARM", stateReason: "Threshold Crossed" }));
      assert.equal(await store.deleteAlarm("a"), true);
      assert.equal(await store.deleteAlarm("a"), false);
      assert.equal((await store.listAlarms()).length, 1);
    });

    void test("history is read newest first, by alarm, type and time, and goes with its alarm", async () => {
      await store.putAlarm(sampleAlarm("a"));
      await store.appendHistory(entry("a", 1000, "ConfigurationUpdate"));
      await store.appendHistory(entry("a", 2000, "StateUpdate"));
      await store.appendHistory(entry("b", 3000, "StateUpdate"));
      await store.appendHistory(entry("a", 4000, "StateUpdate"));
      const a = await store.listHistory({ alarmName: "a", limit: 10 });
      assert.deepEqual(
        a.map((h) => h.timestamp),
        [4000, 2000, 1000],
      );
      assert.equal((await store.listHistory({ type: "StateUpdate", limit: 10 })).length, 3);
      assert.equal((await store.listHistory({ from: 2000, to: 4000, limit: 10 })).length, 2);
      assert.equal((await store.listHistory({ limit: 1 }))[0]?.timestamp, 4000);
      assert.equal(await store.deleteHistoryBefore(2500), 2);
      await store.deleteAlarm("a");
      assert.deepEqual(
        (await store.listHistory({ limit: 10 })).map((h) => h.alarmName),
        ["b"],
      );
    });
  });
}
