/**
 * SNS on a node: the topic store (SQLite beside the Lambda store, or the cluster's PostgreSQL), the
 * topic service, its delivery worker and the API operations. A function subscription is invoked as
 * an Event invocation through the durable async queue, only with the function's permission for
 * sns.amazonaws.com and the topic's ARN (AddPermission), as on AWS; a queue gets the message as SNS's
 * sender only when its policy allows sns.amazonaws.com to send from the topic; an HTTP endpoint gets a POST.
 * Notifications are signed with the key the store keeps (the first node generates it), whose
 * certificate the API serves unsigned at `/SimpleNotificationService-<hash>.pem`.
 */
import { join } from "node:path";
import type { PgDatabase } from "../adapters/postgres/database.js";
import { PgTopicStore } from "../adapters/postgres/pg-topic-store.js";
import { SqliteTopicStore } from "../adapters/sqlite/topic-store.js";
import { createSnsOperations } from "../api/sns/operations.js";
import type { ApiResponse, Operation } from "../api/types.js";
import type { ServerConfig } from "../config/server-config.js";
import type { AsyncEventQueue } from "../events/index.js";
import type { QueueService } from "../queues/index.js";
import type { ServiceCaller } from "../iam/index.js";
import type { Clock } from "../shared/clock.js";
import type { IdSource } from "../shared/ids.js";
import type { OutboundPolicy } from "../shared/outbound-policy.js";
import { postChecked } from "./outbound-post.js";
import { generateSigningKey, MessageSigner, TopicService, type DeliveryTargets } from "../topics/index.js";

/** The SenderId of the messages SNS sends to queues. */
const SNS_SENDER_ID = "AIDAIT2UOQQY3AUEKVGXU";
const HTTP_TIMEOUT_MS = 15_000;

export interface NodeTopicsOptions {
  readonly config: ServerConfig;
  readonly database: PgDatabase | undefined;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly events: AsyncEventQueue;
  readonly queues: QueueService;
  /** Whether the function's resource policy lets SNS invoke it from `topicArn`. */
  readonly permits: (
    functionName: string,
    qualifier: string | undefined,
    topicArn: string,
  ) => boolean | Promise<boolean>;
  /** Cluster: deliveries are claimed with this lease, and other nodes' looked for this often. */
  readonly cluster?: { readonly leaseMs: number; readonly pollMs: number } | undefined;
  readonly announce?: (() => void) | undefined;
  /** The node's API URL (for UnsubscribeURL), once it listens. */
  readonly apiUrl: () => string;
  readonly log: (message: string, error?: unknown) => void;
  /** Where HTTP/HTTPS subscriptions may be delivered (checked at Subscribe and at each POST). */
  readonly outbound: OutboundPolicy;
}

/** A message the platform publishes: its text and String/Number attributes. */
export interface PlatformMessage {
  readonly body: string;
  readonly subject?: string | undefined;
  readonly attributes?: Readonly<Record<string, { DataType: string; StringValue: string }>> | undefined;
}

/** A node's topics; `start()` after the async queue runs, `stop()` before it stops. */
export interface NodeTopics {
  readonly service: TopicService;
  readonly operations: Operation[];
  /** Publishes on the platform's behalf (Lambda's DLQs and destinations, EventBridge, alarms); NotFound when the topic is gone. */
  publish(topicArn: string, message: PlatformMessage): Promise<void>;
  /**
   * Publishes as an AWS service acting for `caller.sourceArn` (an EventBridge rule, a CloudWatch
   * alarm): rejects, publishing nothing, when the topic's policy does not allow it.
   */
  publishFromService(topicArn: string, message: PlatformMessage, caller: ServiceCaller): Promise<void>;
  /** The signing certificate when `path` names it (`GET /SimpleNotificationService-<hash>.pem`). */
  signingCertificate(path: string): Promise<ApiResponse | undefined>;
  start(): void;
  stop(): Promise<void>;
}

/** Opens the topic store and builds the service and operations. */
export function createTopics(o: NodeTopicsOptions): NodeTopics {
  const store = o.database
    ? new PgTopicStore(o.database)
    : SqliteTopicStore.open({ path: join(o.config.dataDir, "haneul.db") });
  let signing: Promise<MessageSigner> | undefined;
  // Generated (or read) once; a failure is tried again at the next delivery.
  const signer = (): Promise<MessageSigner> =>
    (signing ??= generateSigningKey(o.clock.now())
      .then((candidate) => store.adoptSigningKey(candidate))
      .then((record) => new MessageSigner(record))
      .catch((e: unknown) => {
        signing = undefined;
        throw e;
      }));
  const targets: DeliveryTargets = {
    signer,
    async invokeFunction(functionArn, payload, { topicArn, traceHeader }) {
      const [functionName = "", qualifier] = functionArn.split(":").slice(6);
      if (!(await o.permits(functionName, qualifier, topicArn))) return false;
      const requestId = o.ids.requestId();
      await o.events.enqueue({
        functionName,
        qualifier,
        payload: Buffer.from(payload),
        requestId,
        traceId: traceHeader,
      });
      return true;
    },
    sendToQueue: (arn, message, topicArn) =>
      o.queues.sendFromService(arn, message, {
        ...{ service: "sns.amazonaws.com", sourceArn: topicArn, sourceAccount: o.config.accountId },
        senderId: SNS_SENDER_ID,
      }),
    post: (url, headers, body) => postChecked(o.outbound, { url, headers, body, timeoutMs: HTTP_TIMEOUT_MS }),
  };
  const service = new TopicService({
    store,
    clock: o.clock,
    ids: o.ids,
    scope: { region: o.config.region, accountId: o.config.accountId },
    targets,
    leaseMs: o.cluster?.leaseMs,
    pollMs: o.cluster?.pollMs,
    onChange: o.announce,
    onError: o.log,
  });
  const publish = async (topicArn: string, message: PlatformMessage): Promise<void> => {
    const fifo = topicArn.endsWith(".fifo");
    await service.publisher.publish(
      topicArn,
      {
        message: message.body,
        subject: message.subject,
        attributes: message.attributes ?? {},
        ...(fifo && { messageGroupId: "haneul", deduplicationId: o.ids.requestId() }),
      },
      o.apiUrl(),
    );
  };
  return {
    service,
    operations: createSnsOperations(service, o.outbound),
    publish,
    async publishFromService(topicArn, message, caller) {
      if (!(await service.admin.serviceMayPublish(topicArn, caller))) {
        // SNS's words, which a CloudWatch alarm's history quotes.
        throw new Error(
          `Resource: ${caller.sourceArn} is not authorized to perform: SNS:Publish on resource: ${topicArn}`,
        );
      }
      await publish(topicArn, message);
    },
    async signingCertificate(path) {
      if (!path.startsWith("/SimpleNotificationService-") || !path.endsWith(".pem")) return undefined;
      const s = await signer();
      if (path !== `/${s.certName}`) return undefined;
      return { status: 200, headers: { "Content-Type": "application/x-pem-file" }, body: s.certificatePem };
    },
    start: () => service.worker.start(),
    async stop() {
      await service.worker.stop();
      await store.close();
    },
  };
}
