/**
 * EventBridge on a node: the bus store (SQLite beside the Lambda store, or the cluster's
 * PostgreSQL), the bus service, its scheduler (fires only on the leader) and its API operations.
 * A rule's target is invoked as an Event invocation through the durable async queue, and only
 * with the function's permission for events.amazonaws.com and the rule's ARN (AddPermission), as
 * on AWS.
 */
import { join } from "node:path";
import type { PgDatabase } from "../adapters/postgres/database.js";
import { PgBusStore } from "../adapters/postgres/pg-bus-store.js";
import { SqliteBusStore } from "../adapters/sqlite/bus-store.js";
import { createEventBridgeOperations } from "../api/eventbridge/operations.js";
import { createSchedulerOperations } from "../api/scheduler/operations.js";
import type { Operation } from "../api/types.js";
import { EventBusService, RuleScheduler, type FunctionTarget, type RuleCount } from "../buses/index.js";
import type { ServerConfig } from "../config/server-config.js";
import type { AsyncEventQueue } from "../events/index.js";
import type { QueueService } from "../queues/index.js";
import type { Clock } from "../shared/clock.js";
import type { StreamService } from "../streams/index.js";
import type { IdSource } from "../shared/ids.js";

/** The SenderId of the messages EventBridge sends to queues. */
const EVENTS_SENDER_ID = "AIDAIEVENTBRIDGEHANEUL";
/** The SenderId of the messages Scheduler sends to queues (as the schedule's role). */
const SCHEDULER_SENDER_ID = "AROAHANEULSCHEDULER:scheduler";

export interface EventBusesOptions {
  readonly config: ServerConfig;
  readonly database: PgDatabase | undefined;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly events: AsyncEventQueue;
  /** Whether the function's resource policy lets EventBridge invoke it from `sourceArn`. */
  readonly permits: (target: FunctionTarget, sourceArn: string) => boolean | Promise<boolean>;
  readonly isLeader?: (() => boolean) | undefined;
  /** The node's id: the name it claims stored target retries under. */
  readonly nodeId?: string | undefined;
  /** How often to look for retries other nodes stored (cluster mode). */
  readonly retryPollMs?: number | undefined;
  /**
   * Publishes a target's input to an SNS topic as EventBridge for the rule `ruleArn`; rejects
   * when the topic's policy does not allow it.
   */
  readonly publishToTopic?: ((topicArn: string, payload: Buffer, ruleArn: string) => Promise<void>) | undefined;
  /** Publishes a schedule's input to a topic as the schedule's role (already checked): no topic policy is asked. */
  readonly publishAsScheduler?: ((topicArn: string, message: string) => Promise<void>) | undefined;
  /** The queues that queue targets send to (only as the queue's policy allows events.amazonaws.com). */
  readonly queues?: QueueService | undefined;
  /** The streams that Kinesis targets put records on. */
  readonly streams?: StreamService | undefined;
  /** Whether a target's role may do `action` on `resource` by its identity policies. */
  readonly rolePermits?: ((roleArn: string, request: { action: string; resource: string }) => boolean) | undefined;
  /** Told of each rule's matches, invocations and failed deliveries (`AWS/Events`). */
  readonly onCount?: ((count: RuleCount) => void) | undefined;
  /** Announces a change to the other nodes (cluster mode). */
  readonly announce?: (() => void) | undefined;
  readonly log: (message: string, error?: unknown) => void;
}

/** EventBridge, wired; `start()` after the async queue runs, `stop()` before it stops. */
export interface EventBuses {
  readonly service: EventBusService;
  readonly operations: Operation[];
  start(): Promise<void>;
  /** Another node changed buses or rules. */
  reload(): Promise<void>;
  /** Fires a scheduled rule (or a Scheduler schedule, on its group's bus) now, by hand. */
  trigger(busName: string, name: string): Promise<void>;
  stop(): Promise<void>;
}

/** Opens the bus store and builds the service, scheduler and operations. */
export function createEventBuses(o: EventBusesOptions): EventBuses {
  const store = o.database
    ? new PgBusStore(o.database)
    : SqliteBusStore.open({ path: join(o.config.dataDir, "haneul.db") });
  const service = new EventBusService({
    store,
    clock: o.clock,
    ids: o.ids,
    scope: { region: o.config.region, accountId: o.config.accountId },
    // As for a function the rule may not invoke, a refused publish is logged (by the service) and PutEvents succeeds.
    publishToTopic: o.publishToTopic,
    sendToQueue: (arn, m) =>
      o.queues
        ? o.queues.sendFromService(
            arn,
            {
              ...{ body: m.body, messageGroupId: m.messageGroupId, deduplicationId: m.deduplicationId },
              attributes: m.attributes,
            },
            {
              ...{ service: "events.amazonaws.com", sourceArn: m.ruleArn, sourceAccount: o.config.accountId },
              senderId: EVENTS_SENDER_ID,
            },
          )
        : Promise.reject(new Error("queues are not available on this node")),
    putRecord: async (streamName, record) => {
      if (!o.streams) throw new Error("streams are not available on this node");
      const [result] = await o.streams.records.put(streamName, [record]);
      if (result && "errorCode" in result) throw new Error(`${result.errorCode}: ${result.errorMessage}`);
    },
    schedulerSends: {
      sendMessage: (arn, m) =>
        o.queues
          ? o.queues.sendToArn(
              arn,
              { body: m.body, messageGroupId: m.messageGroupId, attributes: m.attributes },
              SCHEDULER_SENDER_ID,
            )
          : Promise.reject(new Error("queues are not available on this node")),
      publish: (arn, message) =>
        o.publishAsScheduler
          ? o.publishAsScheduler(arn, message)
          : Promise.reject(new Error("topics are not available on this node")),
    },
    rolePermits: o.rolePermits,
    owner: o.nodeId,
    retryPollMs: o.retryPollMs,
    onCount: o.onCount,
    onError: (message, e) => o.log(message, e),
    deliver: async (target, payload, sourceArn) => {
      // Scheduler invokes through its target's role, not the function's resource policy (as on AWS).
      const scheduled = sourceArn.includes(":scheduler:");
      if (!scheduled && !(await o.permits(target, sourceArn))) {
        // Passed as the error, so that a rule firing often logs it at most every 30 s.
        const reason = "no permission for events.amazonaws.com";
        o.log(`rule ${sourceArn} did not invoke function ${target.functionName}`, reason);
        return { code: "NO_PERMISSIONS", message: reason, retryable: false };
      }
      await o.events.enqueue({ ...target, payload, requestId: o.ids.requestId() });
      return undefined;
    },
    onChange: () => {
      scheduler.wake();
      o.announce?.();
    },
  });
  const scheduler = new RuleScheduler({
    service,
    clock: o.clock,
    isLeader: o.isLeader,
    onError: (message, e) => o.log(message, e),
  });
  return {
    service,
    operations: [...createEventBridgeOperations(service), ...createSchedulerOperations(service)],
    async start() {
      await service.start();
      scheduler.start();
    },
    async reload() {
      await service.reload();
      scheduler.wake();
    },
    trigger(busName, name) {
      // A schedule's pseudo bus is no bus of the EventBridge API: look the rule up directly.
      const rule = service.cache.get(busName, name) ?? service.rule(busName, name);
      if (!rule.schedule) throw new Error(`rule ${name} has no schedule expression: it runs on matching events`);
      return scheduler.fireNow(rule);
    },
    async stop() {
      await scheduler.stop();
      await service.stop();
      await store.close();
    },
  };
}
