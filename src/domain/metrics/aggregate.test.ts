import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { addSample, addStatisticSet, emptyAggregate, isExtendedStatistic, statisticValue } from "./aggregate.js";
import { metricKey } from "./metric-key.js";

describe("metric aggregates", () => {
  it("gives the five standard statistics exactly", () => {
    const a = emptyAggregate();
    for (const v of [1, 2, 3, 10]) addSample(a, v);
    assert.equal(statisticValue(a, "SampleCount"), 4);
    assert.equal(statisticValue(a, "Sum"), 16);
    assert.equal(statisticValue(a, "Average"), 4);
    assert.equal(statisticValue(a, "Minimum"), 1);
    assert.equal(statisticValue(a, "Maximum"), 10);
    assert.equal(statisticValue(emptyAggregate(), "Sum"), undefined);
  });

  it("percentiles never leave [min, max], and TM(a%:b%) trims both ends", () => {
    const a = emptyAggregate();
    for (let v = 1; v <= 100; v++) addSample(a, v);
    assert.equal(statisticValue(a, "p100"), 100);
    const tm = statisticValue(a, "TM(10%:90%)") ?? 0;
    assert.ok(Math.abs(tm - 50.5) < 0.5, String(tm));
    assert.ok(isExtendedStatistic("p99.9") && isExtendedStatistic("tm99") && !isExtendedStatistic("p101"));
  });

  it("a statistic set keeps its exact count, sum, min and max", () => {
    const a = emptyAggregate();
    addStatisticSet(a, { count: 10, sum: 100, min: 1, max: 30 });
    assert.deepEqual([a.count, a.sum, a.min, a.max], [10, 100, 1, 30]);
  });

  it("the metric key ignores the order of dimensions", () => {
    const one = metricKey({
      namespace: "N",
      name: "M",
      dimensions: [
        { name: "b", value: "1" },
        { name: "a", value: "2" },
      ],
    });
    const two = metricKey({
      namespace: "N",
      name: "M",
      dimensions: [
        { name: "a", value: "2" },
        { name: "b", value: "1" },
      ],
    });
    assert.equal(one, two);
  });
});
