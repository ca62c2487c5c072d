/**
 * The queue store port: SQS queues and their messages. Receiving claims messages with a
 * visibility lease (the message is hidden until `visibleAt`, then due again), like the leased
 * work of the async queue; FIFO queues let one batch of a message group be in flight at a time
 * and keep a 5-minute deduplication window. Every adapter passes queue-store.contract.ts.
 */
import type { MoveTaskStore } from "./move-task-store.js";

/** A queue: its name, kind, attributes as SQS spells them (strings) and tags. */
export interface QueueRecord {
  readonly name: string;
  readonly fifo: boolean;
  /** Settable attributes (`VisibilityTimeout`, `RedrivePolicy`, …), values as SQS strings. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
  /** Seconds since the epoch, as SQS reports them. */
  readonly createdAt: number;
  readonly lastModified: number;
}

/** A message attribute as SQS carries it. */
export interface MessageAttributeValue {
  readonly DataType: string;
  readonly StringValue?: string | undefined;
  /** Base64. */
  readonly BinaryValue?: string | undefined;
}

/** What never changes in a message once sent. */
export interface MessageContent {
  readonly body: string;
  readonly md5OfBody: string;
  readonly messageAttributes?: Readonly<Record<string, MessageAttributeValue>> | undefined;
  readonly md5OfMessageAttributes?: string | undefined;
  /** `AWSTraceHeader`, the one settable system attribute. */
  readonly traceHeader?: string | undefined;
  readonly senderId: string;
  /** Milliseconds since the epoch. */
  readonly sentAt: number;
  readonly groupId?: string | undefined;
  readonly dedupId?: string | undefined;
}

/** A message to store. */
export interface NewQueueMessage {
  readonly id: string;
  readonly content: MessageContent;
  /** Hidden until then (DelaySeconds). */
  readonly visibleAt: number;
}

/** A stored message with its delivery state. */
export interface QueueMessageRecord extends NewQueueMessage {
  /** Store-assigned, increasing in send order (FIFO's SequenceNumber). */
  readonly sequence: string;
  readonly receiveCount: number;
  readonly firstReceiveAt?: number | undefined;
  /** The handle of the latest receive. */
  readonly receiptHandle?: string | undefined;
}

/** The outcome of sending one message: its id, or the id of the message it duplicates. */
export interface SentMessage {
  readonly id: string;
  readonly sequence: string;
  readonly duplicate: boolean;
}

/** A receive: up to `max` due messages of `queue`, hidden until `visibleUntil`. */
export interface ReceiveSpec {
  readonly queue: string;
  readonly now: number;
  readonly max: number;
  readonly visibleUntil: number;
  readonly fifo: boolean;
  /** A fresh receipt handle for a message. */
  readonly handle: (messageId: string) => string;
  /** Messages received this often already move to `target` instead (RedrivePolicy), remembering `queue` as their origin. */
  readonly redrive?: { readonly target: string; readonly maxReceiveCount: number } | undefined;
}

/** Message counts of a queue (ApproximateNumberOfMessages…). */
export interface QueueCounts {
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
}

/** The durable state of SQS queues (and of their message move tasks). */
export interface QueueStore extends MoveTaskStore {
  /** Inserts a queue; resolves to the one stored (the existing one when the name is taken). */
  createQueue(queue: QueueRecord): Promise<QueueRecord>;
  /** The queue `name`, or undefined. */
  getQueue(name: string): Promise<QueueRecord | undefined>;
  /** Every queue, by name. */
  listQueues(): Promise<QueueRecord[]>;
  /** Replaces a queue's attributes and tags; false when it is gone. */
  updateQueue(queue: QueueRecord): Promise<boolean>;
  /** Deletes a queue with its messages; false when it did not exist. */
  deleteQueue(name: string): Promise<boolean>;
  /**
   * Stores messages in order, in one transaction. With `dedupUntil`, a message whose `dedupId`
   * was sent within the window is not stored again: its entry names the first message.
   */
  sendMessages(
    queue: string,
    messages: readonly NewQueueMessage[],
    dedup?: { readonly now: number; readonly until: number },
  ): Promise<SentMessage[]>;
  /** Claims due messages (see ReceiveSpec); FIFO: oldest first, no group with a message in flight. */
  receiveMessages(spec: ReceiveSpec): Promise<QueueMessageRecord[]>;
  /** Deletes the message last received with `receiptHandle`; false when there is none. */
  deleteMessage(queue: string, receiptHandle: string): Promise<boolean>;
  /** Sets when the message last received with `receiptHandle` is visible again; false when none is in flight. */
  changeVisibility(
    queue: string,
    receiptHandle: string,
    o: { readonly now: number; readonly visibleAt: number },
  ): Promise<boolean>;
  /** Deletes every message of a queue. */
  purgeQueue(queue: string): Promise<void>;
  /** Message counts at `now`. */
  countMessages(queue: string, now: number): Promise<QueueCounts>;
  /** When the next hidden message of `queue` becomes visible, or undefined. */
  nextVisibleAt(queue: string, now: number): Promise<number | undefined>;
  /** Closes the store. */
  close(): Promise<void>;
}
