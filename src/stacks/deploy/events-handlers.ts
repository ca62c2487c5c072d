import { busNameOf, ruleNameOf, type EventBusService } from "../../buses/index.js";
import type { RuleTargetRecord } from "../../ports/bus-store.js";
import { isPlatformError } from "../../shared/errors.js";
import { generatedName, needService, refuseUnsupported, ResourceFailure, str } from "./handler.js";
import type { Properties, ResourceHandler, ResourceResult, ResourceScope, StackBuses } from "./handler.js";
import { SCHEDULER_HANDLERS } from "./scheduler-handlers.js";

/**
 * AWS::Events::Rule and AWS::Events::EventBus through the node's EventBridge. A rule's targets are
 * checked as PutTargets checks them (Lambda functions; Input, InputPath or InputTransformer);
 * the function's AWS::Lambda::Permission for events.amazonaws.com is a resource of its own.
 */

const RULE_KEYS = [
  "Name",
  "Description",
  "EventBusName",
  "EventPattern",
  "ScheduleExpression",
  "State",
  "RoleArn",
  "Targets",
];

function ruleState(props: Properties, scope: ResourceScope): "ENABLED" | "DISABLED" {
  const state = str(props, "State") ?? "ENABLED";
  if (state !== "ENABLED" && state !== "DISABLED") {
    throw new ResourceFailure(
      `haneul does not support State '${state}' on ${scope.type} (resource ${scope.logicalId})`,
    );
  }
  return state;
}

function pattern(props: Properties): string | undefined {
  const p = props.EventPattern;
  if (p === undefined || p === null) return undefined;
  return typeof p === "string" ? p : JSON.stringify(p);
}

function targets(props: Properties, buses: StackBuses): RuleTargetRecord[] {
  const list = props.Targets;
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new ResourceFailure("Targets must be a list");
  return list.map((t) => buses.target(t));
}

/** Where a rule lives: its bus and name (the physical id is `bus|name` off the default bus, as Ref gives). */
function ruleAt(physicalId: string): { bus: string; name: string } {
  const bar = physicalId.indexOf("|");
  return bar < 0
    ? { bus: "default", name: physicalId }
    : { bus: physicalId.slice(0, bar), name: physicalId.slice(bar + 1) };
}

function ruleResult(arn: string, bus: string, name: string): ResourceResult {
  return { physicalId: bus === "default" ? name : `${bus}|${name}`, attributes: { Arn: arn } };
}

async function putRule(props: Properties, scope: ResourceScope, at: { bus: string; name: string }) {
  const buses = needService(scope.services.buses, scope);
  const wanted = targets(props, buses);
  const rule = await buses.service.putRule({
    busName: at.bus,
    name: at.name,
    eventPattern: pattern(props),
    scheduleExpression: str(props, "ScheduleExpression"),
    state: ruleState(props, scope),
    description: str(props, "Description"),
    roleArn: str(props, "RoleArn"),
  });
  const ids = new Set(wanted.map((t) => t.id));
  const stale = rule.targets.filter((t) => !ids.has(t.id)).map((t) => t.id);
  if (stale.length > 0) await buses.service.removeTargets(at.bus, at.name, stale);
  if (wanted.length > 0) await buses.service.putTargets(at.bus, at.name, wanted);
  return rule;
}

async function deleteRule(service: EventBusService, at: { bus: string; name: string }): Promise<void> {
  try {
    await service.deleteRule(at.bus, at.name, true);
  } catch (e) {
    // The bus is gone already: so is the rule.
    if (!(isPlatformError(e) && e.code === "ERR_EVENTS_RESOURCE_NOT_FOUND")) throw e;
  }
}

const rule: ResourceHandler = {
  async create(props, scope) {
    refuseUnsupported(props, scope, RULE_KEYS);
    const service = needService(scope.services.buses, scope).service;
    const at = {
      bus: busNameOf(str(props, "EventBusName")),
      name: ruleNameOf(str(props, "Name") ?? generatedName(scope)),
    };
    service.bus(at.bus);
    if (service.cache.get(at.bus, at.name)) {
      throw new ResourceFailure(`Resource of type '${scope.type}' with identifier '${at.name}' already exists.`);
    }
    try {
      const created = await putRule(props, scope, at);
      return ruleResult(created.arn, at.bus, at.name);
    } catch (e) {
      // PutRule succeeded and a target was refused: the rule goes too (nothing is left half-made).
      if (service.cache.get(at.bus, at.name)) await deleteRule(service, at);
      throw e;
    }
  },
  async update(props, previous, scope) {
    refuseUnsupported(props, scope, RULE_KEYS);
    const at = ruleAt(previous.physicalId ?? "");
    const updated = await putRule(props, scope, at);
    return ruleResult(updated.arn, at.bus, at.name);
  },
  async delete(record, scope) {
    await deleteRule(needService(scope.services.buses, scope).service, ruleAt(record.physicalId ?? ""));
  },
};

function busTags(props: Properties): Record<string, string> {
  const list = Array.isArray(props.Tags) ? (props.Tags as { Key: string; Value: string }[]) : [];
  return Object.fromEntries(list.map((t) => [t.Key, String(t.Value)]));
}

const eventBus: ResourceHandler = {
  async create(props, scope) {
    refuseUnsupported(props, scope, ["Name", "Description", "Tags"]);
    const service = needService(scope.services.buses, scope).service;
    const given = str(props, "Name");
    if (given === undefined) {
      throw new ResourceFailure(
        `Properties validation failed for resource ${scope.logicalId} with message: #: required key [Name] not found`,
      );
    }
    const name = busNameOf(given, "Name");
    if (name === "default")
      throw new ResourceFailure("Event bus default exists in every account: it cannot be created");
    const bus = await service.createBus({ name, description: str(props, "Description"), tags: busTags(props) });
    return { physicalId: name, attributes: { Arn: bus.arn, Name: name } };
  },
  async update(props, previous, scope) {
    refuseUnsupported(props, scope, ["Name", "Description", "Tags"]);
    const service = needService(scope.services.buses, scope).service;
    const name = previous.physicalId ?? "";
    await service.updateBus(name, { description: str(props, "Description"), tags: busTags(props) });
    return { physicalId: name, attributes: { Arn: service.bus(name).arn, Name: name } };
  },
  async delete(record, scope) {
    await needService(scope.services.buses, scope).service.deleteBus(record.physicalId ?? "");
  },
};

/** The EventBridge and Scheduler handlers by type. */
export const EVENTS_HANDLERS: Readonly<Record<string, ResourceHandler>> = {
  "AWS::Events::Rule": rule,
  "AWS::Events::EventBus": eventBus,
  ...SCHEDULER_HANDLERS,
};
