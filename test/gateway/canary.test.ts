/**
 * REST stage canary: `percentTraffic` of requests run the canary deployment with its stage
 * variable overrides. 1000 real requests each, with a seeded random source and with Math.random.
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import type { DeployedApi } from "../../src/domain/deployed-api.js";
import { appSpec, restApi, route, send, startGateway, type Harness } from "./helpers.js";

const PERCENT = 10;
const base = restApi("canaryapi", [route("GET /which", "which")], { variables: { which: "stable", shared: "yes" } });
const stage = base.stages[0]!;
const API: DeployedApi = {
  ...base,
  stages: [
    {
      ...stage,
      canary: {
        percentTraffic: PERCENT,
        deployment: {
          deploymentId: "canary-dep",
          routes: [...stage.deployment.routes, route("GET /only-in-canary", "which", { payload: "1.0" })],
        },
        variables: { which: "canary" },
      },
    },
  ],
};

/** mulberry32: a small seeded PRNG, so the split is reproducible. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const harnesses: Harness[] = [];
after(() => Promise.all(harnesses.map((h) => h.close())));

async function split(random?: () => number): Promise<{ canary: number; total: number }> {
  const h = await startGateway([appSpec("which", "gateway-handlers.which")], [API], { random });
  harnesses.push(h);
  const total = 1000;
  let canary = 0;
  let next = 0;
  const worker = async () => {
    while (next < total) {
      next++;
      const res = await send(h.port, "/Prod/which", { api: "canaryapi" });
      assert.equal(res.status, 200, res.text);
      if (res.json().which === "canary") canary++;
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return { canary, total };
}

function assertWithinThreePoints({ canary, total }: { canary: number; total: number }): void {
  const share = (canary / total) * 100;
  assert.ok(Math.abs(share - PERCENT) <= 3, `canary share ${share.toFixed(1)}% is not within ${PERCENT}±3%`);
}

test("the canary share over 1000 requests is within ±3 points (seeded random)", async () => {
  const result = await split(seeded(42));
  assertWithinThreePoints(result);
});

test("the canary share over 1000 requests is within ±3 points (Math.random)", async () => {
  assertWithinThreePoints(await split());
});

test("canary requests use the canary deployment's routes and merged variables", async () => {
  const always = await startGateway([appSpec("which", "gateway-handlers.echo")], [API], { random: () => 0 });
  harnesses.push(always);
  const res = await send(always.port, "/Prod/only-in-canary", { api: "canaryapi" });
  assert.equal(res.status, 200);
  const e = res.json();
  assert.deepEqual(e.stageVariables, { which: "canary", shared: "yes" });
  assert.equal(e.requestContext.deploymentId, "canary-dep");
  const never = await startGateway([appSpec("which", "gateway-handlers.echo")], [API], { random: () => 0.99 });
  harnesses.push(never);
  assert.equal((await send(never.port, "/Prod/only-in-canary", { api: "canaryapi" })).status, 403);
});
