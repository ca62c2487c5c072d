/**
 * Consumes one queue mapping: pollers receive through the queue feature's own operations, gather
 * a batch (BatchSize, MaximumBatchingWindowInSeconds), drop what FilterCriteria rejects (deleted,
 * as Lambda does), invoke the function synchronously with the SQS event and delete what it
 * processed. A failed batch is left to its visibility timeout (the queue's RedrivePolicy then
 * moves it to the DLQ); with ReportBatchItemFailures only the reported messages stay. FIFO queues:
 * one batch per message group, groups in parallel; the queue hands out no message of a group
 * while one of it is in flight, so a group waits while its batch fails. Pollers grow by one while
 * batches come full, and shrink on empty polls and throttles, up to ScalingConfig.MaximumConcurrency
 * and the function's reserved concurrency.
 */
import type { QueueService } from "../queues/index.js";
import type { MappingRecord } from "../ports/mapping-store.js";
import type { EventPredicate } from "../domain/event-pattern/index.js";
import { isRecursionStopped, newTraceRoot, nextLineage } from "../domain/recursion.js";
import { compileFilters, filterableSqsRecord } from "./filters.js";
import { queueNameOf, type SqsSettings } from "./sqs-source.js";
import { reportedFailures, sqsRecord, type ReceivedMessage, type SqsRecord } from "./sqs-records.js";
import type { MappingWorker, WorkerContext } from "./types.js";

/** Pollers of a mapping without ScalingConfig grow up to this (Lambda's own bound is higher). */
const DEFAULT_MAX_POLLERS = 1000;
/** How long one receive waits for a first message (real seconds): also how soon a stop is noticed. */
const WAIT_SECONDS = 1;
const RETRY_MS = 1000;

export interface SqsPollerContext extends WorkerContext {
  readonly queues: QueueService;
}

interface Target {
  readonly functionName: string;
  readonly qualifier?: string | undefined;
}

/** A queue mapping's pollers on this node. */
export class SqsPoller implements MappingWorker {
  readonly #ctx: SqsPollerContext;
  #settings!: SqsSettings;
  #filter: EventPredicate | undefined;
  #target!: Target;
  #queueUrl!: string;
  #functionArn!: string;
  #arn!: string;
  #running = true;
  #pollers = 0;
  readonly #loops = new Set<Promise<void>>();
  readonly #sleepers = new Set<() => void>();

  constructor(mapping: MappingRecord, ctx: SqsPollerContext) {
    this.#ctx = ctx;
    this.update(mapping);
    this.#spawn();
  }

  update(m: MappingRecord): void {
    this.#settings = m.settings as unknown as SqsSettings;
    this.#filter = compileFilters(this.#settings.FilterCriteria);
    const [functionName = "", qualifier] = m.functionArn.split(":").slice(6);
    this.#target = { functionName, qualifier };
    this.#functionArn = m.functionArn;
    this.#arn = m.eventSourceArn;
    const scope = this.#ctx.queues.admin.scope;
    this.#queueUrl = `/${scope.accountId}/${queueNameOf(m.eventSourceArn, scope) ?? ""}`;
  }

