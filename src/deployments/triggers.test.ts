import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { sampleDeployment } from "../ports/deployment-store.contract.js";
import { checkTriggers, eventsOf, triggerMessages } from "./triggers.js";

const TOPIC = "arn:aws:sns:us-east-1:123456789012:deploys";
const scope = { region: "us-east-1", accountId: "123456789012" };

describe("CodeDeploy triggers", () => {
  it("raise the events of each change of state once", () => {
    const created = sampleDeployment("d-AAAAAAAAA");
    const running = { ...created, status: "InProgress" as const };
    assert.deepEqual(eventsOf(created, running), ["DeploymentStart", "InstanceStart"]);
    assert.deepEqual(eventsOf(running, { ...running, weight: 10 }), []);
    assert.deepEqual(eventsOf(running, { ...running, status: "Succeeded" }), ["DeploymentSuccess", "InstanceSuccess"]);
    const rolledBack = {
      ...running,
      status: "Failed" as const,
      rollbackInfo: { rollbackDeploymentId: "d-BBBBBBBBB", rollbackMessage: "back" },
    };
    assert.deepEqual(eventsOf(running, rolledBack), ["DeploymentFailure", "InstanceFailure", "DeploymentRollback"]);
    assert.deepEqual(eventsOf(rolledBack, { ...rolledBack, revision: 9 }), []);
    // A record written whole (a rollback deployment) raises nothing.
    assert.deepEqual(eventsOf(undefined, { ...created, status: "Succeeded" }), []);
  });

  it("publish only the events a trigger names, to its topic", () => {
    const d = { ...sampleDeployment("d-AAAAAAAAA"), status: "Stopped" as const, completedAt: 2500 };
    const triggers = [
      { triggerName: "stops", triggerTargetArn: TOPIC, triggerEvents: ["DeploymentStop"] },
      { triggerName: "starts", triggerTargetArn: `${TOPIC}2`, triggerEvents: ["DeploymentStart"] },
    ];
    const out = triggerMessages(d, ["DeploymentStop"], triggers, scope);
    assert.equal(out.length, 1);
    assert.equal(out[0]?.topicArn, TOPIC);
    assert.equal(out[0]?.subject, "STOPPED: AWS CodeDeploy d-AAAAAAAAA in us-east-1 to group");
    const body = JSON.parse(out[0]?.body ?? "{}") as Record<string, unknown>;
    assert.equal(body["createTime"], "1.000");
    assert.equal(body["completeTime"], "2.500");
    assert.equal(body["eventTriggerName"], "stops");
  });

  it("are checked as CodeDeploy checks them", async () => {
    const exists = (arn: string) => Promise.resolve(arn === TOPIC);
    const t = { triggerName: "a", triggerTargetArn: TOPIC, triggerEvents: ["DeploymentStart", "DeploymentStart"] };
    assert.deepEqual(await checkTriggers([t], exists), [{ ...t, triggerEvents: ["DeploymentStart"] }]);
    const refused = async (list: object[], code: string) =>
      assert.rejects(checkTriggers(list, exists), (e: { code?: string }) => e.code === code);
    await refused([{ ...t, triggerName: "" }], "ERR_CODEDEPLOY_INVALID_TRIGGER_CONFIG");
    await refused([t, t], "ERR_CODEDEPLOY_INVALID_TRIGGER_CONFIG");
    await refused([{ ...t, triggerEvents: [] }], "ERR_CODEDEPLOY_INVALID_TRIGGER_CONFIG");
    await refused(
      [{ ...t, triggerTargetArn: "arn:aws:sqs:us-east-1:123456789012:q" }],
      "ERR_CODEDEPLOY_INVALID_TRIGGER_CONFIG",
    );
    await refused(
      Array.from({ length: 11 }, (_, i) => ({ ...t, triggerName: `t${i}` })),
      "ERR_CODEDEPLOY_TRIGGER_LIMIT_EXCEEDED",
    );
  });
});
