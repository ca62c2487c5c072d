/**
 * AWS::SNS::Topic and AWS::SNS::Subscription in a stack deploy, and SAM's `SNS` event on a function:
 * the topic, its subscriptions and the function's permission for SNS are created on a real topic
 * store; an update changes the topic in place; deleting the stack removes them.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, test } from "node:test";
import { SqliteTopicStore } from "../../src/adapters/sqlite/topic-store.js";
import { systemClock } from "../../src/shared/clock.js";
import { randomIds } from "../../src/shared/ids.js";
import { TopicService } from "../../src/topics/index.js";
import { ACCOUNT, REGION } from "../helpers/control-fixture.js";
import { deployFixture, type DeployFixture } from "./deploy-fixture.js";

const TEMPLATE = (display: string) => `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: orders
      DisplayName: ${display}
  Audit:
    Type: AWS::SNS::Subscription
    Properties:
      TopicArn: !Ref Orders
      Protocol: sqs
      Endpoint: !Sub "arn:aws:sqs:\${AWS::Region}:\${AWS::AccountId}:audit"
      RawMessageDelivery: true
      FilterPolicy:
        kind: [order]
  Handler:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      InlineCode: "exports.handler = async () => 1;"
      Events:
        Placed:
          Type: SNS
          Properties:
            Topic: !Ref Orders
            FilterPolicy:
              kind: [placed]
Outputs:
  TopicArn:
    Value: !GetAtt Orders.TopicArn
`;

let fx: DeployFixture;
let topics: TopicService;
let store: SqliteTopicStore;
let dir: string;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "haneul-sns-stack-"));
  store = SqliteTopicStore.open({ path: join(dir, "topics.db") });
  topics = new TopicService({
    store,
    clock: systemClock,
    ids: randomIds,
    scope: { region: REGION, accountId: ACCOUNT },
    targets: {
      invokeFunction: () => Promise.resolve(true),
      sendToQueue: () => Promise.resolve(true),
      post: () => Promise.resolve(200),
      // Nothing is delivered here: deploys only manage topics and subscriptions.
      signer: () => Promise.reject(new Error("no deliveries in this test")),
    },
  });
  fx = await deployFixture({ topics: { service: topics, apiUrl: () => "http://127.0.0.1:1" } });
});
afterEach(async () => {
  await fx.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

test("a stack creates a topic, a queue subscription and a function's SNS event; update in place; delete", async () => {
  const first = await fx.deploy("shop", TEMPLATE("Orders"));
  assert.equal(first.status, "CREATE_COMPLETE", first.reason ?? "");
  const arn = `arn:aws:sns:${REGION}:${ACCOUNT}:orders`;
  const attrs = await topics.admin.getTopicAttributes(arn);
  assert.equal(attrs.get("DisplayName"), "Orders");
  const subs = (await topics.admin.listSubscriptions(arn, undefined)).items;
  assert.deepEqual(subs.map((s) => s.protocol).sort(), ["lambda", "sqs"]);
  const sqs = subs.find((s) => s.protocol === "sqs")!;
  assert.equal(sqs.attributes["RawMessageDelivery"], "true");
  assert.deepEqual(JSON.parse(sqs.attributes["FilterPolicy"]!), { kind: ["order"] });
  const fn = subs.find((s) => s.protocol === "lambda")!;
  assert.match(fn.endpoint, /:function:shop-Handler-/);
  assert.deepEqual(JSON.parse(fn.attributes["FilterPolicy"]!), { kind: ["placed"] });

  const second = await fx.deploy("shop", TEMPLATE("Orders v2"));
  assert.equal(second.status, "UPDATE_COMPLETE", second.reason ?? "");
  assert.equal((await topics.admin.getTopicAttributes(arn)).get("DisplayName"), "Orders v2");

  await (
    await fx.engine.deleteStack("shop")
  ).done;
  await assert.rejects(topics.admin.getTopicAttributes(arn), /Topic does not exist/);
});
