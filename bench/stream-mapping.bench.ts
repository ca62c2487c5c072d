/**
 * End to end through a Kinesis event source mapping, on a real node (startLambdaNode in this
 * process, SQLite): RECORDS records put (PutRecords, 500 a call) into a one-shard stream, then a
 * mapping (BatchSize 100, TRIM_HORIZON) to a no-op function: records/s from the mapping's creation
 * until the function has been handed every record. Baseline in the same run: the same records as
 * the same Kinesis events (100 records each) handed to the same function by direct synchronous
 * Invoke calls one after another (a shard's batches are in order, so one at a time), through
 * SDK v3. Medians of RUNS runs (each on a fresh stream), with the load average.
 * Run: npm run build && node dist/bench/stream-mapping.bench.js
 *   (BENCH_RECORDS default 5000, BENCH_RUNS default 3)
 */
import { loadavg } from "node:os";
import { CreateEventSourceMappingCommand, CreateFunctionCommand, InvokeCommand } from "@aws-sdk/client-lambda";
import { CreateStreamCommand, KinesisClient, PutRecordsCommand, waitUntilStreamExists } from "@aws-sdk/client-kinesis";
import { zipSync, strToU8 } from "fflate";
import { NODE_ACCOUNT, NODE_REGION, NODE_ROLE, startLambdaNode, type LambdaNode } from "../test/helpers/lambda-node.js";
import { fmt, median } from "./stats.js";

const RECORDS = Number(process.env["BENCH_RECORDS"] ?? 5000);
const RUNS = Number(process.env["BENCH_RUNS"] ?? 3);
const BATCH = 100;
const DATA = Buffer.from('{"order":12345,"items":["a","b"]}');
// One log line per batch: how the bench knows which records the function was handed.
const NOOP = 'exports.handler = async (e) => { console.log("N " + e.Records.length); return null; };';

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(", ");

/** Records handed to the function so far (from the log lines of its invocations). */
function handed(node: LambdaNode, fn: string): number {
  let n = 0;
  for (const r of node.records) {
    if (r.functionName !== fn) continue;
    for (const line of r.lines) {
      const at = line.indexOf("N ");
      if (at >= 0) n += Number(line.slice(at + 2));
    }
  }
  return n;
}

/** Fills a fresh stream with RECORDS, maps it to `fn`, and times until every record was handed over. */
async function throughMapping(node: LambdaNode, kinesis: KinesisClient, run: number): Promise<number> {
  const name = `bench-${run}`;
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
  await waitUntilStreamExists({ client: kinesis, maxWaitTime: 30 }, { StreamName: name });
  for (let i = 0; i < RECORDS; i += 500) {
    const Records = Array.from({ length: Math.min(500, RECORDS - i) }, (_, k) => ({
      Data: DATA,
      PartitionKey: `k${i + k}`,
    }));
    await kinesis.send(new PutRecordsCommand({ StreamName: name, Records }));
  }
  const fn = `noop-${run}`;
  await createNoop(node, fn);
  const started = performance.now();
  await node.client.send(
    new CreateEventSourceMappingCommand({
      FunctionName: fn,
      EventSourceArn: `arn:aws:kinesis:${NODE_REGION}:${NODE_ACCOUNT}:stream/${name}`,
      StartingPosition: "TRIM_HORIZON",
      BatchSize: BATCH,
    }),
  );
  while (handed(node, fn) < RECORDS) await new Promise((r) => setTimeout(r, 10));
  return RECORDS / ((performance.now() - started) / 1000);
}

/** The same events by direct Invoke, one after another (a fresh function: one cold start, as the mapping has). */
async function throughInvoke(node: LambdaNode, run: number): Promise<number> {
  const fn = `direct-${run}`;
  await createNoop(node, fn);
  const record = {
    kinesis: { kinesisSchemaVersion: "1.0", partitionKey: "k", sequenceNumber: "1", data: DATA.toString("base64") },
    eventSource: "aws:kinesis",
    eventSourceARN: `arn:aws:kinesis:${NODE_REGION}:${NODE_ACCOUNT}:stream/direct`,
  };
  const payload = Buffer.from(JSON.stringify({ Records: Array.from({ length: BATCH }, () => record) }));
  const started = performance.now();
  for (let i = 0; i < RECORDS; i += BATCH) {
    await node.client.send(new InvokeCommand({ FunctionName: fn, Payload: payload }));
  }
  return RECORDS / ((performance.now() - started) / 1000);
}

async function createNoop(node: LambdaNode, name: string): Promise<void> {
  await node.client.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: "nodejs20.x",
      Role: NODE_ROLE,
      Handler: "index.handler",
      Code: { ZipFile: zipSync({ "index.js": strToU8(NOOP) }) },
    }),
  );
}

async function main(): Promise<void> {
  const node = await startLambdaNode();
  const kinesis = new KinesisClient({
    region: NODE_REGION,
    endpoint: node.url,
    credentials: { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey },
    maxAttempts: 1,
  });
  try {
    const mapped: number[] = [];
    const direct: number[] = [];
    console.log(`load average before: ${load()}`);
    for (let run = 0; run < RUNS; run++) {
      mapped.push(await throughMapping(node, kinesis, run));
      direct.push(await throughInvoke(node, run));
      console.log(`run ${run + 1}: mapping ${fmt(mapped[run]!, 0)} records/s, direct Invoke ${fmt(direct[run]!, 0)}/s`);
    }
    const m = median(mapped);
    const d = median(direct);
    console.log(
      `Kinesis mapping end to end, ${RECORDS} records, BatchSize ${BATCH}: median ${fmt(m, 0)} records/s; ` +
        `direct Invoke of the same events ${fmt(d, 0)} records/s; ratio ${fmt(m / d)} (${RUNS} runs)`,
    );
    console.log(`load average after: ${load()}`);
  } finally {
    kinesis.destroy();
    await node.close();
  }
}

await main();
