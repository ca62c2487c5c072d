import assert from "node:assert/strict";
import { afterEach, beforeEach, test } from "node:test";
import { ACCOUNT, REGION } from "../helpers/control-fixture.js";
import { deployFixture, type DeployFixture } from "./deploy-fixture.js";

/** A template with one AWS::Kinesis::Stream and an output of its ARN. */
function template(props: string): string {
  return `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Events:
    Type: AWS::Kinesis::Stream
    Properties:
${props}
Outputs:
  StreamArn:
    Value: !GetAtt Events.Arn
`;
}

let fx: DeployFixture;
beforeEach(async () => {
  fx = await deployFixture();
});
afterEach(() => fx.close());

test("AWS::Kinesis::Stream: created with its shards, retention and tags, updated in place, deleted with the stack", async () => {
  const first = await fx.deploy(
    "k",
    template(`      Name: clicks
      ShardCount: 2
      RetentionPeriodHours: 48
      Tags:
        - Key: team
          Value: web`),
  );
  assert.equal(first.status, "CREATE_COMPLETE", first.reason ?? "");
  const created = await fx.streams.admin.get("clicks");
  assert.deepEqual(
    [created.open.length, created.stream.retentionHours, created.stream.tags, created.stream.mode],
    [2, 48, { team: "web" }, "PROVISIONED"],
  );
  const stack = await fx.engine.requireStack("k");
  assert.deepEqual(
    stack.outputs?.map((o) => o.value),
    [`arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/clicks`],
  );
  const second = await fx.deploy("k", template(`      Name: clicks\n      ShardCount: 4`));
  assert.equal(second.status, "UPDATE_COMPLETE", second.reason ?? "");
  const updated = await fx.streams.admin.get("clicks");
  assert.deepEqual([updated.open.length, updated.stream.retentionHours, updated.stream.tags], [4, 24, {}]);
  await (
    await fx.engine.deleteStack("k")
  ).done;
  await assert.rejects(fx.streams.admin.get("clicks"), /Stream clicks under account/);
});
