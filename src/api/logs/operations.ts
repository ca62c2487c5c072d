/**
 * The CloudWatch Logs API (awsJson1.1, SigV4 service `logs`): POST / with the operation in
 * X-Amz-Target. IAM actions are `logs:<Operation>` on the group's ARN
 * (`arn:aws:logs:<region>:<account>:log-group:<name>:*`, `…:log-stream:<stream>` for stream calls).
 */
import type { LogStore } from "../../ports/log-store.js";
import type { Clock } from "../../shared/clock.js";
import { PlatformError } from "../../shared/errors.js";
import type { AccessSpec, ApiRequest, ApiResponse, Operation } from "../types.js";
import type { LogsContext, SubscriptionDestinations } from "./context.js";
import { filterLogEvents, getLogEvents, putLogEvents } from "./events.js";
import * as g from "./groups.js";
import { describeQueries, getQueryResults, InsightsQueries, startQuery, stopQuery } from "./insights.js";
import { deleteSubscriptionFilter, describeSubscriptionFilters, putSubscriptionFilter } from "./subscriptions.js";
import { inputOf, jsonError, jsonResponse, targetOf, type Input } from "./wire.js";

type Handler = (ctx: LogsContext, input: Input) => Promise<object>;

/** Each operation: its handler, and whether its resource is a stream (else the group, or every group). */
const HANDLERS: Readonly<Record<string, { run: Handler; resource: "group" | "stream" | "all" }>> = {
  CreateLogGroup: { run: g.createLogGroup, resource: "group" },
  DescribeLogGroups: { run: g.describeLogGroups, resource: "all" },
  DeleteLogGroup: { run: g.deleteLogGroup, resource: "group" },
  CreateLogStream: { run: g.createLogStream, resource: "stream" },
  DeleteLogStream: { run: g.deleteLogStream, resource: "stream" },
  DescribeLogStreams: { run: g.describeLogStreams, resource: "group" },
  GetLogEvents: { run: getLogEvents, resource: "stream" },
  FilterLogEvents: { run: filterLogEvents, resource: "group" },
  PutLogEvents: { run: putLogEvents, resource: "stream" },
  PutRetentionPolicy: { run: g.putRetentionPolicy, resource: "group" },
  DeleteRetentionPolicy: { run: g.deleteRetentionPolicy, resource: "group" },
  TagLogGroup: { run: g.tagGroup(false), resource: "group" },
  UntagLogGroup: { run: g.untagGroup(false), resource: "group" },
  ListTagsLogGroup: { run: g.listTags(false), resource: "group" },
  TagResource: { run: g.tagGroup(true), resource: "group" },
  UntagResource: { run: g.untagGroup(true), resource: "group" },
  ListTagsForResource: { run: g.listTags(true), resource: "group" },
  StartQuery: { run: startQuery, resource: "all" },
  GetQueryResults: { run: getQueryResults, resource: "all" },
  StopQuery: { run: stopQuery, resource: "all" },
  DescribeQueries: { run: describeQueries, resource: "all" },
  PutSubscriptionFilter: { run: putSubscriptionFilter, resource: "group" },
  DescribeSubscriptionFilters: { run: describeSubscriptionFilters, resource: "group" },
  DeleteSubscriptionFilter: { run: deleteSubscriptionFilter, resource: "group" },
};

/** What the Logs API needs. */
export interface LogsApiDeps {
  readonly store: LogStore;
  readonly clock: Clock;
  readonly region: string;
  readonly accountId: string;
  readonly destinations: SubscriptionDestinations;
}

function handlerOf(req: ApiRequest): [string, (typeof HANDLERS)[string]] {
  const name = targetOf(req);
  const handler = HANDLERS[name];
  if (!handler) throw new PlatformError("ERR_UNKNOWN_OPERATION", `Unknown operation ${name || "(no X-Amz-Target)"}`);
  return [name, handler];
}

/** The resource a call acts on, as IAM's policies name it. */
function resourceOf(deps: LogsApiDeps, kind: "group" | "stream" | "all", input: Input): string {
  const base = `arn:aws:logs:${deps.region}:${deps.accountId}:log-group:`;
  if (kind === "all") return `${base}*`;
  let group = "*";
  try {
    group = g.groupNameOf(input);
  } catch {
    // An invalid name is answered by the handler; the access check only needs a resource.
  }
  if (kind === "stream" && typeof input["logStreamName"] === "string") {
    return `${base}${group}:log-stream:${input["logStreamName"]}`;
  }
  return `${base}${group}:*`;
}

/** The CloudWatch Logs operation: one route, POST /, picked by the signature's service `logs`. */
export function createLogsOperations(deps: LogsApiDeps): Operation[] {
  const ctx: LogsContext = {
    store: deps.store,
    clock: deps.clock,
    groupArn: (name) => `arn:aws:logs:${deps.region}:${deps.accountId}:log-group:${name}`,
    queries: new InsightsQueries(),
    destinations: deps.destinations,
  };
  return [
    {
      name: "Logs",
      method: "POST",
      path: "/",
      service: "logs",
      maxBodyBytes: 1_048_576 + 64 * 1024,
      access(req): AccessSpec {
        const [name, handler] = handlerOf(req);
        return { action: `logs:${name}`, resource: resourceOf(deps, handler.resource, inputOf(req)) };
      },
      async handle(req): Promise<ApiResponse> {
        const [, handler] = handlerOf(req);
        return jsonResponse(await handler.run(ctx, inputOf(req)));
      },
      renderError: jsonError,
    },
  ];
}
