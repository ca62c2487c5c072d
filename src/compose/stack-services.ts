/**
 * The services a stack deploy creates queues, rules, buses, schedules, alarms and log groups
 * through: each feature's own operations with their own checks, called in process (never over
 * HTTP). Queue URLs name the node's API URL, known once it listens.
 */
import { metricAlarmInput } from "../api/cloudwatch/alarm-input.js";
import { targetOf } from "../api/eventbridge/targets.js";
import { InsightsQueries } from "../api/logs/insights.js";
import type { LogsContext, SubscriptionDestinations } from "../api/logs/context.js";
import * as groups from "../api/logs/groups.js";
import * as subscriptions from "../api/logs/subscriptions.js";
import type { EventBusService } from "../buses/index.js";
import type { AlarmService } from "../metrics/index.js";
import type { LogStore } from "../ports/log-store.js";
import type { QueueService } from "../queues/index.js";
import type { Clock } from "../shared/clock.js";
import { PlatformError } from "../shared/errors.js";
import type { StackAlarms, StackBuses, StackLogs, StackQueues } from "../stacks/index.js";

/** What the stack services are made of. */
export interface StackServiceDeps {
  readonly queues: QueueService;
  readonly buses: EventBusService;
  readonly alarms: AlarmService;
  readonly logStore: LogStore;
  /** Where subscription filters may deliver (none: AWS::Logs::SubscriptionFilter is refused). */
  readonly logDestinations?: SubscriptionDestinations | undefined;
  readonly clock: Clock;
  readonly region: string;
  readonly accountId: string;
  /** The node's API URL (queue URLs are made on it). */
  readonly apiUrl: () => string;
}

type LogsHandler = (ctx: LogsContext, input: Record<string, unknown>) => Promise<object>;

const LOGS: Readonly<Record<string, LogsHandler>> = {
  CreateLogGroup: groups.createLogGroup,
  DeleteLogGroup: groups.deleteLogGroup,
  PutRetentionPolicy: groups.putRetentionPolicy,
  DeleteRetentionPolicy: groups.deleteRetentionPolicy,
  TagLogGroup: groups.tagGroup(false),
  UntagLogGroup: groups.untagGroup(false),
  ListTagsLogGroup: groups.listTags(false),
  PutSubscriptionFilter: subscriptions.putSubscriptionFilter,
  DeleteSubscriptionFilter: subscriptions.deleteSubscriptionFilter,
};

/** The queues, buses, alarms and logs of `StackServices`. */
export function stackServices(d: StackServiceDeps): {
  queues: StackQueues;
  buses: StackBuses;
  alarms: StackAlarms;
  logs: StackLogs;
} {
  const logsCtx: LogsContext = {
    store: d.logStore,
    clock: d.clock,
    groupArn: (name) => `arn:aws:logs:${d.region}:${d.accountId}:log-group:${name}`,
    queries: new InsightsQueries(), // stacks make log groups only: no query runs here
    destinations: d.logDestinations,
  };
  const unknown = (operation: string) => new PlatformError("ERR_UNKNOWN_OPERATION", `Unknown operation ${operation}`);
  return {
    queues: {
      call: async (operation, input) => {
        const run = d.queues.operations[operation];
        if (!run) throw unknown(operation);
        return run(input, { baseUrl: d.apiUrl(), senderId: d.accountId });
      },
    },
    buses: { service: d.buses, target: targetOf },
    alarms: {
      put: (input) =>
        d.alarms.put(
          metricAlarmInput(input, { region: d.region, accountId: d.accountId, now: d.clock.now() }),
          "MetricAlarm",
        ),
      delete: async (name) => {
        await d.alarms.delete([name]);
      },
      exists: (name) => d.alarms.stateOf(name) !== undefined,
    },
    logs: {
      call: async (operation, input) => {
        const run = LOGS[operation];
        if (!run) throw unknown(operation);
        return (await run(logsCtx, input)) as Record<string, unknown>;
      },
    },
  };
}