  async stop(): Promise<void> {
    this.#running = false;
    for (const wake of this.#sleepers) wake();
    while (this.#loops.size > 0) await Promise.all([...this.#loops]);
  }

  #limit(): number {
    const max = this.#settings.ScalingConfig?.MaximumConcurrency ?? DEFAULT_MAX_POLLERS;
    const reserved = this.#ctx.functions.reservedConcurrency(this.#target.functionName);
    return Math.max(1, Math.min(max, reserved ?? Infinity));
  }

  #spawn(): void {
    this.#pollers++;
    const loop = this.#loop().finally(() => {
      this.#pollers--;
      this.#loops.delete(loop);
    });
    this.#loops.add(loop);
  }

  async #loop(): Promise<void> {
    while (this.#running) {
      try {
        if (this.#ctx.functions.reservedConcurrency(this.#target.functionName) === 0) {
          await this.#sleep(RETRY_MS); // reserved concurrency 0: nothing is invoked, messages wait
          continue;
        }
        const batch = await this.#collect();
        if (batch.length === 0) {
          if (this.#pollers > 1) return;
          continue;
        }
        if (batch.length >= this.#settings.BatchSize && this.#pollers < this.#limit()) this.#spawn();
        const throttled = await this.#process(batch);
        if ((throttled || this.#pollers > this.#limit()) && this.#pollers > 1) return;
      } catch (e) {
        this.#ctx.log(`event source mapping on ${this.#arn}`, e);
        await this.#sleep(RETRY_MS);
      }
    }
  }

  /** Receives up to BatchSize messages, waiting up to the batching window from the first one. */
  async #collect(): Promise<ReceivedMessage[]> {
    const { BatchSize, MaximumBatchingWindowInSeconds } = this.#settings;
    const clock = this.#ctx.clock;
    const batch: ReceivedMessage[] = [];
    let deadline: number | undefined;
    while (this.#running && batch.length < BatchSize) {
      const remaining = deadline === undefined ? Infinity : deadline - clock.now();
      if (remaining <= 0) break;
      const wait = remaining >= 1000 ? WAIT_SECONDS : 0;
      const got = await this.#receive(Math.min(10, BatchSize - batch.length), wait);
      batch.push(...got);
      if (batch.length === 0) return batch;
      if (MaximumBatchingWindowInSeconds === 0) break;
      deadline ??= clock.now() + MaximumBatchingWindowInSeconds * 1000;
      if (got.length === 0 && wait === 0) await this.#sleep(Math.min(remaining, 100));
    }
    return batch;
  }

  async #receive(max: number, waitSeconds: number): Promise<ReceivedMessage[]> {
    const out = await this.#ctx.queues.messages.receiveMessage({
      QueueUrl: this.#queueUrl,
      MaxNumberOfMessages: max,
      WaitTimeSeconds: waitSeconds,
      AttributeNames: ["All"],
      MessageAttributeNames: ["All"],
    });
    return (out["Messages"] as ReceivedMessage[] | undefined) ?? [];
  }

  /** Filters and invokes a batch; true when the function was throttled. */
  async #process(batch: readonly ReceivedMessage[]): Promise<boolean> {
    const source = { arn: this.#arn, region: this.#ctx.region };
    const records = batch.map((m) => sqsRecord(m, source));
    const filter = this.#filter;
    const kept = filter ? records.filter((r) => filter(filterableSqsRecord(r))) : records;
    if (kept.length < records.length) await this.#delete(records.filter((r) => !kept.includes(r)));
    if (kept.length === 0) return false;
    const groups = new Map<string, SqsRecord[]>();
    for (const r of kept) {
      const group = r.attributes["MessageGroupId"] ?? "";
      const list = groups.get(group) ?? [];
      list.push(r);
      groups.set(group, list);
    }
    const results = await Promise.all([...groups.values()].map((g) => this.#invoke(g)));
    return results.includes(true);
  }

  /**
   * Leaves out the records whose chain would run the function a 17th time (RecursiveLoop
   * Terminate): they are not deleted, so the queue's RedrivePolicy takes them to its DLQ.
   * Answers the rest and the trace header to invoke them with.
   */
  #withoutLoops(records: readonly SqsRecord[]): { kept: SqsRecord[]; traceId: string | undefined } {
    const setting = this.#ctx.functions.recursiveLoop(this.#target.functionName);
    const kept: SqsRecord[] = [];
    let traceId: string | undefined;
    for (const r of records) {
      const step = nextLineage(r.attributes["AWSTraceHeader"], {
        functionArn: this.#functionArn,
        newRoot: () => newTraceRoot(this.#ctx.clock.now(), r.messageId.replaceAll("-", "").slice(0, 24)),
      });
      if (isRecursionStopped(step.count, setting)) continue;
      kept.push(r);
      traceId ??= step.header;
    }
    const stopped = records.length - kept.length;
    if (stopped > 0) this.#ctx.onRecursionStopped?.({ functionName: this.#target.functionName, messages: stopped });
    return { kept, traceId };
  }

  /** Invokes the function with `records`, retrying throttles while the messages stay hidden; true when throttled. */
  async #invoke(all: readonly SqsRecord[]): Promise<boolean> {
    const { kept: records, traceId } = this.#withoutLoops(all);
    if (records.length === 0) return false;
    const payload = Buffer.from(JSON.stringify({ Records: records }));
    const clock = this.#ctx.clock;
    const giveUpAt = clock.now() + (await this.#visibilityMs()) / 2;
    let throttled = false;
    for (let backoff = 100; ; backoff = Math.min(backoff * 2, 5000)) {
      let result;
      try {
        result = await this.#ctx.invoker.invoke(this.#target, payload, { traceId });
      } catch (e) {
        this.#ctx.log(`event source mapping on ${this.#arn} could not invoke ${this.#target.functionName}`, e);
        return false;
      }
      const o = result.outcome;
      if (o.kind === "throttled") {
        throttled = true;
        if (clock.now() + backoff >= giveUpAt || !this.#running) return true;
        await this.#sleep(backoff);
        continue;
      }
      if (o.kind !== "ok") return throttled; // left to the visibility timeout
      const reports = this.#settings.FunctionResponseTypes.includes("ReportBatchItemFailures");
      const failed = reports ? reportedFailures(o.payload, new Set(records.map((r) => r.messageId))) : new Set();
      if (failed === "all") return throttled;
      await this.#delete(records.filter((r) => !failed.has(r.messageId)));
      return throttled;
    }
  }

  /** How long received messages stay hidden: throttled batches are retried for half of it. */
  async #visibilityMs(): Promise<number> {
    const name = this.#queueUrl.split("/")[2] ?? "";
    const q = await this.#ctx.queues.admin.byName(name);
    return Number(q?.attributes["VisibilityTimeout"] ?? 30) * 1000;
  }

  async #delete(records: readonly SqsRecord[]): Promise<void> {
    for (let i = 0; i < records.length; i += 10) {
      const Entries = records.slice(i, i + 10).map((r, j) => ({ Id: String(j), ReceiptHandle: r.receiptHandle }));
      await this.#ctx.queues.messages.deleteMessageBatch({ QueueUrl: this.#queueUrl, Entries });
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        cancel();
        this.#sleepers.delete(done);
        resolve();
      };
      const cancel = this.#ctx.clock.setTimer(done, ms);
      this.#sleepers.add(done);
    });
  }
}
