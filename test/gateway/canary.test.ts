/**
 * REST stage canary: `percentTraffic` of requests run the canary deployment with its stage
 * variable overrides; a canary probe (the stage canary's test event) is pinned to it. 1000 real requests each, with a seeded random source and with Math.random.
 * Seeded, the share is the same on every run and must be within ±3 points. With Math.random a
 * run is a binomial draw (σ ≈ 0.95 points at 10 %); ±3 points is 3.2σ and a correct split
 * still misses it about once in 600 runs, so that test allows 5σ (once in 1.7 million). A canary
 * request's access log line goes to the stage's group and to "<group>/Canary", as on AWS.
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import type { DeployedApi } from "../../src/domain/deployed-api.js";
import { seededRandom } from "../../src/shared/random.js";
import { waitUntil } from "../helpers/wait.js";
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

function assertWithin(points: number, { canary, total }: { canary: number; total: number }): void {
  const share = (canary / total) * 100;
  assert.ok(
    Math.abs(share - PERCENT) <= points,
    `canary share ${share.toFixed(1)}% is not within ${PERCENT}±${points.toFixed(1)}%`,
  );
}

test("the canary share over 1000 requests is within ±3 points (seeded random)", async () => {
  assertWithin(3, await split(seededRandom(42)));
});

test("the canary share over 1000 requests is within 5 standard deviations (Math.random)", async () => {
  const sigma = Math.sqrt((PERCENT / 100) * (1 - PERCENT / 100) * 1000) / 10;
  assertWithin(5 * sigma, await split());
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

test("a canary request's access log line goes to the stage's log group and to its /Canary group", async () => {
  const logged: { groupName: string; message: string }[] = [];
  const withLogs: DeployedApi = {
    ...API,
    stages: [
      { ...API.stages[0]!, accessLog: { groupName: "shop-access", format: "$context.requestId $context.path" } },
    ],
  };
  // Draws alternate: the first request runs the canary (0 < 10 %), the second the stage (0.99).
  let draw = 0;
  const h = await startGateway([appSpec("which", "gateway-handlers.which")], [withLogs], {
    random: () => (draw++ % 2 === 0 ? 0 : 0.99),
    onStageAccessLog: (e) => logged.push({ groupName: e.groupName, message: e.message }),
  });
  harnesses.push(h);
  const first = await send(h.port, "/Prod/which", { api: "canaryapi" });
  const second = await send(h.port, "/Prod/which", { api: "canaryapi" });
  assert.deepEqual([first.json().which, second.json().which], ["canary", "stable"]);
  await waitUntil(() => logged.length >= 3, "three access log lines", 30_000);
  const groups = (id: string): string[] =>
    logged
      .filter((l) => l.message.startsWith(id))
      .map((l) => l.groupName)
      .sort();
  const idOf = (r: { headers: NodeJS.Dict<string | string[]> }): string => String(r.headers["x-amzn-requestid"]);
  assert.deepEqual(groups(idOf(first)), ["shop-access", "shop-access/Canary"]);
  assert.deepEqual(groups(idOf(second)), ["shop-access"]);
  assert.equal(logged.length, 3);
});

test("a canary probe is pinned to the canary deployment, its secret header removed; a stranger's header is an ordinary one", async () => {
  // Every draw would go to the stage: only the pin puts a request on the canary.
  const h = await startGateway([appSpec("which", "gateway-handlers.echo")], [API], { random: () => 0.99 });
  harnesses.push(h);
  const request = { method: "GET", headers: { "x-probe": "yes" }, body: undefined };
  const status = await h.gateway.probeCanary({
    ...{ apiId: API.apiId, stage: "Prod", deploymentId: "canary-dep", path: "/only-in-canary?a=b" },
    ...request,
  });
  assert.equal(status, 200, "served by the canary's routes");
  await waitUntil(() => h.logs.length >= 1, "the probe's access record", 30_000);
  assert.equal(h.logs[0]?.deploymentId, undefined, "a probe stays out of the stage's split by deployment");
  const missed = await h.gateway.probeCanary({
    ...{ apiId: API.apiId, stage: "Prod", deploymentId: "another-dep", path: "/which" },
    ...request,
  });
  assert.equal(missed, undefined, "the stage's canary serves another deployment: not counted");
  // A client's header of that name, without this gateway's secret, pins nothing and reaches the function.
  const seen = await send(h.port, "/Prod/which", {
    api: "canaryapi",
    headers: { "x-haneul-canary-probe": "guess canary-dep" },
  });
  assert.equal(seen.status, 200);
  const e = seen.json();
  assert.equal(e.requestContext.deploymentId, stage.deployment.deploymentId, "not pinned without the secret");
  assert.equal(e.headers["x-haneul-canary-probe"], "guess canary-dep");
});
