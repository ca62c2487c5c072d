/**
 * Schedules firing at once: N EventBridge Scheduler schedules (`at(T)`, the same instant, an SQS
 * target as a role allowed to send) on a real node (startNode in this process, SQLite, the real
 * clock): the time from T until all N messages are in the queue. Baseline in the same run: N
 * SendMessage calls to the same node from SDK v3 clients (CALLERS concurrent callers), alternating
 * rounds. Run: npm run build && node dist/bench/scheduler-fanout.bench.js (BENCH_SCHEDULES default 1000)
 */
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { CreateScheduleCommand, SchedulerClient } from "@aws-sdk/client-scheduler";
import { createFunctionRole } from "../test/helpers/iam.js";
import { NODE_ACCOUNT, startLambdaNode } from "../test/helpers/lambda-node.js";
import { fmt, median } from "./stats.js";

const N = Number(process.env["BENCH_SCHEDULES"] ?? 1000);
const ROUNDS = 3;
const CALLERS = 16;

const node = await startLambdaNode();
const config = {
  region: "us-east-1",
  endpoint: node.url,
  credentials: { accessKeyId: node.accessKeyId, secretAccessKey: node.secretAccessKey },
  maxAttempts: 1,
};
const sqs = new SQSClient({ ...config, md5: false });
const scheduler = new SchedulerClient(config);
const role = await createFunctionRole({ endpoint: node.url, ...config.credentials }, "fanout", {
  actions: ["sqs:SendMessage"],
});
/** A fresh queue for each round (PurgeQueue may run once a minute). */
const queue = async (name: string) => ({
  url: (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!,
  arn: `arn:aws:sqs:us-east-1:${NODE_ACCOUNT}:${name}`,
});

async function depth(queueUrl: string): Promise<number> {
  const a = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }),
  );
  return Number(a.Attributes?.["ApproximateNumberOfMessages"]);
}

/** Runs `work(i)` for i < N from CALLERS concurrent callers. */
async function concurrently(work: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const caller = async () => {
    while (next < N) await work(next++);
  };
  await Promise.all(Array.from({ length: CALLERS }, caller));
}

/** Baseline: ms for N SendMessage calls. */
async function directSends(round: number): Promise<number> {
  const { url: queueUrl } = await queue(`direct-${round}`);
  const t0 = performance.now();
  await concurrently(() => sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "tick" })));
  return performance.now() - t0;
}

/** ms from the schedules' instant until all N messages are in the queue. */
async function scheduledSends(round: number): Promise<{ ms: number; createMs: number }> {
  const { url: queueUrl, arn: queueArn } = await queue(`scheduled-${round}`);
  // Far enough ahead for the creation of N schedules on a loaded machine (at() takes whole seconds).
  const at = Math.ceil((Date.now() + 20_000 + N * 30) / 1000) * 1000;
  const expression = `at(${new Date(at).toISOString().slice(0, 19)})`;
  const c0 = performance.now();
  await concurrently((i) =>
    scheduler.send(
      new CreateScheduleCommand({
        Name: `r${round}-${i}`,
        ScheduleExpression: expression,
        FlexibleTimeWindow: { Mode: "OFF" },
        ActionAfterCompletion: "DELETE",
        Target: { Arn: queueArn, RoleArn: role, Input: "tick" },
      }),
    ),
  );
  const createMs = performance.now() - c0;
  if (Date.now() >= at) throw new Error("the schedules were created too late: raise the lead");
  while ((await depth(queueUrl)) < N) await new Promise((r) => setTimeout(r, 20));
  return { ms: Date.now() - at, createMs };
}

const direct: number[] = [];
const scheduled: number[] = [];
const creates: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  direct.push(await directSends(r));
  const s = await scheduledSends(r);
  scheduled.push(s.ms);
  creates.push(s.createMs);
  console.log(
    `round ${r + 1}: direct ${fmt(direct[r]!, 0)} ms, scheduled ${fmt(s.ms, 0)} ms (created in ${fmt(s.createMs, 0)} ms)`,
  );
}
const d = median(direct);
const s = median(scheduled);
console.log(`\n${N} messages, medians of ${ROUNDS} rounds`);
console.log(`| case | ms for ${N} | messages/s | vs baseline |`);
console.log(`| SendMessage, ${CALLERS} SDK v3 callers (baseline) | ${fmt(d, 0)} | ${fmt((N * 1000) / d, 0)} | 1.00 |`);
console.log(`| ${N} schedules due at one instant | ${fmt(s, 0)} | ${fmt((N * 1000) / s, 0)} | ${fmt(s / d)} |`);
console.log(`(CreateSchedule ×${N}: median ${fmt(median(creates), 0)} ms)`);
sqs.destroy();
scheduler.destroy();
await node.close();
