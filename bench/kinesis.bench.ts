/**
 * Kinesis PutRecords and GetRecords throughput: a real `haneul server` (SQLite) against kinesalite
 * (the npm Kinesis emulator, in-memory), each in a process of its own started in this run, driven by
 * the same SDK v3 client (HTTP/1.1). PutRecords: batches of 500 records of 100 bytes, 4 callers;
 * GetRecords: 10 000 records a call from TRIM_HORIZON. Medians of ROUNDS rounds, and ratios.
 * Run: npm run build && node dist/bench/kinesis.bench.js   (BENCH_ROUNDS, default 5)
 */
import { spawn, type ChildProcess } from "node:child_process";
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  PutRecordsCommand,
  waitUntilStreamExists,
} from "@aws-sdk/client-kinesis";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { SERVER_KEY, SERVER_REGION, startServerNode } from "../test/helpers/server-node.js";
import { fmt, median } from "./stats.js";

const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 5);
const BATCHES_PER_ROUND = 20;
const CALLERS = 4;
const DATA = Buffer.alloc(100, 7);

async function startKinesalite(): Promise<{ url: string; child: ChildProcess }> {
  const code = `require("kinesalite")({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0 }).listen(0, "127.0.0.1", function () { console.log("port " + this.address().port); })`;
  const child = spawn(process.execPath, ["-e", code], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<string>((resolve) =>
    child.stdout.on("data", (d: Buffer) => {
      const m = /port (\d+)/.exec(d.toString());
      if (m) resolve(m[1]!);
    }),
  );
  return { url: `http://127.0.0.1:${port}`, child };
}

function client(endpoint: string): KinesisClient {
  return new KinesisClient({
    region: SERVER_REGION,
    endpoint,
    credentials: SERVER_KEY,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ httpAgent: { keepAlive: true, maxSockets: CALLERS } }),
  });
}

/** Records per second of each round of PutRecords, and of each GetRecords call. */
async function measure(k: KinesisClient, stream: string): Promise<{ put: number[]; get: number[] }> {
  await k.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 4 }));
  await waitUntilStreamExists({ client: k, maxWaitTime: 60 }, { StreamName: stream });
  let n = 0;
  const batch = () =>
    k.send(
      new PutRecordsCommand({
        StreamName: stream,
        Records: Array.from({ length: 500 }, () => ({ PartitionKey: `pk-${n++}`, Data: DATA })),
      }),
    );
  const put: number[] = [];
  for (let round = 0; round < ROUNDS + 1; round++) {
    const started = performance.now();
    let left = BATCHES_PER_ROUND;
    await Promise.all(
      Array.from({ length: CALLERS }, async () => {
        while (left-- > 0) await batch();
      }),
    );
    // The first round warms both servers up and is not counted.
    if (round > 0) put.push((BATCHES_PER_ROUND * 500) / ((performance.now() - started) / 1000));
  }
  const get: number[] = [];
  for (let round = 0; round < ROUNDS + 1; round++) {
    const it = await k.send(
      new GetShardIteratorCommand({
        StreamName: stream,
        ShardId: "shardId-000000000000",
        ShardIteratorType: "TRIM_HORIZON",
      }),
    );
    const started = performance.now();
    const got = await k.send(new GetRecordsCommand({ ShardIterator: it.ShardIterator, Limit: 10000 }));
    if (round > 0) get.push(got.Records!.length / ((performance.now() - started) / 1000));
  }
  return { put, get };
}

const node = await startServerNode();
const lite = await startKinesalite();
try {
  const haneul = await measure(client(node.apiUrl), "bench");
  const kinesalite = await measure(client(lite.url), "bench");
  const row = (what: string, h: number[], l: number[]) =>
    console.log(
      `${what}: haneul ${fmt(median(h), 0)} records/s, kinesalite ${fmt(median(l), 0)} records/s, ratio ${fmt(median(h) / median(l))}×`,
    );
  console.log(`medians of ${ROUNDS} rounds`);
  row("PutRecords (500 × 100 B, 4 callers)", haneul.put, kinesalite.put);
  row("GetRecords (10 000 a call)", haneul.get, kinesalite.get);
} finally {
  lite.child.kill();
  await node.close();
}
