import assert from "node:assert/strict";
import { test } from "node:test";
import { timelineLines } from "./deployments-watch.js";

void test("watch shows each of the canary judge's verdicts on a line of its own", () => {
  const messages = [
    "canary judge at 10%: Pass: error rate 1.0% (1/100) on version 2 vs 1.0% (9/900) on version 1",
    "canary judge at 20%: NotEnoughData: not enough data: version 2 served 12 and version 1 48 invocations",
  ];
  const lines = timelineLines({
    info: { deploymentId: "d-1", status: "InProgress", deploymentStatusMessages: messages },
    target: undefined,
    alarms: new Map(),
  });
  assert.deepEqual(
    [...lines.values()].filter((l) => l.startsWith("canary judge")),
    messages,
  );
});
