/**
 * Queue and async throughput on a real node (startNode in this process, SQLite, SDK v3 clients):
 * SQS SendMessage accepted/s and Event Invoke (durable enqueue) accepted/s, each against the same
 * SDK calls answered by a bare node:http server in another process (the baseline, same run), and
 * end-to-end processed Event invocations/s of a no-op function (accepted → run → done).
 * Run: npm run build && node dist/bench/queues.bench.js   (BENCH_SECONDS, BENCH_CONCURRENCY)
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { CreateFunctionCommand, InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { CreateQueueCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { zipSync, strToU8 } from "fflate";
import { NODE_ROLE, startLambdaNode } from "../test/helpers/lambda-node.js";
import { fmt } from "./stats.js";

const SECONDS = Number(process.env["BENCH_SECONDS"] ?? 5);
const CONCURRENCY = Number(process.env["BENCH_CONCURRENCY"] ?? 32);
const BODY = '{"order":12345,"items":["a","b"]}';
const MD5 = createHash("md5").update(BODY).digest("hex");

/** Runs `call` from CONCURRENCY loops for SECONDS; resolves to calls per second. */
async function rate(call: () => Promise<unknown>): Promise<number> {
  const end = Date.now() + SECONDS * 1000;
  let n = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < end) {
        await call();
        n++;
      }
    }),
  );
  return n / SECONDS;
}

/** A bare server answering SendMessage (JSON protocol) and Invoke (202) without doing anything. */
async function bare(): Promise<{ url: string; child: ChildProcess }> {
  const send = JSON.stringify({ MessageId: "00000000-0000-0000-0000-000000000000", MD5OfMessageBody: MD5 });
  const code = `require("node:http").createServer((q,s)=>{q.resume();q.on("end",()=>{const sqs=!!q.headers["x-amz-target"];const b=sqs?${JSON.stringify(send)}:"";s.writeHead(sqs?200:202,{"content-type":"application/x-amz-json-1.0","content-length":Buffer.byteLength(b)});s.end(b)})}).listen(0,"127.0.0.1",function(){console.log("port "+this.address().port)})`;
  const child = spawn(process.execPath, ["-e", code], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<string>((resolve) =>
    child.stdout!.on("data", (d: Buffer) => {
      const m = /port (\d+)/.exec(d.toString());
      if (m) resolve(m[1]!);
    }),
  );
  return { url: `http://127.0.0.1:${port}`, child };
}

async function main(): Promise<void> {
  const node = await startLambdaNode();
  const baseline = await bare();
  const credentials = { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey };
  const sqs = (endpoint: string) => new SQSClient({ region: "us-east-1", endpoint, credentials, maxAttempts: 1 });
  const lambda = (endpoint: string) => new LambdaClient({ region: "us-east-1", endpoint, credentials, maxAttempts: 1 });
  try {
    const real = sqs(node.url);
    const url = (await real.send(new CreateQueueCommand({ QueueName: "bench" }))).QueueUrl!;
    const fake = sqs(baseline.url);
    const baseSend = await rate(() =>
      fake.send(new SendMessageCommand({ QueueUrl: `${baseline.url}/1/q`, MessageBody: BODY })),
    );
    const send = await rate(() => real.send(new SendMessageCommand({ QueueUrl: url, MessageBody: BODY })));
    console.log(
      `SQS SendMessage: ${fmt(send, 0)}/s accepted; baseline ${fmt(baseSend, 0)}/s; ratio ${fmt(send / baseSend)}`,
    );

    await node.client.send(
      new CreateFunctionCommand({
        FunctionName: "noop",
        Runtime: "nodejs20.x",
        Role: NODE_ROLE,
        Handler: "index.handler",
        Code: { ZipFile: zipSync({ "index.js": strToU8("exports.handler = async () => null;") }) },
      }),
    );
    const fakeLambda = lambda(baseline.url);
    const baseInvoke = await rate(() =>
      fakeLambda.send(new InvokeCommand({ FunctionName: "noop", InvocationType: "Event", Payload: BODY })),
    );
    const before = node.records.length;
    const started = Date.now();
    let accepted = 0;
    const realLambda = lambda(node.url);
    const enqueue = await rate(async () => {
      await realLambda.send(new InvokeCommand({ FunctionName: "noop", InvocationType: "Event", Payload: BODY }));
      accepted++;
    });
    console.log(
      `Event enqueue: ${fmt(enqueue, 0)}/s accepted; baseline ${fmt(baseInvoke, 0)}/s; ratio ${fmt(enqueue / baseInvoke)}`,
    );
    while (node.records.length - before < accepted) await new Promise((r) => setTimeout(r, 20));
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `Event end to end: ${accepted} events accepted and run in ${fmt(seconds)} s = ${fmt(accepted / seconds, 0)}/s processed`,
    );
  } finally {
    baseline.child.kill();
    await node.close();
  }
}

await main();
