import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DeployedApi } from "../domain/deployed-api.js";
import type { InvokeService } from "../ports/invoke-service.js";
import { ManualClock } from "../shared/clock.js";
import { ApiCompiler } from "./compile.js";

const deps = { invoker: {} as InvokeService, clock: new ManualClock(0) };

function api(apiId: string, o: { rate?: number; variable?: string } = {}): DeployedApi {
  return {
    ...{ apiId, name: apiId, protocol: "HTTP", binaryMediaTypes: [] },
    stages: [
      {
        stageName: "$default",
        throttle: { all: { rateLimit: o.rate ?? 1, burstLimit: 1 }, routes: {} },
        variables: { v: o.variable ?? "1" },
        deployment: { deploymentId: "d1", routes: [] },
      },
    ],
  };
}

const takeOnce = (compiled: ReturnType<ApiCompiler["compile"]>, apiId: string) =>
  compiled.get(apiId)?.stages.get("$default")?.throttle?.take("GET /", 0);

// Simulated time: every take() is at monotonic 0, so a spent bucket stays empty.
describe("ApiCompiler", () => {
  it("keeps a stage's throttle buckets across changes to other APIs and to the stage's other settings", () => {
    const compiler = new ApiCompiler(deps);
    const first = compiler.compile([api("a"), api("b")]);
    assert.equal(takeOnce(first, "a"), true);
    assert.equal(takeOnce(first, "a"), false, "burst 1 spent");
    const otherChanged = compiler.compile([api("a"), api("b", { variable: "2" })]);
    assert.equal(otherChanged.get("a"), first.get("a"), "an unchanged API keeps its compiled form");
    assert.equal(takeOnce(otherChanged, "a"), false, "still spent after another API changed");
    const sameChanged = compiler.compile([api("a", { variable: "2" }), api("b")]);
    assert.notEqual(sameChanged.get("a"), first.get("a"));
    assert.equal(takeOnce(sameChanged, "a"), false, "still spent after a stage variable changed");
  });

  it("starts a stage's buckets full when its throttle settings change", () => {
    const compiler = new ApiCompiler(deps);
    const first = compiler.compile([api("a")]);
    assert.equal(takeOnce(first, "a"), true);
    assert.equal(takeOnce(first, "a"), false);
    const changed = compiler.compile([api("a", { rate: 5 })]);
    assert.equal(takeOnce(changed, "a"), true);
  });
});
