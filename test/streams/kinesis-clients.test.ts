/**
 * Kinesis through the real SDK v3 (JSON), aws-sdk v2 (JSON) and raw CBOR requests as the AWS SDK for
 * Java sends them, against the Kinesis operations over a real store (SQLite; ./postgres/ runs the
 * same suite on PostgreSQL) on a ManualClock: MD5 hashing to shard ranges (checked against ranges
 * computed here), ordering per shard, every iterator type, expiry, retention in simulated time, a
 * split while a consumer reads (parent to its end, then the children), and AWS's errors.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, test } from "node:test";
import {
  AddTagsToStreamCommand,
  CreateStreamCommand,
  DecreaseStreamRetentionPeriodCommand,
  DeleteStreamCommand,
  DescribeStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  IncreaseStreamRetentionPeriodCommand,
  KinesisClient,
  ListShardsCommand,
  ListStreamsCommand,
  ListTagsForStreamCommand,
  PutRecordCommand,
  PutRecordsCommand,
  RemoveTagsFromStreamCommand,
  UpdateShardCountCommand,
  waitUntilStreamExists,
  type Shard,
  type ShardIteratorType,
} from "@aws-sdk/client-kinesis";
import AWS from "aws-sdk";
import { sdkError } from "../helpers/sdk-error.js";
import {
  KINESIS_ACCOUNT,
  KINESIS_KEY,
  KINESIS_REGION,
  startKinesisNode,
  type KinesisNode,
} from "../helpers/kinesis-node.js";

const HOUR = 3_600_000;
const TWO_128 = 1n << 128n;
const md5Key = (pk: string) => BigInt(`0x${createHash("md5").update(pk, "utf8").digest("hex")}`);
/** The shard whose range holds `key`, from ranges as DescribeStream lists them. */
const owner = (shards: readonly Shard[], key: bigint) =>
  shards.find((s) => key >= BigInt(s.HashKeyRange!.StartingHashKey!) && key <= BigInt(s.HashKeyRange!.EndingHashKey!))!
    .ShardId;
const text = (d: Uint8Array | undefined) => Buffer.from(d ?? []).toString();

let node: KinesisNode;
let k: KinesisClient;
before(async () => {
  node = await startKinesisNode();
  // The SDK's default request handler for Kinesis: HTTP/2 (h2c with prior knowledge) on the API port.
  k = new KinesisClient({ region: KINESIS_REGION, endpoint: node.url, credentials: KINESIS_KEY, maxAttempts: 1 });
});
after(async () => {
  k.destroy();
  await node.close();
});

const create = (StreamName: string, ShardCount: number) => k.send(new CreateStreamCommand({ StreamName, ShardCount }));
const shardsOf = async (StreamName: string) =>
  (await k.send(new DescribeStreamCommand({ StreamName }))).StreamDescription!.Shards!;
const iterator = async (
  StreamName: string,
  ShardId: string,
  type: ShardIteratorType,
  o: { seq?: string; at?: Date } = {},
) =>
  (
    await k.send(
      new GetShardIteratorCommand({
        StreamName,
        ShardId,
        ShardIteratorType: type,
        StartingSequenceNumber: o.seq,
        Timestamp: o.at,
      }),
    )
  ).ShardIterator!;
const read = (ShardIterator: string, Limit?: number) => k.send(new GetRecordsCommand({ ShardIterator, Limit }));
const put = async (StreamName: string, key: string, data = key) =>
  k.send(new PutRecordCommand({ StreamName, PartitionKey: key, Data: Buffer.from(data) }));

