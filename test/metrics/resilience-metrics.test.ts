/**
 * `haneul/Resilience` from a gateway whose HTTP_PROXY target fails: the circuit's opening and the
 * requests it refused are counted by [ApiId] and [ApiId, Target] in the real SQLite metric store,
 * in simulated time.
 */
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { test } from "node:test";
import { SqliteMetricStore } from "../../src/adapters/sqlite/metric-store.js";
import { parseResiliencePolicy } from "../../src/domain/resilience-policy.js";
import { MetricReader, MetricRecorder, ResilienceMetrics } from "../../src/metrics/index.js";
import { ManualClock } from "../../src/shared/clock.js";
import { freePort } from "../helpers/free-port.js";
import { httpApi, send, startGateway } from "../gateway/helpers.js";

const T0 = Date.UTC(2026, 0, 1);

test("circuit state changes and refusals are counted in haneul/Resilience", async () => {
  const port = await freePort();
  const upstream = createServer((req, res) => {
    req.resume();
    res.writeHead(502).end();
  });
  await new Promise<void>((resolve) => upstream.listen(port, "127.0.0.1", resolve));
  const clock = new ManualClock(T0);
  const store = SqliteMetricStore.open({ path: ":memory:" });
  const recorder = new MetricRecorder({ store, clock, writer: "n1" });
  const metrics = new ResilienceMetrics(recorder);
  const policy = parseResiliencePolicy({ circuitBreaker: { consecutiveFailures: 2, openMs: 1000 } });
  assert.ok(!("error" in policy));
  const uri = `http://127.0.0.1:${port}/`;
  const integration = {
    ...{ type: "HTTP_PROXY" as const, uri, httpMethod: "ANY", timeoutMs: 29_000 },
    ...{ passthroughBehavior: "WHEN_NO_MATCH" as const, requestParameters: {}, requestTemplates: {}, responses: [] },
    resilience: policy,
  };
  const gw = await startGateway([], [httpApi("m1", [{ routeKey: "GET /x", integration }])], {
    clock,
    onResilienceEvent: metrics.onEvent,
  });
  try {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await send(gw.port, "/x", { api: "m1" })).status);
    assert.deepEqual(statuses, [502, 502, 503, 503]);
    await recorder.flush();
    const reader = new MetricReader({ store, clock });
    const sum = async (name: string, dimensions: { name: string; value: string }[]) => {
      const metric = { namespace: "haneul/Resilience", name, dimensions };
      const points = await reader.statistics({
        metric,
        from: T0 - 60_000,
        to: T0 + 60_000,
        periodSec: 60,
        statistics: ["Sum"],
      });
      return points.reduce((a, p) => a + (p.values["Sum"] ?? 0), 0);
    };
    const api = { name: "ApiId", value: "m1" };
    assert.equal(await sum("CircuitOpened", [api]), 1);
    assert.equal(await sum("CircuitOpened", [api, { name: "Target", value: uri }]), 1);
    assert.equal(await sum("CircuitRejected", [api]), 2);
    assert.equal(await sum("CircuitClosed", [api]), 0);
  } finally {
    await gw.close();
    upstream.closeAllConnections();
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
    await recorder.stop();
    await store.close();
  }
});
