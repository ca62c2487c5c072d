/**
 * How EventBridge hands a target's input to a topic, a queue or a stream: through the node's
 * services, each failure a value in EventBridge's DLQ words (logged, never an error of the
 * PutEvents that matched), for the caller to retry, dead-letter or drop.
 */
import { failureOf, permanentFailure, type DeliveryFailure } from "./delivery-failure.js";
import { streamOfArn } from "./names.js";

/** A target's input on its way to a queue: the rule it comes from, its FIFO group and deduplication id. */
export interface QueueDelivery {
  readonly body: string;
  readonly ruleArn: string;
  readonly messageGroupId?: string | undefined;
  /** A FIFO queue's deduplication id (a dead-letter queue, always standard, takes none). */
  readonly deduplicationId?: string | undefined;
  /** Message attributes (a dead-lettered event's RULE_ARN, ERROR_CODE…). */
  readonly attributes?: Readonly<Record<string, { DataType: string; StringValue: string }>> | undefined;
}

/** A record a Kinesis stream target is given. */
export interface StreamRecordInput {
  readonly partitionKey: string;
  readonly data: Buffer;
}

/** The node's services the senders use (EventBusServiceOptions' members of the same names). */
export interface TargetSendersOptions {
  /** Publishes a target's input to an SNS topic for the rule `ruleArn` (durable once it resolves). */
  readonly publishToTopic?: ((topicArn: string, payload: Buffer, ruleArn: string) => Promise<void>) | undefined;
  /** Sends a target's input to an SQS queue for a rule; false when the queue's policy does not let EventBridge send. */
  readonly sendToQueue?: ((queueArn: string, message: QueueDelivery) => Promise<boolean>) | undefined;
  /** Puts a record on the node's Kinesis stream `streamName` (durable once it resolves); rejects when it cannot. */
  readonly putRecord?: ((streamName: string, record: StreamRecordInput) => Promise<void>) | undefined;
  /** Whether the role `roleArn` may do `action` on `resource` by its identity policies (a target's RoleArn). */
  readonly rolePermits?: ((roleArn: string, request: { action: string; resource: string }) => boolean) | undefined;
  readonly onError?: ((message: string, error: unknown) => void) | undefined;
}

/** See the file comment. */
export class TargetSenders {
  readonly #o: TargetSendersOptions;

  constructor(options: TargetSendersOptions) {
    this.#o = options;
  }

  /**
   * Publishes to a topic target for a rule; the failure when it could not (no such topic, a policy
   * that does not let EventBridge publish), logged, never an error of the PutEvents that matched.
   */
  async publishToTopic(topicArn: string, payload: Buffer, ruleArn: string): Promise<DeliveryFailure | undefined> {
    try {
      if (!this.#o.publishToTopic) throw new Error("topics are not available on this node");
      await this.#o.publishToTopic(topicArn, payload, ruleArn);
      return undefined;
    } catch (e) {
      return this.failed(`rule ${ruleArn} did not publish to topic ${topicArn}`, failureOf(e));
    }
  }

  /**
   * Sends to a queue target. A failed delivery (no such queue, a queue policy that does not allow
   * events.amazonaws.com) is logged, never an error of the PutEvents that matched, as on AWS.
   */
  async sendToQueue(queueArn: string, message: QueueDelivery): Promise<DeliveryFailure | undefined> {
    const what = `rule ${message.ruleArn} did not send to queue ${queueArn}`;
    try {
      if (!this.#o.sendToQueue) throw new Error("queues are not available on this node");
      if (await this.#o.sendToQueue(queueArn, message)) return undefined;
      const reason = "the queue's policy does not allow events.amazonaws.com";
      return this.failed(what, permanentFailure("NO_PERMISSIONS", reason));
    } catch (e) {
      return this.failed(what, failureOf(e));
    }
  }

  /**
   * Puts a stream target's record as the target's role (which must allow kinesis:PutRecord on the
   * stream). A failed delivery is logged (as `what`), never an error of the PutEvents that matched.
   */
  async putRecord(
    target: { arn: string; roleArn?: string | undefined },
    record: StreamRecordInput,
    what = `a rule did not put a record on stream ${target.arn}`,
  ): Promise<DeliveryFailure | undefined> {
    const name = streamOfArn(target.arn)?.name ?? "";
    try {
      if (!this.#o.putRecord) throw new Error("streams are not available on this node");
      if (!this.rolePermits(target.roleArn, "kinesis:PutRecord", target.arn)) {
        const reason = `the role ${target.roleArn ?? "(none)"} may not kinesis:PutRecord on ${target.arn}`;
        return this.failed(what, permanentFailure("NO_PERMISSIONS", reason));
      }
      await this.#o.putRecord(name, record);
      return undefined;
    } catch (e) {
      return this.failed(what, failureOf(e));
    }
  }

  /** Whether a target's role may do `action` on `resource` (false without a role or a way to check). */
  rolePermits(roleArn: string | undefined, action: string, resource: string): boolean {
    return roleArn !== undefined && (this.#o.rolePermits?.(roleArn, { action, resource }) ?? false);
  }

  /** Logs a delivery that did not happen; the failure, for the caller to return. */
  failed(what: string, failure: DeliveryFailure): DeliveryFailure {
    this.#o.onError?.(what, failure.message);
    return failure;
  }
}
