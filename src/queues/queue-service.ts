/**
 * SQS: standard and FIFO queues on the QueueStore. One service answers both wire protocols (the
 * API layer maps the query protocol's forms to the JSON protocol's shapes).
 */
import type { QueueStore } from "../ports/queue-store.js";
import type { Clock } from "../shared/clock.js";
import type { IdSource } from "../shared/ids.js";
import { QueueAdmin } from "./queue-admin.js";
import { MoveTasks } from "./move-tasks.js";
import { QueueMessages } from "./queue-messages.js";
import { serviceMaySend, type ServiceSender } from "./queue-policy.js";
import { nameFromArn, noQueue } from "./queue-refs.js";
import type { CallContext, Json } from "./types.js";

export interface QueueServiceOptions {
  readonly store: QueueStore;
  readonly clock: Clock;
  /** What long polls wait on (real time); default `clock`. */
  readonly waitClock?: Clock | undefined;
  readonly ids: IdSource;
  readonly region: string;
  readonly accountId: string;
}

/** An SQS operation: its input (JSON protocol shape) and the call's context. */
type Handler = (input: Json, ctx: CallContext) => Promise<Json>;

/** The SQS operations, by name, and sending on the platform's behalf (destinations, DLQs). */
export class QueueService {
  readonly admin: QueueAdmin;
  readonly messages: QueueMessages;
  readonly moveTasks: MoveTasks;
  readonly operations: Readonly<Record<string, Handler>>;

  constructor(o: QueueServiceOptions) {
    this.admin = new QueueAdmin({ store: o.store, clock: o.clock, region: o.region, accountId: o.accountId });
    this.messages = new QueueMessages({
      store: o.store,
      admin: this.admin,
      clock: o.clock,
      waitClock: o.waitClock,
      ids: o.ids,
    });
    this.moveTasks = new MoveTasks({ store: o.store, clock: o.clock, ids: o.ids, scope: this.admin.scope });
    const a = this.admin;
    const m = this.messages;
    const t = this.moveTasks;
    this.operations = {
      CreateQueue: (i, c) => a.createQueue(i, c),
      GetQueueUrl: (i, c) => a.getQueueUrl(i, c),
      DeleteQueue: (i) => a.deleteQueue(i),
      ListQueues: (i, c) => a.listQueues(i, c),
      PurgeQueue: (i) => a.purgeQueue(i),
      GetQueueAttributes: (i) => a.getQueueAttributes(i),
      SetQueueAttributes: (i) => a.setQueueAttributes(i),
      TagQueue: (i) => a.tagQueue(i),
      UntagQueue: (i) => a.untagQueue(i),
      ListQueueTags: (i) => a.listQueueTags(i),
      ListDeadLetterSourceQueues: (i, c) => a.listDeadLetterSourceQueues(i, c),
      SendMessage: (i, c) => m.sendMessage(i, c),
      SendMessageBatch: (i, c) => m.sendMessageBatch(i, c),
      ReceiveMessage: (i) => m.receiveMessage(i),
      DeleteMessage: (i) => m.deleteMessage(i),
      DeleteMessageBatch: (i) => m.deleteMessageBatch(i),
      ChangeMessageVisibility: (i) => m.changeMessageVisibility(i),
      ChangeMessageVisibilityBatch: (i) => m.changeMessageVisibilityBatch(i),
      StartMessageMoveTask: (i) => t.start(i),
      ListMessageMoveTasks: (i) => t.list(i),
      CancelMessageMoveTask: (i) => t.cancel(i),
    };
  }

  /** Sends a message to the queue with this ARN as `senderId` (Lambda's destinations and DLQs); QueueDoesNotExist when gone. */
  async sendToArn(arn: string, message: PlatformQueueMessage, senderId: string): Promise<void> {
    const scope = this.admin.scope;
    const name = nameFromArn(scope, arn);
    if (name === undefined) throw noQueue();
    const fifo = name.endsWith(".fifo");
    await this.messages.sendMessage(
      {
        QueueUrl: `/${scope.accountId}/${name}`,
        MessageBody: message.body,
        MessageAttributes: message.attributes,
        ...(fifo && { MessageGroupId: message.messageGroupId ?? "default" }),
        ...(fifo && message.deduplicationId !== undefined && { MessageDeduplicationId: message.deduplicationId }),
      },
      { baseUrl: "", senderId, traceHeader: message.traceHeader },
    );
  }

  /**
   * Sends as an AWS service (SNS, EventBridge) acting for `sender.sourceArn`: only when the
   * queue's policy allows that service sqs:SendMessage, as on AWS. False when it does not.
   */
  async sendFromService(
    arn: string,
    message: PlatformQueueMessage,
    sender: ServiceSender & { readonly senderId: string },
  ): Promise<boolean> {
    const name = nameFromArn(this.admin.scope, arn);
    if (name === undefined || !(await this.admin.byName(name))) throw noQueue();
    if (!serviceMaySend(await this.admin.policyOf(name), arn, sender)) return false;
    await this.sendToArn(arn, message, sender.senderId);
    return true;
  }
}

/** A message the platform sends to a queue. */
export interface PlatformQueueMessage {
  readonly body: string;
  readonly attributes?:
    | Readonly<Record<string, { DataType: string; StringValue?: string | undefined; BinaryValue?: string | undefined }>>
    | undefined;
  readonly messageGroupId?: string | undefined;
  readonly deduplicationId?: string | undefined;
  /** The trace header of the event that led to this message (AWSTraceHeader). */
  readonly traceHeader?: string | undefined;
}
