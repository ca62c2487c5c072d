import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { emfMetrics } from "./emf.js";

const doc = (over: Record<string, unknown> = {}, aws: Record<string, unknown> = {}) =>
  JSON.stringify({
    _aws: {
      Timestamp: 1_700_000_000_000,
      CloudWatchMetrics: [
        {
          Namespace: "Shop",
          Dimensions: [["Service"], ["Service", "Region"]],
          Metrics: [{ Name: "Latency", Unit: "Milliseconds" }, { Name: "Hits" }],
        },
      ],
      ...aws,
    },
    Service: "cart",
    Region: "eu",
    Latency: [12, 30],
    Hits: 1,
    note: "a property, not a metric",
    ...over,
  });

describe("emfMetrics", () => {
  test("each metric once per dimension set, with its unit, values and the document's timestamp", () => {
    const m = emfMetrics(doc());
    assert.deepEqual(
      m.map((x) => [x.name, x.dimensions.map((d) => `${d.name}=${d.value}`).join(","), x.unit, x.values]),
      [
        ["Latency", "Service=cart", "Milliseconds", [12, 30]],
        ["Latency", "Service=cart,Region=eu", "Milliseconds", [12, 30]],
        ["Hits", "Service=cart", "None", [1]],
        ["Hits", "Service=cart,Region=eu", "None", [1]],
      ],
    );
    assert.ok(m.every((x) => x.namespace === "Shop" && x.timestamp === 1_700_000_000_000));
  });

  test("found after the Node runtime's text prefix and in a JSON-format record's message", () => {
    const line = doc();
    assert.equal(emfMetrics(`2024-01-01T00:00:00.000Z\treq-1\tINFO\t${line}`).length, 4);
    const record = JSON.stringify({ timestamp: "t", level: "INFO", requestId: "r", message: JSON.parse(line) });
    assert.equal(emfMetrics(record).length, 4);
  });

  test("a line that is not valid EMF is only a log line", () => {
    const invalid = [
      'plain text mentioning "_aws"',
      '{"_aws": 1}',
      doc({}, { Timestamp: "yesterday" }),
      doc({ Service: 7 }),
      doc({ Latency: "fast" }),
      doc({ Latency: [] }),
      doc({ Hits: undefined }),
      doc({}, { CloudWatchMetrics: [{ Namespace: "AWS/Lambda", Dimensions: [], Metrics: [{ Name: "Hits" }] }] }),
      doc(
        {},
        { CloudWatchMetrics: [{ Namespace: "Shop", Dimensions: [], Metrics: [{ Name: "Hits", Unit: "Furlongs" }] }] },
      ),
      doc({}, { CloudWatchMetrics: [{ Namespace: "Shop", Metrics: [{ Name: "Hits" }] }] }),
      `${doc()} trailing`,
    ];
    for (const line of invalid) assert.deepEqual(emfMetrics(line), [], line);
  });

  test("an empty dimension set publishes the metric without dimensions", () => {
    const m = emfMetrics(
      doc(
        {},
        { CloudWatchMetrics: [{ Namespace: "Shop", Dimensions: [[]], Metrics: [{ Name: "Hits", Unit: "Count" }] }] },
      ),
    );
    assert.deepEqual(
      m.map((x) => [x.name, x.dimensions, x.unit]),
      [["Hits", [], "Count"]],
    );
  });
});
