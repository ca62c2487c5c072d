/**
 * Kinesis on a real `haneul server` (real time) through the AWS CLI v2 — its waiters included — and
 * through CBOR requests as the AWS SDK for Java and the KCL send them (`application/x-amz-cbor-1.1`,
 * blobs as byte strings, timestamps as tag 1 in epoch milliseconds), signed with the real SigV4 signer.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { SignatureV4 } from "@smithy/signature-v4";
import { decode, encode, Tagged, type TagDecoder } from "cborg";
import {
  serverCliTarget,
  SERVER_KEY,
  SERVER_REGION,
  startServerNode,
  type ServerNode,
} from "../helpers/server-node.js";
import { NodeSha256 } from "../helpers/sigv4-signer.js";
import { runAwsCli, type AwsCliResult } from "../helpers/aws-cli.js";

/** A decoded answer: its fields are asserted one by one. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers of the wire, checked field by field below
type Wire = any;
/** Tag 1 read as CBOR defines it: epoch seconds. */
const tags: TagDecoder[] = [];
tags[1] = (d) => new Date(Number(d()) * 1000);

let node: ServerNode;
before(async () => {
  node = await startServerNode();
});
after(() => node.close());

function cli(...args: string[]): Promise<AwsCliResult> {
  return runAwsCli(serverCliTarget(node), ["kinesis", ...args]);
}

async function cliOk(...args: string[]): Promise<Record<string, Wire>> {
  const r = await cli(...args);
  assert.equal(r.code, 0, `aws kinesis ${args.join(" ")}\n${r.stderr}`);
  return r.stdout.trim() === "" ? {} : (JSON.parse(r.stdout) as Record<string, Wire>);
}

/** One CBOR request, signed for `kinesis`; resolves to the status, content type and decoded body. */
async function cbor(operation: string, body: object): Promise<{ status: number; type: string | null; body: Wire }> {
  const url = new URL(node.apiUrl);
  const signer = new SignatureV4({
    service: "kinesis",
    region: SERVER_REGION,
    credentials: SERVER_KEY,
    sha256: NodeSha256,
  });
  const payload = encode(body);
  const signed = await signer.sign({
    method: "POST",
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: "/",
    headers: {
      host: url.host,
      "content-type": "application/x-amz-cbor-1.1",
      "x-amz-target": `Kinesis_20131202.${operation}`,
    },
    body: payload,
  });
  const res = await fetch(`${node.apiUrl}/`, { method: "POST", headers: signed.headers, body: payload });
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, type: res.headers.get("content-type"), body: decode(bytes, { tags }) };
}

describe("Kinesis on a server: AWS CLI v2 and CBOR", () => {
  test("AWS CLI: create, wait stream-exists, put, iterate, read, scale, delete, wait stream-not-exists", async () => {
    await cliOk("create-stream", "--stream-name", "cli", "--shard-count", "1");
    await cliOk("wait", "stream-exists", "--stream-name", "cli");
    const put = await cliOk("put-record", "--stream-name", "cli", "--partition-key", "k", "--data", "aGVsbG8=");
    assert.equal(put["ShardId"], "shardId-000000000000");
    const batch = await cliOk(
      "put-records",
      "--stream-name",
      "cli",
      "--records",
      JSON.stringify([
        { PartitionKey: "a", Data: "b25l" },
        { PartitionKey: "b", Data: "dHdv" },
      ]),
    );
    assert.equal(batch["FailedRecordCount"], 0);
    const it = await cliOk(
      ...["get-shard-iterator", "--stream-name", "cli", "--shard-id", "shardId-000000000000"],
      ...["--shard-iterator-type", "AT_SEQUENCE_NUMBER", "--starting-sequence-number", put["SequenceNumber"]],
    );
    const got = await cliOk("get-records", "--shard-iterator", it["ShardIterator"]);
    assert.deepEqual(
      got["Records"].map((r: { Data: string }) => Buffer.from(r.Data, "base64").toString()),
      ["hello", "one", "two"],
    );
    assert.equal(got["MillisBehindLatest"], 0);
    assert.equal(typeof got["NextShardIterator"], "string");
    const summary = await cliOk("describe-stream-summary", "--stream-name", "cli");
    assert.equal(summary["StreamDescriptionSummary"]["StreamStatus"], "ACTIVE");
    const scaled = await cliOk(
      ...[
        "update-shard-count",
        "--stream-name",
        "cli",
        "--target-shard-count",
        "2",
        "--scaling-type",
        "UNIFORM_SCALING",
      ],
    );
    assert.equal(scaled["TargetShardCount"], 2);
    assert.equal((await cliOk("list-shards", "--stream-name", "cli"))["Shards"].length, 3);
    const missing = await cli("describe-stream", "--stream-name", "nope");
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /ResourceNotFoundException.*Stream nope under account \d{12} not found\./);
    await cliOk("delete-stream", "--stream-name", "cli");
    await cliOk("wait", "stream-not-exists", "--stream-name", "cli");
  });

  test("CBOR: byte-string data in and out, tag-1 arrival times in milliseconds, errors in CBOR", async () => {
    assert.equal((await cbor("CreateStream", { StreamName: "java", ShardCount: 1 })).status, 200);
    const before = Date.now();
    const put = await cbor("PutRecord", { StreamName: "java", PartitionKey: "p", Data: Buffer.from([0, 1, 254, 255]) });
    assert.equal(put.status, 200);
    assert.equal(put.type, "application/x-amz-cbor-1.1");
    assert.equal(put.body.ShardId, "shardId-000000000000");
    const it = await cbor("GetShardIterator", {
      StreamName: "java",
      ShardId: "shardId-000000000000",
      ShardIteratorType: "AT_TIMESTAMP",
      Timestamp: new Tagged(1, before - 1000),
    });
    assert.equal(it.status, 200, JSON.stringify(it.body));
    const got = await cbor("GetRecords", { ShardIterator: it.body.ShardIterator, Limit: 10 });
    assert.equal(got.status, 200);
    const [record] = got.body.Records;
    assert.deepEqual([...record.Data], [0, 1, 254, 255]);
    assert.equal(record.SequenceNumber, put.body.SequenceNumber);
    // Tag 1 read as seconds: a value in milliseconds arrives 1000 times later.
    const arrivedMs = record.ApproximateArrivalTimestamp.getTime() / 1000;
    assert.ok(arrivedMs >= before - 5 && arrivedMs <= Date.now() + 5, String(arrivedMs));
    const missing = await cbor("DescribeStream", { StreamName: "nope" });
    assert.equal(missing.status, 400);
    assert.equal(missing.type, "application/x-amz-cbor-1.1");
    assert.equal(missing.body.__type, "ResourceNotFoundException");
    const garbage = await cbor("PutRecord", { StreamName: "java", PartitionKey: "p", Data: 12 });
    assert.equal(garbage.body.__type, "SerializationException");
  });
});
