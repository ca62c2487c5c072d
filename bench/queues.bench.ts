/**
 * Queue and async throughput on a real node (startNode in this process, SQLite), driven by wrk
 * (50 connections, SigV4-signed requests): SQS SendMessage accepted/s and Event Invoke (durable
 * enqueue) accepted/s, each against a bare node:http server answering the same request in another
 * process (the baseline, same run); then end-to-end processed Event invocations/s of a no-op
 * function (from the first accepted event until the last has run).
 * The node's CPU time per accepted request (this process's, the node runs in it; wrk and the
 * function instances are other processes) is printed too: on a loaded machine it moves far less
 * than the rates do.
 * Run: npm run build && node dist/bench/queues.bench.js   (BENCH_SECONDS, default 5)
 */
import { SignatureV4 } from "@smithy/signature-v4";
import { CreateFunctionCommand } from "@aws-sdk/client-lambda";
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { zipSync, strToU8 } from "fflate";
import { NODE_ROLE, startLambdaNode, type LambdaNode } from "../test/helpers/lambda-node.js";
import { NodeSha256 } from "../test/helpers/sigv4-signer.js";
import { bareServer as bare } from "./bare-server.js";
import { fmt } from "./stats.js";
import { hasWrk, runWrkAsync as runWrk, type WrkRequest } from "./wrk.js";

const SECONDS = Number(process.env["BENCH_SECONDS"] ?? 5);
const CONNECTIONS = 50;
const BODY = '{"order":12345,"items":["a","b"]}';

async function signed(
  node: LambdaNode,
  o: { service: string; path: string; headers: Record<string, string>; body: string },
): Promise<WrkRequest> {
  const url = new URL(o.path, node.url);
  const signer = new SignatureV4({
    service: o.service,
    region: "us-east-1",
    credentials: { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey },
    sha256: NodeSha256,
  });
  const request = await signer.sign({
    method: "POST",
    protocol: "http:",
    hostname: url.hostname,
    port: Number(url.port),
    path: url.pathname,
    headers: { host: url.host, ...o.headers },
    body: o.body,
  });
  return { method: "POST", headers: request.headers, body: o.body };
}

/** This process's CPU time (user + system) in microseconds since `from` (process.cpuUsage()). */
function cpuSince(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return d.user + d.system;
}

/** Waits until no new invocation record arrived for a second; resolves to when the last one came. */
async function settled(node: LambdaNode): Promise<number> {
  let count = node.records.length;
  let lastAt = Date.now();
  while (Date.now() - lastAt < 1000) {
    await new Promise((r) => setTimeout(r, 50));
    if (node.records.length !== count) {
      count = node.records.length;
      lastAt = Date.now();
    }
  }
  return lastAt;
}

async function main(): Promise<void> {
  if (!hasWrk()) throw new Error("wrk is not installed (apt-get install wrk)");
  const node = await startLambdaNode();
  const baseline = await bare();
  try {
    const credentials = { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey };
    const sqs = new SQSClient({ region: "us-east-1", endpoint: node.url, credentials });
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "bench" }))).QueueUrl!;
    sqs.destroy();
    const sendBody = JSON.stringify({ QueueUrl: queueUrl, MessageBody: BODY });
    const send = await signed(node, {
      service: "sqs",
      path: "/",
      headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": "AmazonSQS.SendMessage" },
      body: sendBody,
    });
    const base = await runWrk(baseline.url, { connections: CONNECTIONS, seconds: SECONDS, request: send });
    const sendCpu = process.cpuUsage();
    const sent = await runWrk(`${node.url}/`, { connections: CONNECTIONS, seconds: SECONDS, request: send });
    const sendCpuUs = cpuSince(sendCpu) / (sent.rps * SECONDS);
    console.log(
      `SQS SendMessage: ${fmt(sent.rps, 0)}/s accepted (p50 ${fmt(sent.p50Ms)} ms, p99 ${fmt(sent.p99Ms)} ms, non-2xx ${sent.non2xx}); ` +
        `baseline ${fmt(base.rps, 0)}/s; ratio ${fmt(sent.rps / base.rps)}; node CPU ${fmt(sendCpuUs, 0)} µs/request`,
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
    const invoke = await signed(node, {
      service: "lambda",
      path: "/2015-03-31/functions/noop/invocations",
      headers: { "content-type": "application/json", "x-amz-invocation-type": "Event" },
      body: BODY,
    });
    const baseInvoke = await runWrk(baseline.url, { connections: CONNECTIONS, seconds: SECONDS, request: invoke });
    const before = node.records.length;
    const started = Date.now();
    const enqCpu = process.cpuUsage();
    const enq = await runWrk(`${node.url}/2015-03-31/functions/noop/invocations`, {
      connections: CONNECTIONS,
      seconds: SECONDS,
      request: invoke,
    });
    console.log(
      `Event enqueue: ${fmt(enq.rps, 0)}/s accepted (p50 ${fmt(enq.p50Ms)} ms, p99 ${fmt(enq.p99Ms)} ms, non-2xx ${enq.non2xx}); ` +
        `baseline ${fmt(baseInvoke.rps, 0)}/s; ratio ${fmt(enq.rps / baseInvoke.rps)}` +
        ` (node CPU while accepting, events also running: ${fmt(cpuSince(enqCpu) / (enq.rps * SECONDS), 0)} µs/request)`,
    );
    const lastAt = await settled(node);
    const ran = node.records.length - before;
    const seconds = (lastAt - started) / 1000;
    console.log(
      `Event end to end: ${ran} events run in ${fmt(seconds)} s = ${fmt(ran / seconds, 0)}/s processed; ` +
        `node CPU ${fmt(cpuSince(enqCpu) / ran, 0)} µs/event (enqueue and run)`,
    );
  } finally {
    baseline.child.kill();
    await node.close();
  }
}

await main();
