/**
 * SNS through aws-sdk v2 and Debian's AWS CLI v2 (/usr/bin/aws) against a real `haneul server`:
 * topics, attributes, subscriptions with a filter policy, publishing with attributes, and errors.
 */
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { after, before, describe, it } from "node:test";
import type AwsSdkV2 from "aws-sdk";
import {
  serverCliTarget,
  SERVER_ACCOUNT,
  SERVER_KEY,
  SERVER_REGION,
  startServerNode,
  type ServerNode,
} from "../helpers/server-node.js";
import { serviceSendPolicy } from "../helpers/queue-policies.js";
import { runAwsCli } from "../helpers/aws-cli.js";

const require = createRequire(import.meta.url);
(require("aws-sdk/lib/maintenance_mode_message.js") as { suppress: boolean }).suppress = true;
const AWS = require("aws-sdk") as typeof AwsSdkV2;

describe("SNS with aws-sdk v2 and the AWS CLI v2", () => {
  let node: ServerNode;
  let sns: AwsSdkV2.SNS;
  let sqs: AwsSdkV2.SQS;
  before(async () => {
    node = await startServerNode();
    const config = { region: SERVER_REGION, endpoint: node.apiUrl, credentials: SERVER_KEY, maxRetries: 0 };
    sns = new AWS.SNS(config);
    sqs = new AWS.SQS(config);
  });
  after(() => node.close());

  it("aws-sdk v2: topic, filtered queue subscription, publish with attributes, errors", async () => {
    const { TopicArn } = await sns.createTopic({ Name: "v2", Tags: [{ Key: "a", Value: "b" }] }).promise();
    assert.equal(TopicArn, `arn:aws:sns:${SERVER_REGION}:${SERVER_ACCOUNT}:v2`);
    const Policy = serviceSendPolicy(`arn:aws:sqs:${SERVER_REGION}:${SERVER_ACCOUNT}:v2-q`, TopicArn);
    const { QueueUrl } = await sqs.createQueue({ QueueName: "v2-q", Attributes: { Policy } }).promise();
    await sns
      .subscribe({
        TopicArn: TopicArn,
        Protocol: "sqs",
        Endpoint: `arn:aws:sqs:${SERVER_REGION}:${SERVER_ACCOUNT}:v2-q`,
        Attributes: { FilterPolicy: JSON.stringify({ n: [{ numeric: [">", 1] }] }) },
      })
      .promise();
    const attrs = (n: string) => ({ n: { DataType: "Number", StringValue: n } });
    await sns.publish({ TopicArn: TopicArn, Message: "small", MessageAttributes: attrs("1") }).promise();
    const { MessageId } = await sns
      .publish({ TopicArn: TopicArn, Message: "big", MessageAttributes: attrs("5") })
      .promise();
    const got = await sqs.receiveMessage({ QueueUrl: QueueUrl!, WaitTimeSeconds: 5 }).promise();
    const n = JSON.parse(got.Messages![0]!.Body!) as { MessageId: string; Message: string };
    assert.equal(n.MessageId, MessageId);
    assert.equal(n.Message, "big");
    const { Tags } = await sns.listTagsForResource({ ResourceArn: TopicArn }).promise();
    assert.deepEqual(Tags, [{ Key: "a", Value: "b" }]);
    await assert.rejects(
      sns.getTopicAttributes({ TopicArn: `${TopicArn}x` }).promise(),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, "NotFound");
        return true;
      },
    );
  });

  it("AWS CLI v2: create-topic, get-topic-attributes, publish, list-topics, errors", async () => {
    const run = (...args: string[]) => runAwsCli(serverCliTarget(node), ["sns", ...args]);
    const ok = async (...args: string[]) => {
      const r = await run(...args);
      assert.equal(r.code, 0, `aws sns ${args.join(" ")}\n${r.stderr}`);
      return (r.stdout.trim() === "" ? {} : JSON.parse(r.stdout)) as Record<string, unknown>;
    };
    const { TopicArn } = (await ok("create-topic", "--name", "cli", "--attributes", "DisplayName=Cli")) as {
      TopicArn: string;
    };
    const { Attributes } = (await ok("get-topic-attributes", "--topic-arn", TopicArn)) as {
      Attributes: Record<string, string>;
    };
    assert.equal(Attributes["DisplayName"], "Cli");
    const published = (await ok("publish", "--topic-arn", TopicArn, "--message", "hi")) as { MessageId: string };
    assert.match(published.MessageId, /^[0-9a-f-]{36}$/);
    const listed = (await ok("list-topics")) as { Topics: { TopicArn: string }[] };
    assert.ok(listed.Topics.some((t) => t.TopicArn === TopicArn));
    const bad = await run("publish", "--topic-arn", TopicArn, "--message", "");
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /InvalidParameter/);
    await ok("delete-topic", "--topic-arn", TopicArn);
  });
});
