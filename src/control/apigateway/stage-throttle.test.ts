import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { StageRecord } from "../../ports/api-store.js";
import { applyStagePatch } from "./rest-stage-patch.js";
import { isMethodSettingPath, stageThrottle } from "./stage-throttle.js";

const stage: StageRecord = {
  apiId: "a",
  stageName: "prod",
  autoDeploy: false,
  variables: {},
  tracingEnabled: false,
  tags: {},
  createdAt: 0,
  lastUpdatedAt: 0,
};
const patch = (ops: { op: string; path: string; value?: string }[]) => applyStagePatch(stage, ops).stage;

describe("method settings (UpdateStage) and stage throttling", () => {
  it("recognises `*/*` and `/~1path/METHOD` setting paths only", () => {
    assert.equal(isMethodSettingPath("/*/*/throttling/rateLimit"), true);
    assert.equal(isMethodSettingPath("/~1items~1{id}/GET/throttling/burstLimit"), true);
    assert.equal(isMethodSettingPath("/~1items/GET"), true);
    assert.equal(isMethodSettingPath("/*/GET/throttling/rateLimit"), false);
    assert.equal(isMethodSettingPath("/variables/x"), false);
    assert.equal(isMethodSettingPath("/~1items/FETCH/throttling/rateLimit"), false);
  });

  it("sets, removes and compiles limits by route key", () => {
    const s = patch([
      { op: "replace", path: "/*/*/throttling/rateLimit", value: "2.5" },
      { op: "replace", path: "/~1items~1{id}/GET/throttling/burstLimit", value: "7" },
      { op: "replace", path: "/~1items~1{id}/GET/throttling/rateLimit", value: "1" },
      { op: "replace", path: "/*/*/logging/loglevel", value: "OFF" },
    ]);
    assert.deepEqual(s.methodSettings, {
      "*/*": { rateLimit: 2.5 },
      "~1items~1{id}/GET": { burstLimit: 7, rateLimit: 1 },
    });
    assert.deepEqual(stageThrottle(s), {
      all: { rateLimit: 2.5 },
      routes: { "GET /items/{id}": { burstLimit: 7, rateLimit: 1 } },
    });
    const removed = applyStagePatch(s, [{ op: "remove", path: "/*/*/throttling/rateLimit" }]).stage;
    assert.deepEqual(removed.methodSettings?.["*/*"], {});
    assert.equal(stageThrottle(stage), undefined, "no settings: nothing for the gateway to count");
  });

  it("refuses bad values and settings haneul does not honour", () => {
    assert.throws(
      () => patch([{ op: "replace", path: "/*/*/throttling/burstLimit", value: "1.5" }]),
      /Invalid burstLimit value: 1.5/,
    );
    assert.throws(
      () => patch([{ op: "replace", path: "/*/*/throttling/rateLimit", value: "-1" }]),
      /Invalid rateLimit value: -1/,
    );
    assert.throws(
      () => patch([{ op: "replace", path: "/*/*/metrics/enabled", value: "true" }]),
      /not supported by haneul/,
    );
    assert.throws(
      () => patch([{ op: "replace", path: "/*/*/caching/ttlInSeconds", value: "9" }]),
      /not supported by haneul/,
    );
    assert.throws(
      () => patch([{ op: "replace", path: "/*/*", value: "x" }]),
      /Invalid replace operation with path: \/\*\/\*/,
    );
  });
});
