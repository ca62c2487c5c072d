/** Sending, receiving (long polling), deleting and hiding messages. */
import type { NewQueueMessage, QueueMessageRecord, QueueRecord, QueueStore } from "../ports/queue-store.js";
import type { Clock } from "../shared/clock.js";
import { PlatformError } from "../shared/errors.js";
import type { IdSource } from "../shared/ids.js";
import { checkBatch, entryFailure } from "./batch.js";
import { checkMessage } from "./message-input.js";
import { md5OfAttributes, md5OfBody } from "./md5.js";
import { messageView } from "./message-view.js";
import type { QueueAdmin } from "./queue-admin.js";
import { numberAttribute, redrivePolicyOf } from "./queue-attributes.js";
import { nameFromArn } from "./queue-refs.js";
import { checkReceiptHandle, newReceiptHandle } from "./receipt-handles.js";
import type { BatchFailure, CallContext, HandleEntry, Json, ReceiveInput, SendEntry } from "./types.js";

const DEDUP_WINDOW_MS = 5 * 60_000;
/** Long polls look again this often for messages other nodes sent or that became visible. */
const POLL_MS = 1000;
const MAX_BATCH_BYTES = 262_144;

export interface QueueMessagesOptions {
  readonly store: QueueStore;
  readonly admin: QueueAdmin;
  readonly clock: Clock;
  /**
   * The clock long polls wait on: a client's WaitTimeSeconds is real time (like the gateway's
   * timeout), also when the platform clock runs faster under --time-scale. Default: `clock`.
   */
  readonly waitClock?: Clock | undefined;
  readonly ids: IdSource;
}

const invalid = (message: string) => new PlatformError("ERR_SQS_INVALID_PARAMETER_VALUE", message);

function intParam(name: string, v: number | undefined, range: [number, number]): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isInteger(v) || v < range[0] || v > range[1]) {
    throw invalid(
      `Value ${v} for parameter ${name} is invalid. Reason: Must be between ${range[0]} and ${range[1]}, if provided.`,
    );
  }
  return v;
}

/** The message half of SQS. */
export class QueueMessages {
  readonly #o: QueueMessagesOptions;
  readonly #waiters = new Map<string, Set<() => void>>();
  readonly #attempts = new Map<string, { result: Json; until: number }>();

  constructor(options: QueueMessagesOptions) {
    this.#o = options;
  }

  async sendMessage(input: SendEntry & { QueueUrl?: string }, ctx: CallContext): Promise<Json> {
    const q = await this.#o.admin.byUrl(input.QueueUrl);
    const [sent] = await this.#send(q, [input], ctx);
    return sent!;
  }

  async sendMessageBatch(
    input: { QueueUrl?: string; Entries?: readonly SendEntry[] },
    ctx: CallContext,
  ): Promise<Json> {
    const q = await this.#o.admin.byUrl(input.QueueUrl);
    checkBatch(input.Entries);
    const failed: BatchFailure[] = [];
    const valid: SendEntry[] = [];
    let bytes = 0;
    for (const e of input.Entries!) {
      try {
        bytes += checkMessage(q, e).size;
        valid.push(e);
      } catch (err) {
        failed.push(entryFailure(e.Id!, err));
      }
    }
    if (bytes > MAX_BATCH_BYTES) {
      throw new PlatformError(
        "ERR_SQS_BATCH_TOO_LONG",
        `Batch requests cannot be longer than ${MAX_BATCH_BYTES} bytes. You have sent ${bytes} bytes.`,
      );
    }
    const successful = valid.length > 0 ? await this.#send(q, valid, ctx) : [];
    return { Successful: successful.map((s, i) => ({ Id: valid[i]!.Id, ...s })), Failed: failed };
  }

