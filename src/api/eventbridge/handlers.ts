/** The EventBridge operations haneul serves, each from its JSON request to its JSON answer. */
import {
  busNameOf,
  checkPattern,
  invalid,
  putEvents,
  ruleNameOf,
  type EventBusService,
  type PutEventsEntry,
} from "../../buses/index.js";
import type { EventBusRecord, EventRuleRecord } from "../../ports/bus-store.js";
import { PlatformError } from "../../shared/errors.js";
import { targetOf, targetView } from "./targets.js";
import { optString, page, reqString, tagList, tagsOf } from "./wire.js";

type Body = Record<string, unknown>;
/** One operation: the resource it acts on (for IAM) and what it does. */
export interface EventsHandler {
  resource(svc: EventBusService, body: Body): string;
  run(svc: EventBusService, body: Body): Promise<object>;
}

const seconds = (ms: number) => ms / 1000;
const busOf = (body: Body) => busNameOf(optString(body, "EventBusName"));
const ruleResource = (field: string) => (svc: EventBusService, body: Body) => {
  const bus = busOf(body);
  const name = optString(body, field) ?? "*";
  return `arn:aws:events:${svc.scope.region}:${svc.scope.accountId}:rule/${bus === "default" ? name : `${bus}/${name}`}`;
};
const busResource = (field: string) => (svc: EventBusService, body: Body) =>
  `arn:aws:events:${svc.scope.region}:${svc.scope.accountId}:event-bus/${busNameOf(optString(body, field))}`;
const anyResource = () => "*";

function busView(b: EventBusRecord): object {
  return {
    Name: b.name,
    Arn: b.arn,
    ...(b.description !== undefined && { Description: b.description }),
    CreationTime: seconds(b.createdAt),
    LastModifiedTime: seconds(b.createdAt),
  };
}

function ruleView(r: EventRuleRecord): Record<string, unknown> {
  return {
    Name: r.name,
    Arn: r.arn,
    ...(r.eventPattern !== undefined && { EventPattern: r.eventPattern }),
    ...(r.scheduleExpression !== undefined && { ScheduleExpression: r.scheduleExpression }),
    State: r.state,
    ...(r.description !== undefined && { Description: r.description }),
    ...(r.roleArn !== undefined && { RoleArn: r.roleArn }),
    EventBusName: r.busName,
  };
}

function stateOf(body: Body): "ENABLED" | "DISABLED" | undefined {
  const s = optString(body, "State");
  if (s === undefined || s === "ENABLED" || s === "DISABLED") return s;
  throw invalid(
    `1 validation error detected: Value '${s}' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED]`,
  );
}

function refuseUnsupported(body: Body, fields: readonly string[]): void {
  for (const f of fields)
    if (body[f] !== undefined && body[f] !== null) throw invalid(`Parameter ${f} is not supported by haneul.`);
}

/** A resource ARN of TagResource and friends: a bus or a rule. */
function taggable(svc: EventBusService, arn: string): { bus: string; rule?: string } {
  const m = /^arn:aws[\w-]*:events:[^:]*:\d{12}:(event-bus|rule)\/(.+)$/.exec(arn);
  if (!m) throw invalid(`Parameter ResourceARN is not valid: ${arn}`);
  if (m[1] === "event-bus") return { bus: svc.bus(m[2]!).name };
  const parts = m[2]!.split("/");
  const target =
    parts.length === 1
      ? { bus: "default", rule: parts[0]! }
      : { bus: parts.slice(0, -1).join("/"), rule: parts.at(-1)! };
  svc.rule(target.bus, target.rule);
  return target;
}

function tagsAt(svc: EventBusService, arn: string): Readonly<Record<string, string>> {
  const t = taggable(svc, arn);
  return t.rule === undefined ? svc.bus(t.bus).tags : svc.rule(t.bus, t.rule).record.tags;
}

async function setTags(svc: EventBusService, arn: string, tags: Record<string, string>): Promise<void> {
  const t = taggable(svc, arn);
  if (t.rule === undefined) await svc.updateBusTags(t.bus, tags);
  else await svc.updateRuleTags(t.bus, t.rule, tags);
}

