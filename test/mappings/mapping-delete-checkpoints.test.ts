/**
 * A deleted stream mapping takes its checkpoints with it: the mapping service and runner over real
 * SQLite stores in one data file (as a node keeps them), with a running worker that stored its
 * first checkpoints (LATEST: after the record already there, with no function to invoke).
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { SqliteMappingStore } from "../../src/adapters/sqlite/mapping-store.js";
import { SqliteStreamCheckpointStore } from "../../src/adapters/sqlite/stream-checkpoint-store.js";
import { SqliteStreamStore } from "../../src/adapters/sqlite/stream-store.js";
import { KinesisSourceKind, MappingRunner, MappingService, type MappingFunctions } from "../../src/mappings/index.js";
import { systemClock } from "../../src/shared/clock.js";
import { randomIds } from "../../src/shared/ids.js";
import { tempDir } from "../helpers/temp-dir.js";
import { waitFor } from "../helpers/wait.js";

const dir = tempDir("mapping-delete");
after(() => dir.remove());

test("deleting a stream mapping deletes its checkpoints, those of other mappings stay", async () => {
  const path = `${dir.path}/haneul.db`;
  const mappings = SqliteMappingStore.open({ path });
  const checkpoints = SqliteStreamCheckpointStore.open({ path });
  const streams = SqliteStreamStore.open({ path });
  const scope = { region: "us-east-1", accountId: "123456789012" };
  const arn = "arn:aws:kinesis:us-east-1:123456789012:stream/s";
  await streams.createStream(
    {
      name: "s",
      arn,
      status: "ACTIVE",
      mode: "PROVISIONED",
      retentionHours: 24,
      encryption: "NONE",
      createdAt: 0,
      tags: {},
    },
    [{ index: 0, startingHashKey: "0", endingHashKey: String(2n ** 128n - 1n), createdAt: 0, lastSeq: 0 }],
  );
  await streams.putRecords("s", [{ shardIndex: 0, partitionKey: "k", data: Buffer.from("x") }], Date.now());
  const functions: MappingFunctions = {
    resolve: (name) =>
      name.endsWith("fn")
        ? { functionName: "fn", functionArn: "arn:aws:lambda:us-east-1:123456789012:function:fn", timeoutSec: 3 }
        : undefined,
    reservedConcurrency: () => undefined,
    recursiveLoop: () => undefined,
  };
  const kinds = [new KinesisSourceKind({ store: streams, checkpoints, scope })];
  const runner = new MappingRunner({
    store: mappings,
    kinds,
    context: {
      clock: systemClock,
      // Nothing is invoked: the stream gets no record after the mapping's start.
      invoker: { invoke: () => Promise.reject(new Error("no invocation in this test")) },
      functions,
      region: scope.region,
      log: () => {},
      requestId: () => randomIds.requestId(),
    },
    owner: "node",
    leaseMs: 3000,
  });
  const service = new MappingService({
    ...{ store: mappings, clock: systemClock, ids: randomIds, ...scope, functions, kinds },
    onChange: () => void runner.refresh(),
  });
  try {
    await runner.start();
    const m = await service.create({ FunctionName: "fn", EventSourceArn: arn, StartingPosition: "LATEST" });
    const uuid = m["UUID"] as string;
    await waitFor(async () => (await checkpoints.list(uuid)).some((c) => c.seq === 1), "the worker's first checkpoint");
    await checkpoints.advance("other-mapping", { shardIndex: 0, seq: 1, done: false });
    await service.delete(uuid);
    await runner.refresh(); // the deleted mapping's worker stopped, its checkpoints forgotten again
    assert.ok(!runner.runningIds.includes(uuid));
    assert.deepEqual(await checkpoints.list(uuid), []);
    assert.equal((await checkpoints.list("other-mapping")).length, 1);
  } finally {
    await runner.stop();
    for (const s of [mappings, checkpoints, streams]) await s.close();
  }
});