  async #send(q: QueueRecord, entries: readonly SendEntry[], ctx: CallContext): Promise<Json[]> {
    const now = this.#o.clock.now();
    const checked = entries.map((e) => checkMessage(q, e));
    const messages: NewQueueMessage[] = checked.map((c) => ({
      id: this.#o.ids.requestId(),
      visibleAt: now + c.delaySeconds * 1000,
      content: {
        body: c.body,
        md5OfBody: md5OfBody(c.body),
        messageAttributes: c.attributes,
        md5OfMessageAttributes: md5OfAttributes(c.attributes),
        traceHeader: c.traceHeader ?? ctx.traceHeader,
        senderId: ctx.senderId,
        sentAt: now,
        groupId: c.groupId,
        dedupId: c.dedupId,
      },
    }));
    const dedup = q.fifo ? { now, until: now + DEDUP_WINDOW_MS } : undefined;
    const sent = await this.#o.store.sendMessages(q.name, messages, dedup);
    this.#wake(q.name);
    return sent.map((s, i) => {
      const c = messages[i]!.content;
      return {
        MessageId: s.id,
        MD5OfMessageBody: c.md5OfBody,
        ...(c.md5OfMessageAttributes && { MD5OfMessageAttributes: c.md5OfMessageAttributes }),
        ...(q.fifo && { SequenceNumber: s.sequence }),
      };
    });
  }

  async receiveMessage(input: ReceiveInput): Promise<Json> {
    const q = await this.#o.admin.byUrl(input.QueueUrl);
    const max = intParam("MaxNumberOfMessages", input.MaxNumberOfMessages, [1, 10]) ?? 1;
    const wait =
      intParam("WaitTimeSeconds", input.WaitTimeSeconds, [0, 20]) ??
      numberAttribute(q, "ReceiveMessageWaitTimeSeconds");
    const visibility =
      intParam("VisibilityTimeout", input.VisibilityTimeout, [0, 43_200]) ?? numberAttribute(q, "VisibilityTimeout");
    const attemptKey =
      q.fifo && input.ReceiveRequestAttemptId ? `${q.name} ${input.ReceiveRequestAttemptId}` : undefined;
    const earlier = attemptKey ? this.#attempts.get(attemptKey) : undefined;
    if (earlier && earlier.until > this.#o.clock.now()) return earlier.result;
    const waitClock = this.#o.waitClock ?? this.#o.clock;
    const deadline = waitClock.now() + wait * 1000;
    let got = await this.#receiveOnce(q, { max, visibility });
    while (got.length === 0 && waitClock.now() < deadline) {
      await this.#waitFor(q.name, deadline);
      got = await this.#receiveOnce(q, { max, visibility });
    }
    const result = got.length > 0 ? { Messages: got.map((m) => messageView(m, { q, input })) } : {};
    if (attemptKey) this.#rememberAttempt(attemptKey, result);
    return result;
  }

  #rememberAttempt(key: string, result: Json): void {
    const now = this.#o.clock.now();
    if (this.#attempts.size > 10_000) for (const [k, v] of this.#attempts) if (v.until <= now) this.#attempts.delete(k);
    this.#attempts.set(key, { result, until: now + DEDUP_WINDOW_MS });
  }

  async #receiveOnce(q: QueueRecord, o: { max: number; visibility: number }): Promise<QueueMessageRecord[]> {
    const now = this.#o.clock.now();
    const policy = redrivePolicyOf(q);
    const target = policy && nameFromArn(this.#o.admin.scope, policy.deadLetterTargetArn);
    const got = await this.#o.store.receiveMessages({
      queue: q.name,
      now,
      max: o.max,
      visibleUntil: now + o.visibility * 1000,
      fifo: q.fifo,
      handle: (id) => newReceiptHandle(this.#o.ids, q.name, id),
      redrive: target === undefined ? undefined : { target, maxReceiveCount: policy!.maxReceiveCount },
    });
    if (target !== undefined) this.#wake(target);
    // Messages older than the retention period are deleted instead of delivered.
    const oldest = now - numberAttribute(q, "MessageRetentionPeriod") * 1000;
    const expired = got.filter((m) => m.content.sentAt < oldest);
    for (const m of expired) await this.#o.store.deleteMessage(q.name, m.receiptHandle!);
    return expired.length === 0 ? got : got.filter((m) => m.content.sentAt >= oldest);
  }

  /** Waits until a message is sent to `queue` on this node, the poll interval passes, or `deadline`. */
  async #waitFor(queue: string, deadline: number): Promise<void> {
    const clock = this.#o.waitClock ?? this.#o.clock;
    const now = this.#o.clock.now();
    const visibleAt = await this.#o.store.nextVisibleAt(queue, now);
    // The next message's visibility is on the platform clock: converted to a wait on `clock`.
    const visibleIn = visibleAt === undefined ? Infinity : ((visibleAt - now) / this.#o.clock.scale) * clock.scale;
    const until = Math.min(deadline, clock.now() + POLL_MS, clock.now() + visibleIn);
    await new Promise<void>((resolve) => {
      const set = this.#waiters.get(queue) ?? new Set();
      this.#waiters.set(queue, set);
      const done = () => {
        cancel();
        set.delete(done);
        resolve();
      };
      const cancel = clock.setTimer(done, Math.max(0, until - clock.now()));
      set.add(done);
    });
  }

  #wake(queue: string): void {
    const set = this.#waiters.get(queue);
    if (!set) return;
    this.#waiters.delete(queue);
    for (const w of set) w();
  }

  async deleteMessage(input: { QueueUrl?: string; ReceiptHandle?: string }): Promise<Json> {
    const q = await this.#o.admin.byUrl(input.QueueUrl);
    // A handle of a message already deleted (or received again since) is not an error in SQS.
    await this.#o.store.deleteMessage(q.name, checkReceiptHandle(input.ReceiptHandle));
    return {};
  }

  async deleteMessageBatch(input: { QueueUrl?: string; Entries?: readonly HandleEntry[] }): Promise<Json> {
    const q = await this.#o.admin.byUrl(input.QueueUrl);
    checkBatch(input.Entries);
    return this.#eachEntry(input.Entries!, async (e) => {
      await this.#o.store.deleteMessage(q.name, checkReceiptHandle(e.ReceiptHandle));
    });
  }

  async changeMessageVisibility(input: { QueueUrl?: string } & HandleEntry): Promise<Json> {
    const q = await this.#o.admin.byUrl(input.QueueUrl);
    await this.#changeVisibility(q, input);
    return {};
  }

  async changeMessageVisibilityBatch(input: { QueueUrl?: string; Entries?: readonly HandleEntry[] }): Promise<Json> {
    const q = await this.#o.admin.byUrl(input.QueueUrl);
    checkBatch(input.Entries);
    return this.#eachEntry(input.Entries!, (e) => this.#changeVisibility(q, e));
  }

  async #changeVisibility(q: QueueRecord, e: HandleEntry): Promise<void> {
    const handle = checkReceiptHandle(e.ReceiptHandle);
    if (e.VisibilityTimeout === undefined) {
      throw new PlatformError("ERR_SQS_MISSING_PARAMETER", "The request must contain the parameter VisibilityTimeout.");
    }
    const seconds = intParam("VisibilityTimeout", e.VisibilityTimeout, [0, 43_200])!;
    const now = this.#o.clock.now();
    const changed = await this.#o.store.changeVisibility(q.name, handle, { now, visibleAt: now + seconds * 1000 });
    if (!changed) {
      throw new PlatformError(
        "ERR_SQS_MESSAGE_NOT_INFLIGHT",
        "Message does not exist or is not available for visibility timeout change.",
      );
    }
    if (seconds === 0) this.#wake(q.name);
  }

  /** Runs every entry at once (writes arriving together share one commit); results in entry order. */
  async #eachEntry(entries: readonly HandleEntry[], run: (e: HandleEntry) => Promise<void>): Promise<Json> {
    const outcomes = await Promise.all(
      entries.map((e) =>
        run(e).then(
          () => undefined,
          (err: unknown) => entryFailure(e.Id!, err),
        ),
      ),
    );
    const Successful: { Id: string }[] = [];
    const Failed: BatchFailure[] = [];
    entries.forEach((e, i) => {
      const failure = outcomes[i];
      if (failure) Failed.push(failure);
      else Successful.push({ Id: e.Id! });
    });
    return { Successful, Failed };
  }
}
