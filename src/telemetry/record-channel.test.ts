import assert from "node:assert/strict";
import { test } from "node:test";
import type { InvocationRecord } from "../domain/invocation.js";
import { RecordChannel } from "./record-channel.js";

function record(requestId: string): InvocationRecord {
  return {
    requestId,
    functionName: "f",
    functionArn: "arn:aws:lambda:us-east-1:000000000000:function:f",
    executedVersion: "$LATEST",
    outcome: "ok",
    startedAt: 0,
    durationMs: 1,
    billedDurationMs: 1,
    memorySizeMb: 128,
    maxMemoryUsedMb: 10,
    timeoutSec: 3,
    initLines: [],
    lines: [],
  };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

test("records reach every subscriber after the publishing turn, in order", async () => {
  const channel = new RecordChannel();
  const a: string[] = [];
  const b: string[] = [];
  channel.subscribe((r) => a.push(r.requestId));
  channel.subscribe((r) => b.push(r.requestId));
  channel.publish(record("1"));
  channel.publish(record("2"));
  assert.deepEqual(a, [], "not on the request's path");
  await turn();
  assert.deepEqual(a, ["1", "2"]);
  assert.deepEqual(b, ["1", "2"]);
});

test("without subscribers nothing is queued; an unsubscribed listener hears nothing more", async () => {
  const channel = new RecordChannel();
  channel.publish(record("lost"));
  const seen: string[] = [];
  const off = channel.subscribe((r) => seen.push(r.requestId));
  assert.equal(channel.hasSubscribers, true);
  await turn();
  assert.deepEqual(seen, []);
  channel.publish(record("1"));
  channel.flush();
  assert.deepEqual(seen, ["1"]);
  off();
  assert.equal(channel.hasSubscribers, false);
  channel.publish(record("2"));
  await turn();
  assert.deepEqual(seen, ["1"]);
});

test("a throwing subscriber does not stop the others", async () => {
  const errors: unknown[] = [];
  const channel = new RecordChannel({ onListenerError: (e) => errors.push(e) });
  const seen: string[] = [];
  channel.subscribe(() => {
    throw new Error("boom");
  });
  channel.subscribe((r) => seen.push(r.requestId));
  channel.publish(record("1"));
  await turn();
  assert.deepEqual(seen, ["1"]);
  assert.equal(errors.length, 1);
});
