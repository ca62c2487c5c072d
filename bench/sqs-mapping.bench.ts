/**
 * SQS through the SDK and through a queue event source mapping, on a real node (startNode in this
 * process, SQLite):
 * - SendMessage accepted/s from SDK v3 clients with keep-alive (CALLERS concurrent callers), against
 *   the same clients calling a bare node:http server in another process (the baseline, same run);
 * - end to end: MESSAGES messages already in a queue, then a mapping (BatchSize 10) to a no-op
 *   function: processed/s from the mapping's creation until the queue is empty (received, run, deleted);
 * - latency of one message at a time: SendMessage until the message has left the queue (received by
 *   the mapping, run by the no-op function, deleted), polled every 2 ms; p50/p99 of LATENCY_SAMPLES.
 * Run: npm run build && node dist/bench/sqs-mapping.bench.js
 *   (BENCH_SECONDS default 5, BENCH_MESSAGES default 2000, BENCH_SAMPLES default 100)
 */
import { CreateEventSourceMappingCommand, CreateFunctionCommand } from "@aws-sdk/client-lambda";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { zipSync, strToU8 } from "fflate";
import { NODE_ACCOUNT, NODE_ROLE, startLambdaNode, type LambdaNode } from "../test/helpers/lambda-node.js";
import { bareServer } from "./bare-server.js";
import { fmt, percentile } from "./stats.js";

const SECONDS = Number(process.env["BENCH_SECONDS"] ?? 5);
const CALLERS = 16;
const MESSAGES = Number(process.env["BENCH_MESSAGES"] ?? 2000);
const LATENCY_SAMPLES = Number(process.env["BENCH_SAMPLES"] ?? 100);
const BODY = '{"order":12345,"items":["a","b"]}';
const arn = (queue: string) => `arn:aws:sqs:us-east-1:${NODE_ACCOUNT}:${queue}`;

/** SDK v3's default handler keeps connections alive (up to 50 sockets a host). */
function sqsClient(endpoint: string, node: LambdaNode): SQSClient {
  return new SQSClient({
    region: "us-east-1",
    endpoint,
    credentials: { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey },
    md5: false,
    maxAttempts: 1,
  });
}

/** SendMessage from CALLERS callers for SECONDS; resolves to accepted/s. */
async function sendRate(sqs: SQSClient, queueUrl: string): Promise<number> {
  let sent = 0;
  const until = Date.now() + SECONDS * 1000;
  const caller = async () => {
    while (Date.now() < until) {
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: BODY }));
      sent++;
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: CALLERS }, caller));
  return sent / ((Date.now() - started) / 1000);
}

async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const a = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return (
    Number(a.Attributes?.["ApproximateNumberOfMessages"]) +
    Number(a.Attributes?.["ApproximateNumberOfMessagesNotVisible"])
  );
}

async function createNoop(node: LambdaNode, name: string): Promise<void> {
  await node.client.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: "nodejs20.x",
      Role: NODE_ROLE,
      Handler: "index.handler",
      Code: { ZipFile: zipSync({ "index.js": strToU8("exports.handler = async () => null;") }) },
    }),
  );
}

/** Fills a queue with MESSAGES, maps it, and times until it is empty. */
async function endToEnd(node: LambdaNode, sqs: SQSClient): Promise<{ rate: number; seconds: number }> {
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: "mapped" }))).QueueUrl!;
  const batches = Array.from({ length: MESSAGES / 10 }, (_, b) =>
    Array.from({ length: 10 }, (_, i) => ({ Id: String(i), MessageBody: `${BODY}${b}` })),
  );
  for (let i = 0; i < batches.length; i += CALLERS) {
    await Promise.all(
      batches.slice(i, i + CALLERS).map((Entries) => sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries }))),
    );
  }
  await createNoop(node, "drain");
  const started = Date.now();
  await node.client.send(
    new CreateEventSourceMappingCommand({ FunctionName: "drain", EventSourceArn: arn("mapped"), BatchSize: 10 }),
  );
  while ((await queueDepth(sqs, url)) > 0) await new Promise((r) => setTimeout(r, 50));
  const seconds = (Date.now() - started) / 1000;
  return { rate: MESSAGES / seconds, seconds };
}

/** One message at a time: SendMessage until the message is gone from the queue (run, then deleted by the poller). */
async function latency(node: LambdaNode, sqs: SQSClient): Promise<number[]> {
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: "latency" }))).QueueUrl!;
  await createNoop(node, "echo");
  await node.client.send(
    new CreateEventSourceMappingCommand({ FunctionName: "echo", EventSourceArn: arn("latency"), BatchSize: 1 }),
  );
  const samples: number[] = [];
  for (let i = 0; i < LATENCY_SAMPLES + 5; i++) {
    const started = performance.now();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: BODY }));
    while ((await queueDepth(sqs, url)) > 0) await new Promise((r) => setTimeout(r, 2));
    if (i >= 5) samples.push(performance.now() - started); // the first ones start the instance
  }
  return samples;
}

async function main(): Promise<void> {
  const node = await startLambdaNode();
  const baseline = await bareServer();
  const sqs = sqsClient(node.url, node);
  const bare = sqsClient(baseline.url, node);
  try {
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "bench" }))).QueueUrl!;
    const base = await sendRate(bare, queueUrl);
    const sent = await sendRate(sqs, queueUrl);
    console.log(
      `SDK v3 SendMessage, ${CALLERS} callers, keep-alive: ${fmt(sent, 0)}/s accepted; baseline ${fmt(base, 0)}/s; ratio ${fmt(sent / base)}`,
    );
    const e2e = await endToEnd(node, sqs);
    console.log(`Mapping end to end: ${MESSAGES} messages in ${fmt(e2e.seconds)} s = ${fmt(e2e.rate, 0)}/s processed`);
    const ms = await latency(node, sqs);
    console.log(
      `SendMessage → function → DeleteMessage (one at a time): p50 ${fmt(percentile(ms, 50))} ms, p99 ${fmt(percentile(ms, 99))} ms (${ms.length} samples)`,
    );
  } finally {
    sqs.destroy();
    bare.destroy();
    baseline.child.kill();
    await node.close();
  }
}

await main();