/** Every operation, by X-Amz-Target's operation name. */
export const HANDLERS: Readonly<Record<string, EventsHandler>> = {
  CreateEventBus: {
    resource: busResource("Name"),
    async run(svc, body) {
      refuseUnsupported(body, ["EventSourceName", "KmsKeyIdentifier", "DeadLetterConfig"]);
      const name = busNameOf(reqString(body, "Name"), "Name");
      const bus = await svc.createBus({
        name,
        description: optString(body, "Description"),
        tags: tagsOf(body["Tags"]),
      });
      return { EventBusArn: bus.arn, ...(bus.description !== undefined && { Description: bus.description }) };
    },
  },
  DeleteEventBus: {
    resource: busResource("Name"),
    async run(svc, body) {
      await svc.deleteBus(busNameOf(reqString(body, "Name"), "Name"));
      return {};
    },
  },
  DescribeEventBus: {
    resource: busResource("Name"),
    run: (svc, body) => Promise.resolve(busView(svc.bus(busNameOf(optString(body, "Name"), "Name")))),
  },
  ListEventBuses: {
    resource: anyResource,
    run(svc, body) {
      const prefix = optString(body, "NamePrefix") ?? "";
      const all = [...svc.cache.buses.values()]
        .filter((b) => b.name.startsWith(prefix))
        .sort((a, b) => (a.name < b.name ? -1 : 1));
      const { items, nextToken } = page(all, body);
      return Promise.resolve({ EventBuses: items.map(busView), ...(nextToken && { NextToken: nextToken }) });
    },
  },
  PutRule: {
    resource: ruleResource("Name"),
    async run(svc, body) {
      const rule = await svc.putRule({
        busName: busOf(body),
        name: ruleNameOf(body["Name"]),
        eventPattern: optString(body, "EventPattern"),
        scheduleExpression: optString(body, "ScheduleExpression"),
        state: stateOf(body),
        description: optString(body, "Description"),
        roleArn: optString(body, "RoleArn"),
        tags: tagsOf(body["Tags"]),
      });
      return { RuleArn: rule.arn };
    },
  },
  DescribeRule: {
    resource: ruleResource("Name"),
    run(svc, body) {
      const r = svc.rule(busOf(body), ruleNameOf(body["Name"])).record;
      return Promise.resolve({ ...ruleView(r), CreatedBy: svc.scope.accountId });
    },
  },
  ListRules: {
    resource: anyResource,
    run(svc, body) {
      const bus = busOf(body);
      svc.bus(bus);
      const prefix = optString(body, "NamePrefix") ?? "";
      const all = [...svc.cache.rulesOf(bus).values()].map((r) => r.record).filter((r) => r.name.startsWith(prefix));
      all.sort((a, b) => (a.name < b.name ? -1 : 1));
      const { items, nextToken } = page(all, body);
      return Promise.resolve({ Rules: items.map(ruleView), ...(nextToken && { NextToken: nextToken }) });
    },
  },
  DeleteRule: {
    resource: ruleResource("Name"),
    async run(svc, body) {
      await svc.deleteRule(busOf(body), ruleNameOf(body["Name"]), body["Force"] === true);
      return {};
    },
  },
  EnableRule: {
    resource: ruleResource("Name"),
    async run(svc, body) {
      await svc.setRuleState(busOf(body), ruleNameOf(body["Name"]), "ENABLED");
      return {};
    },
  },
  DisableRule: {
    resource: ruleResource("Name"),
    async run(svc, body) {
      await svc.setRuleState(busOf(body), ruleNameOf(body["Name"]), "DISABLED");
      return {};
    },
  },
  PutTargets: {
    resource: ruleResource("Rule"),
    async run(svc, body) {
      const raw = body["Targets"];
      if (!Array.isArray(raw) || raw.length === 0 || raw.length > 10) {
        throw invalid(
          "1 validation error detected: Value at 'targets' failed to satisfy constraint: Member must have length between 1 and 10",
        );
      }
      await svc.putTargets(
        busOf(body),
        ruleNameOf(body["Rule"], "Rule"),
        raw.map((t, i) => targetOf(t, i)),
      );
      return { FailedEntryCount: 0, FailedEntries: [] };
    },
  },
  RemoveTargets: {
    resource: ruleResource("Rule"),
    async run(svc, body) {
      const ids = body["Ids"];
      if (!Array.isArray(ids) || ids.length === 0 || ids.some((i) => typeof i !== "string")) {
        throw invalid(
          "1 validation error detected: Value at 'ids' failed to satisfy constraint: Member must have length between 1 and 100",
        );
      }
      await svc.removeTargets(busOf(body), ruleNameOf(body["Rule"], "Rule"), ids as string[]);
      return { FailedEntryCount: 0, FailedEntries: [] };
    },
  },
  ListTargetsByRule: {
    resource: ruleResource("Rule"),
    run(svc, body) {
      const rule = svc.rule(busOf(body), ruleNameOf(body["Rule"], "Rule")).record;
      const { items, nextToken } = page(rule.targets, body);
      return Promise.resolve({ Targets: items.map(targetView), ...(nextToken && { NextToken: nextToken }) });
    },
  },
  PutEvents: {
    resource: anyResource,
    async run(svc, body) {
      const entries = body["Entries"];
      if (!Array.isArray(entries) || entries.length === 0 || entries.length > 10) {
        throw invalid(
          "1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10",
        );
      }
      refuseUnsupported(body, ["EndpointId"]);
      const results = await putEvents(svc, entries as PutEventsEntry[]);
      return { FailedEntryCount: results.filter((r) => "ErrorCode" in r).length, Entries: results };
    },
  },
  TestEventPattern: {
    resource: anyResource,
    run(_svc, body) {
      const predicate = checkPattern(reqString(body, "EventPattern"));
      let event: unknown;
      try {
        event = JSON.parse(reqString(body, "Event"));
      } catch {
        throw invalid("Parameter Event is not valid.");
      }
      const required = ["id", "account", "source", "time", "region", "detail-type"];
      if (typeof event !== "object" || event === null || required.some((f) => !(f in event))) {
        throw invalid("Parameter Event is not valid.");
      }
      return Promise.resolve({ Result: predicate(event) });
    },
  },
  TagResource: {
    resource: (_svc, body) => optString(body, "ResourceARN") ?? "*",
    async run(svc, body) {
      const arn = reqString(body, "ResourceARN");
      await setTags(svc, arn, { ...tagsAt(svc, arn), ...tagsOf(body["Tags"]) });
      return {};
    },
  },
  UntagResource: {
    resource: (_svc, body) => optString(body, "ResourceARN") ?? "*",
    async run(svc, body) {
      const arn = reqString(body, "ResourceARN");
      const keys = Array.isArray(body["TagKeys"]) ? (body["TagKeys"] as unknown[]) : [];
      const tags = Object.fromEntries(Object.entries(tagsAt(svc, arn)).filter(([k]) => !keys.includes(k)));
      await setTags(svc, arn, tags);
      return {};
    },
  },
  ListTagsForResource: {
    resource: (_svc, body) => optString(body, "ResourceARN") ?? "*",
    run: (svc, body) => Promise.resolve({ Tags: tagList(tagsAt(svc, reqString(body, "ResourceARN"))) }),
  },
};

/** The handler X-Amz-Target names, or AWS's UnknownOperationException. */
export function handlerOf(target: string | string[] | undefined): [string, EventsHandler] {
  const t = typeof target === "string" ? target : "";
  const op = t.startsWith("AWSEvents.") ? t.slice("AWSEvents.".length) : "";
  const handler = Object.hasOwn(HANDLERS, op) ? HANDLERS[op] : undefined;
  if (!handler) throw new PlatformError("ERR_EVENTS_UNKNOWN_OPERATION", `Operation ${t || "(none)"} is not supported.`);
  return [op, handler];
}