describe(`Kinesis with real clients (${process.env["HANEUL_TEST_NODE_STORE"] ?? "sqlite"})`, () => {
  test("streams: create, waiter, describe with even hash ranges, summary, list, list shards, delete", async () => {
    await create("orders", 3);
    await waitUntilStreamExists({ client: k, maxWaitTime: 30 }, { StreamName: "orders" });
    const d = (await k.send(new DescribeStreamCommand({ StreamName: "orders" }))).StreamDescription!;
    assert.equal(d.StreamStatus, "ACTIVE");
    assert.equal(d.StreamARN, `arn:aws:kinesis:${KINESIS_REGION}:${KINESIS_ACCOUNT}:stream/orders`);
    assert.equal(d.RetentionPeriodHours, 24);
    assert.equal(d.HasMoreShards, false);
    assert.deepEqual(
      d.Shards!.map((s) => [s.ShardId, s.HashKeyRange!.StartingHashKey, s.HashKeyRange!.EndingHashKey]),
      [0n, 1n, 2n].map((i) => [
        `shardId-00000000000${i}`,
        String((TWO_128 * i) / 3n),
        String(i === 2n ? TWO_128 - 1n : (TWO_128 * (i + 1n)) / 3n - 1n),
      ]),
    );
    assert.match(d.Shards![0]!.SequenceNumberRange!.StartingSequenceNumber!, /^\d{56}$/);
    assert.ok(Math.abs(d.StreamCreationTimestamp!.getTime() - node.clock.now()) < 1000);
    const sum = (await k.send(new DescribeStreamSummaryCommand({ StreamName: "orders" }))).StreamDescriptionSummary!;
    assert.deepEqual([sum.OpenShardCount, sum.StreamModeDetails?.StreamMode], [3, "PROVISIONED"]);
    const listed = await k.send(new ListStreamsCommand({}));
    assert.ok(listed.StreamNames!.includes("orders"));
    assert.equal(listed.StreamSummaries!.find((s) => s.StreamName === "orders")?.StreamStatus, "ACTIVE");
    const page = await k.send(new ListShardsCommand({ StreamName: "orders", MaxResults: 2 }));
    assert.equal(page.Shards!.length, 2);
    const rest = await k.send(new ListShardsCommand({ NextToken: page.NextToken }));
    assert.deepEqual(
      rest.Shards!.map((s) => s.ShardId),
      ["shardId-000000000002"],
    );
    await assert.rejects(
      create("orders", 1),
      sdkError("ResourceInUseException", 400, `Stream orders under account ${KINESIS_ACCOUNT} already exists.`),
    );
    await k.send(new DeleteStreamCommand({ StreamName: "orders" }));
    await assert.rejects(
      k.send(new DescribeStreamCommand({ StreamName: "orders" })),
      sdkError("ResourceNotFoundException", 400, `Stream orders under account ${KINESIS_ACCOUNT} not found.`),
    );
    const od = await k.send(
      new CreateStreamCommand({ StreamName: "od", StreamModeDetails: { StreamMode: "ON_DEMAND" } }),
    );
    assert.ok(od);
    const odSum = (await k.send(new DescribeStreamSummaryCommand({ StreamName: "od" }))).StreamDescriptionSummary!;
    assert.deepEqual([odSum.OpenShardCount, odSum.StreamModeDetails?.StreamMode], [4, "ON_DEMAND"]);
    await assert.rejects(create("bad name", 1), sdkError("ValidationException", 400, /streamName/));
  });

  test("PutRecords: partition keys hash by MD5 to the shard owning the range; ExplicitHashKey overrides", async () => {
    await create("hashing", 4);
    const shards = await shardsOf("hashing");
    const keys = Array.from({ length: 200 }, (_, i) => `key-${i}-${(i * 7919) % 1000}`);
    const r = await k.send(
      new PutRecordsCommand({
        StreamName: "hashing",
        Records: keys.map((PartitionKey) => ({ PartitionKey, Data: Buffer.from(PartitionKey) })),
      }),
    );
    assert.equal(r.FailedRecordCount, 0);
    keys.forEach((key, i) => assert.equal(r.Records![i]!.ShardId, owner(shards, md5Key(key)), key));
    assert.equal(new Set(r.Records!.map((x) => x.ShardId)).size, 4, "200 keys reach every shard");
    const explicit = await k.send(
      new PutRecordCommand({
        StreamName: "hashing",
        PartitionKey: keys[0],
        ExplicitHashKey: String(TWO_128 - 1n),
        Data: Buffer.from("x"),
      }),
    );
    assert.equal(explicit.ShardId, "shardId-000000000003");
    await assert.rejects(
      k.send(
        new PutRecordCommand({
          StreamName: "hashing",
          PartitionKey: "a",
          ExplicitHashKey: String(TWO_128),
          Data: Buffer.from("x"),
        }),
      ),
      sdkError("InvalidArgumentException", 400, /ExplicitHashKey must be in the range: \[0, 2\^128-1\]/),
    );
    await assert.rejects(
      k.send(new PutRecordsCommand({ StreamName: "nope", Records: [{ PartitionKey: "a", Data: Buffer.from("x") }] })),
      sdkError("ResourceNotFoundException", 400),
    );
  });

  test("ordering per shard and every iterator type; records keep their bytes and arrival times", async () => {
    await create("order", 1);
    const sent: { seq: string; at: number }[] = [];
    for (let i = 0; i < 6; i++) {
      node.clock.advance(1000);
      const r = await put("order", `pk-${i % 3}`, `r${i}`);
      sent.push({ seq: r.SequenceNumber!, at: node.clock.now() });
    }
    for (let i = 1; i < sent.length; i++)
      assert.ok(BigInt(sent[i]!.seq) > BigInt(sent[i - 1]!.seq), "sequence numbers grow");
    const shard = "shardId-000000000000";
    const all = await read(await iterator("order", shard, "TRIM_HORIZON"));
    assert.deepEqual(
      all.Records!.map((r) => [r.SequenceNumber, text(r.Data), r.ApproximateArrivalTimestamp!.getTime()]),
      sent.map((s, i) => [s.seq, `r${i}`, s.at]),
    );
    assert.equal(all.MillisBehindLatest, 0);
    const at = await read(await iterator("order", shard, "AT_SEQUENCE_NUMBER", { seq: sent[2]!.seq }));
    assert.deepEqual(
      at.Records!.map((r) => text(r.Data)),
      ["r2", "r3", "r4", "r5"],
    );
    const afterSeq = await read(await iterator("order", shard, "AFTER_SEQUENCE_NUMBER", { seq: sent[2]!.seq }));
    assert.deepEqual(
      afterSeq.Records!.map((r) => text(r.Data)),
      ["r3", "r4", "r5"],
    );
    const byTime = await read(await iterator("order", shard, "AT_TIMESTAMP", { at: new Date(sent[4]!.at) }));
    assert.deepEqual(
      byTime.Records!.map((r) => text(r.Data)),
      ["r4", "r5"],
    );
    const latest = await read(await iterator("order", shard, "LATEST"));
    assert.deepEqual(latest.Records, []);
    await put("order", "pk-0", "r6");
    assert.deepEqual(
      (await read(latest.NextShardIterator!)).Records!.map((r) => text(r.Data)),
      ["r6"],
    );
    // Paging with Limit: the consumer is behind the tip, by the age of what it last read.
    node.clock.advance(5000);
    const first = await read(await iterator("order", shard, "TRIM_HORIZON"), 2);
    assert.deepEqual(
      first.Records!.map((r) => text(r.Data)),
      ["r0", "r1"],
    );
    assert.equal(first.MillisBehindLatest, node.clock.now() - sent[1]!.at);
    const second = await read(first.NextShardIterator!, 100);
    assert.deepEqual(
      second.Records!.map((r) => text(r.Data)),
      ["r2", "r3", "r4", "r5", "r6"],
    );
    assert.equal(second.MillisBehindLatest, 0);
  });

  test("iterators expire after 5 minutes of the clock", async () => {
    await create("expiry", 1);
    await put("expiry", "a");
    const it = await iterator("expiry", "shardId-000000000000", "TRIM_HORIZON");
    node.clock.advance(300_000);
    const r = await read(it);
    assert.equal(r.Records!.length, 1, "at exactly 5 minutes it still reads");
    node.clock.advance(300_001);
    await assert.rejects(
      read(r.NextShardIterator!),
      sdkError(
        "ExpiredIteratorException",
        400,
        /^Iterator expired\. The iterator was created at time .* tolerated delay of 300000 milliseconds\.$/,
      ),
    );
    await assert.rejects(
      read("bm90IGFuIGl0ZXJhdG9y"),
      sdkError("InvalidArgumentException", 400, "Invalid ShardIterator."),
    );
  });

  test("retention: records older than the period are gone, on the clock; increase and decrease", async () => {
    await create("kept", 1);
    const shard = "shardId-000000000000";
    await put("kept", "a", "old");
    node.clock.advance(23 * HOUR);
    await put("kept", "a", "new");
    node.clock.advance(2 * HOUR);
    assert.deepEqual(
      (await read(await iterator("kept", shard, "TRIM_HORIZON"))).Records!.map((r) => text(r.Data)),
      ["new"],
    );
    await k.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: "kept", RetentionPeriodHours: 48 }));
    await put("kept", "a", "newer");
    node.clock.advance(30 * HOUR);
    const kept = await read(await iterator("kept", shard, "TRIM_HORIZON"));
    assert.deepEqual(
      kept.Records!.map((r) => text(r.Data)),
      ["new", "newer"],
      "32 and 30 hours old: within 48 hours",
    );
    await k.send(new DecreaseStreamRetentionPeriodCommand({ StreamName: "kept", RetentionPeriodHours: 24 }));
    assert.deepEqual((await read(await iterator("kept", shard, "TRIM_HORIZON"))).Records, []);
    // The minute timer deletes the expired rows themselves.
    node.clock.advance(60_000);
    await node.service.stop();
    assert.deepEqual((await node.store.readShard("kept", 0, { after: 0, limit: 10 })).records, []);
    node.service.start();
    await assert.rejects(
      k.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: "kept", RetentionPeriodHours: 12 })),
      sdkError(
        "InvalidArgumentException",
        400,
        "Minimum allowed retention period is 24 hours. Requested retention period (12 hours) is too short.",
      ),
    );
    await k.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: "kept", RetentionPeriodHours: 100 }));
    await assert.rejects(
      k.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: "kept", RetentionPeriodHours: 50 })),
      sdkError(
        "InvalidArgumentException",
        400,
        /can not be shorter than existing retention period \(100 hours\)\. Use DecreaseRetentionPeriod API\.$/,
      ),
    );
    await assert.rejects(
      k.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: "kept", RetentionPeriodHours: 8761 })),
      sdkError("InvalidArgumentException", 400, /Maximum allowed retention period is 8760 hours/),
    );
  });

  test("a split while a consumer reads: the parent to its end, then the children; then a merge", async () => {
    await create("scaled", 1);
    const before = ["a", "b", "c", "d", "e"];
    for (const key of before) await put("scaled", key);
    const consumer = await read(await iterator("scaled", "shardId-000000000000", "TRIM_HORIZON"), 2);
    assert.deepEqual(
      consumer.Records!.map((r) => text(r.Data)),
      ["a", "b"],
    );
    const scaled = await k.send(
      new UpdateShardCountCommand({ StreamName: "scaled", TargetShardCount: 2, ScalingType: "UNIFORM_SCALING" }),
    );
    assert.deepEqual([scaled.CurrentShardCount, scaled.TargetShardCount], [1, 2]);
    const afterSplit = ["f", "g", "h", "i", "j", "k", "l", "m"];
    const puts: { ShardId?: string | undefined }[] = [];
    for (const key of afterSplit) puts.push(await put("scaled", key));
    const shards = await shardsOf("scaled");
    assert.deepEqual(
      shards.map((s) => [s.ShardId, s.ParentShardId, s.SequenceNumberRange!.EndingSequenceNumber !== undefined]),
      [
        ["shardId-000000000000", undefined, true],
        ["shardId-000000000001", "shardId-000000000000", false],
        ["shardId-000000000002", "shardId-000000000000", false],
      ],
    );
    afterSplit.forEach((key, i) => assert.equal(puts[i]!.ShardId, owner(shards.slice(1), md5Key(key)), key));
    // The consumer finishes the parent: the rest of its records, then no next iterator and the children.
    const restOfParent = await read(consumer.NextShardIterator!);
    assert.deepEqual(
      restOfParent.Records!.map((r) => text(r.Data)),
      ["c", "d", "e"],
    );
    assert.equal(restOfParent.NextShardIterator, undefined);
    assert.deepEqual(
      restOfParent.ChildShards!.map((c) => [c.ShardId, c.ParentShards]),
      [
        ["shardId-000000000001", ["shardId-000000000000"]],
        ["shardId-000000000002", ["shardId-000000000000"]],
      ],
    );
    const fromChildren: string[] = [];
    for (const child of restOfParent.ChildShards!) {
      const r = await read(await iterator("scaled", child.ShardId!, "TRIM_HORIZON"));
      fromChildren.push(...r.Records!.map((x) => text(x.Data)));
    }
    assert.deepEqual(fromChildren.sort(), [...afterSplit].sort(), "every record after the split, once");
    const open = await k.send(new ListShardsCommand({ StreamName: "scaled", ShardFilter: { Type: "AT_LATEST" } }));
    assert.deepEqual(
      open.Shards!.map((s) => s.ShardId),
      ["shardId-000000000001", "shardId-000000000002"],
    );
    await k.send(
      new UpdateShardCountCommand({ StreamName: "scaled", TargetShardCount: 1, ScalingType: "UNIFORM_SCALING" }),
    );
    const merged = (await shardsOf("scaled")).at(-1)!;
    assert.deepEqual(
      [merged.ShardId, merged.ParentShardId, merged.AdjacentParentShardId, merged.HashKeyRange!.EndingHashKey],
      ["shardId-000000000003", "shardId-000000000001", "shardId-000000000002", String(TWO_128 - 1n)],
    );
    await assert.rejects(
      k.send(
        new UpdateShardCountCommand({ StreamName: "scaled", TargetShardCount: 3, ScalingType: "UNIFORM_SCALING" }),
      ),
      sdkError("InvalidArgumentException", 400),
    );
  });

  test("iterator arguments are checked as Kinesis checks them", async () => {
    await create("args", 2);
    const r = await put("args", "x");
    const other = r.ShardId === "shardId-000000000000" ? "shardId-000000000001" : "shardId-000000000000";
    await assert.rejects(
      iterator("args", r.ShardId!, "LATEST", { seq: r.SequenceNumber! }),
      sdkError("InvalidArgumentException", 400, /Request specified LATEST and also a StartingSequenceNumber\.$/),
    );
    await assert.rejects(
      iterator("args", r.ShardId!, "AT_SEQUENCE_NUMBER"),
      sdkError(
        "InvalidArgumentException",
        400,
        /Request specified AT_SEQUENCE_NUMBER and no StartingSequenceNumber\.$/,
      ),
    );
    await assert.rejects(
      iterator("args", other, "AT_SEQUENCE_NUMBER", { seq: r.SequenceNumber! }),
      sdkError(
        "InvalidArgumentException",
        400,
        `Invalid StartingSequenceNumber. It encodes ${r.ShardId}, while it was used in a call to a shard with ${other}`,
      ),
    );
    await assert.rejects(
      iterator("args", "shardId-000000000009", "LATEST"),
      sdkError(
        "ResourceNotFoundException",
        400,
        `Shard shardId-000000000009 in stream args under account ${KINESIS_ACCOUNT} does not exist`,
      ),
    );
  });

  test("tags: add, list in key order with paging, remove", async () => {
    await create("tagged", 1);
    await k.send(new AddTagsToStreamCommand({ StreamName: "tagged", Tags: { team: "shop", env: "dev", app: "x" } }));
    const first = await k.send(new ListTagsForStreamCommand({ StreamName: "tagged", Limit: 2 }));
    assert.deepEqual(first.Tags, [
      { Key: "app", Value: "x" },
      { Key: "env", Value: "dev" },
    ]);
    assert.equal(first.HasMoreTags, true);
    const rest = await k.send(new ListTagsForStreamCommand({ StreamName: "tagged", ExclusiveStartTagKey: "env" }));
    assert.deepEqual(rest.Tags, [{ Key: "team", Value: "shop" }]);
    await k.send(new RemoveTagsFromStreamCommand({ StreamName: "tagged", TagKeys: ["app", "team"] }));
    assert.deepEqual((await k.send(new ListTagsForStreamCommand({ StreamName: "tagged" }))).Tags, [
      { Key: "env", Value: "dev" },
    ]);
  });

  test("aws-sdk v2 (JSON): put, iterate, read", async () => {
    const v2 = new AWS.Kinesis({
      region: KINESIS_REGION,
      endpoint: node.url,
      credentials: new AWS.Credentials(KINESIS_KEY.accessKeyId, KINESIS_KEY.secretAccessKey),
      maxRetries: 0,
    });
    await v2.createStream({ StreamName: "v2", ShardCount: 1 }).promise();
    await v2.waitFor("streamExists", { StreamName: "v2", $waiter: { delay: 1, maxAttempts: 3 } }).promise();
    const put1 = await v2
      .putRecords({
        StreamName: "v2",
        Records: [
          { PartitionKey: "p", Data: Buffer.from([1, 2, 3]) },
          { PartitionKey: "q", Data: "hello" },
        ],
      })
      .promise();
    assert.equal(put1.FailedRecordCount, 0);
    const it = await v2
      .getShardIterator({ StreamName: "v2", ShardId: "shardId-000000000000", ShardIteratorType: "TRIM_HORIZON" })
      .promise();
    const got = await v2.getRecords({ ShardIterator: it.ShardIterator! }).promise();
    assert.deepEqual(
      got.Records.map((r) => [...(r.Data as Buffer)]),
      [[1, 2, 3], [...Buffer.from("hello")]],
    );
    assert.ok(got.Records[0]!.ApproximateArrivalTimestamp instanceof Date);
    await assert.rejects(
      v2.describeStream({ StreamName: "none" }).promise(),
      (e: AWS.AWSError) => e.code === "ResourceNotFoundException",
    );
  });
});
