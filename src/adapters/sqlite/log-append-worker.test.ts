import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import type { InvocationRecord } from "../../domain/invocation.js";
import { eachInvocationEvent, LogBatchBuilder, type LogBatch } from "../../domain/log-batch.js";
import type { LogEventInput } from "../../ports/log-store.js";
import { threadExecArgv } from "./write-thread.js";
import { SqliteLogStore } from "./log-store.js";

const T0 = 1_700_000_000_000;
const GROUP = "/aws/lambda/f";
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDb(): string {
  const d = mkdtempSync(join(tmpdir(), "haneul-append-thread-"));
  dirs.push(d);
  return join(d, "haneul.db");
}

function batch(from: number, count: number, stream = "s"): LogEventInput[] {
  return Array.from({ length: count }, (_, i) => ({
    ...{ groupName: GROUP, streamName: stream, timestamp: T0 + from + i, message: `line ${from + i}` },
  }));
}

async function messages(store: SqliteLogStore): Promise<string[]> {
  return (await store.readEvents({ groupName: GROUP, limit: 1_000_000 })).map((e) => e.message);
}

/** A writer's batch of `count` raw records (cold starts on even calls, a timeout every third). */
function records(from: number, count: number): { batch: LogBatch; messages: string[] } {
  const b = new LogBatchBuilder();
  const messages: string[] = [];
  for (let i = from; i < from + count; i++) {
    const r: InvocationRecord = {
      ...{ requestId: `r${i}`, functionName: "f", functionArn: "arn:aws:lambda:us-east-1:0:function:f" },
      ...{ executedVersion: "$LATEST", outcome: i % 3 === 0 ? "timeout" : "ok", startedAt: T0 + i * 10_000 },
      ...{ durationMs: 1.25, billedDurationMs: 2, memorySizeMb: 128, maxMemoryUsedMb: 50, timeoutSec: 3 },
      ...{ initDurationMs: i % 2 === 0 ? 99.5 : undefined, logStreamName: "s" },
      ...{ initLines: i % 2 === 0 ? [`init ${i}`] : [], lines: [`line ${i}`] },
    };
    b.addInvocation(r, GROUP);
    eachInvocationEvent(r, (_, m) => messages.push(m));
  }
  return { batch: b.take() as LogBatch, messages };
}

describe("SqliteLogStore with its append thread", () => {
  test("a writer's raw records are formatted on the thread, the same text in process after a crash", async () => {
    const crashes: Error[] = [];
    const store = SqliteLogStore.open({ path: tempDb(), appendThread: { onCrash: (e) => crashes.push(e) } });
    try {
      const first = records(0, 30);
      const second = records(30, 30);
      const done = store.appendBatch(first.batch, T0);
      const crashed = store.crashAppendThreadForTest();
      await Promise.all([done, crashed, store.appendBatch(second.batch, T0)]);
      assert.equal(crashes.length, 1);
      const got = await messages(store);
      assert.deepEqual(got, [...first.messages, ...second.messages]);
      assert.equal(got[1], "START RequestId: r0 Version: $LATEST");
      assert.match(
        got[5] ?? "",
        /^REPORT RequestId: r0\tDuration: 1\.25 ms\t.*\tInit Duration: 99\.50 ms\tStatus: timeout\t$/,
      );
    } finally {
      await store.close();
    }
  });

  test("close stores every batch posted before it, in order", async () => {
    const path = tempDb();
    const store = SqliteLogStore.open({ path, appendThread: { onCrash: (e) => assert.fail(e) } });
    const posted: Promise<void>[] = [];
    for (let i = 0; i < 40; i++) posted.push(store.append(batch(i * 50, 50), T0, { create: true }));
    await store.close();
    await Promise.all(posted);
    const reopened = SqliteLogStore.open({ path });
    try {
      const got = await messages(reopened);
      assert.equal(got.length, 2000);
      assert.deepEqual(
        got,
        batch(0, 2000).map((e) => e.message),
      );
    } finally {
      await reopened.close();
    }
  });

  test("a read right after an append (not awaited) sees it; a failed batch rejects and stores nothing", async () => {
    const store = SqliteLogStore.open({ path: tempDb(), appendThread: { onCrash: (e) => assert.fail(e) } });
    try {
      const appended = store.append(batch(0, 3), T0, { create: true });
      assert.deepEqual(await messages(store), ["line 0", "line 1", "line 2"]);
      await appended;
      await assert.rejects(store.append(batch(3, 2, "missing"), T0), /does not exist/);
      assert.equal((await messages(store)).length, 3);
    } finally {
      await store.close();
    }
  });

  test("a delete between appends removes those before it; those after it make the group again", async () => {
    const store = SqliteLogStore.open({ path: tempDb(), appendThread: { onCrash: (e) => assert.fail(e) } });
    try {
      const before = store.append(batch(0, 5), T0, { create: true });
      const deleted = store.deleteGroup(GROUP);
      const afterDelete = store.append(batch(100, 2), T0, { create: true });
      await Promise.all([before, afterDelete]);
      assert.equal(await deleted, true);
      assert.deepEqual(await messages(store), ["line 100", "line 101"]);
    } finally {
      await store.close();
    }
  });

  test("a crash of the thread is reported; the batches it had not read are appended in process, once", async () => {
    const crashes: Error[] = [];
    const store = SqliteLogStore.open({ path: tempDb(), appendThread: { onCrash: (e) => crashes.push(e) } });
    try {
      const first = store.append(batch(0, 10), T0, { create: true });
      const crashed = store.crashAppendThreadForTest();
      // Posted after the crash: the thread never reads these.
      const held = [store.append(batch(10, 1000), T0, { create: true }), store.append(batch(1010, 5), T0)];
      await Promise.all([first, crashed, ...held]);
      await store.append(batch(1015, 5), T0);
      assert.equal(crashes.length, 1);
      assert.match(String(crashes[0]?.message), /append thread exited \(code 1\)/);
      assert.deepEqual(
        await messages(store),
        batch(0, 1020).map((e) => e.message),
      );
    } finally {
      await store.close();
    }
  });
});

void test("the thread inherits the process's Node.js options, less --input-type when it has it", () => {
  assert.equal(threadExecArgv(["--stack-trace-limit=10", "--secure-heap=0"]), undefined);
  assert.deepEqual(threadExecArgv(["--input-type=module", "--enable-source-maps"]), ["--enable-source-maps"]);
});

void test("a thread Node.js refuses to start leaves appends in process, reported once", async () => {
  const crashes: Error[] = [];
  const path = tempDb();
  const original = process.execArgv;
  // Options Node.js refuses for a thread, given explicitly (as --input-type makes them be).
  process.execArgv = ["--input-type=module", "--secure-heap=0"];
  let store: SqliteLogStore;
  try {
    store = SqliteLogStore.open({ path, appendThread: { onCrash: (e) => crashes.push(e) } });
  } finally {
    process.execArgv = original;
  }
  await store.append(batch(0, 3), T0, { create: true });
  assert.deepEqual(await messages(store), ["line 0", "line 1", "line 2"]);
  await store.close();
  assert.equal(crashes.length, 1);
});
