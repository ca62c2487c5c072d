import type { UsagePlanService } from "../../control/index.js";
import type { PlanApiStage, ThrottleSettings } from "../../domain/usage-plans.js";
import { generatedName, needService, refuseUnsupported, ResourceFailure, str } from "./handler.js";
import type { Properties, ResourceHandler, ResourceScope } from "./handler.js";

/**
 * AWS::ApiGateway::ApiKey, ::UsagePlan and ::UsagePlanKey through the usage plan service, so a
 * stack's keys and plans are the ones the gateway enforces. Changes CloudFormation makes in place
 * become the service's PATCH operations; the others replace the resource (replacement.ts).
 */

type Obj = Record<string, unknown>;
type PatchOp = { op: string; path: string; value?: string | undefined };
const obj = (v: unknown): Obj | undefined => (typeof v === "object" && v !== null ? (v as Obj) : undefined);
/** A string property of an object value, or "". */
const text = (o: unknown, key: string): string => str(obj(o) ?? {}, key) ?? "";
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

function service(scope: ResourceScope): UsagePlanService {
  return needService(scope.services.usagePlans, scope);
}

/** CloudFormation's `[{Key, Value}]` tags as a map. */
function tagsOf(props: Properties): Record<string, string> | undefined {
  if (props.Tags === undefined) return undefined;
  const list = Array.isArray(props.Tags) ? (props.Tags as unknown[]) : [];
  return Object.fromEntries(list.map((t) => [text(t, "Key"), text(t, "Value")]));
}

function stageKeysOf(props: Properties): string[] {
  const list = Array.isArray(props.StageKeys) ? (props.StageKeys as unknown[]) : [];
  return list.map((s) => `${text(s, "RestApiId")}/${text(s, "StageName")}`);
}

const KEY_KEYS = ["Name", "Description", "Enabled", "Value", "StageKeys", "Tags", "CustomerId", "GenerateDistinctId"];

const apiKey: ResourceHandler = {
  async create(props, scope) {
    refuseUnsupported(props, scope, KEY_KEYS);
    const key = await service(scope).ops.createApiKey({
      name: str(props, "Name") ?? generatedName(scope, 128),
      description: str(props, "Description"),
      enabled: props.Enabled === true || props.Enabled === "true",
      value: str(props, "Value"),
      customerId: str(props, "CustomerId"),
      stageKeys: stageKeysOf(props).map((s) => ({ restApiId: s.split("/")[0], stageName: s.split("/")[1] })),
      tags: tagsOf(props),
    });
    return { physicalId: key.id, attributes: { APIKeyId: key.id } };
  },
  async update(props, previous, scope) {
    refuseUnsupported(props, scope, KEY_KEYS);
    if (!same(previous.properties.Tags, props.Tags))
      throw new ResourceFailure(`haneul cannot update Tags of an API key in place yet (${scope.logicalId})`);
    const id = previous.physicalId ?? "";
    const ops: PatchOp[] = [
      { op: "replace", path: "/description", value: str(props, "Description") ?? "" },
      { op: "replace", path: "/enabled", value: String(props.Enabled === true || props.Enabled === "true") },
      { op: "replace", path: "/customerId", value: str(props, "CustomerId") ?? "" },
    ];
    const before = (await service(scope).ops.getApiKey(id)).stageKeys;
    const after = stageKeysOf(props);
    for (const s of before) if (!after.includes(s)) ops.push({ op: "remove", path: "/stages", value: s });
    for (const s of after) if (!before.includes(s)) ops.push({ op: "add", path: "/stages", value: s });
    await service(scope).ops.updateApiKey(id, ops);
    return { physicalId: id, attributes: previous.attributes };
  },
  async delete(record, scope) {
    if (record.physicalId) await service(scope).ops.deleteApiKey(record.physicalId);
  },
};

function throttleOf(value: unknown): ThrottleSettings | undefined {
  const t = obj(value);
  if (!t) return undefined;
  const num = (v: unknown) => (v === undefined ? undefined : Number(v));
  return { rateLimit: num(t.RateLimit), burstLimit: num(t.BurstLimit) };
}

function apiStagesOf(props: Properties): PlanApiStage[] {
  const list = Array.isArray(props.ApiStages) ? (props.ApiStages as unknown[]) : [];
  return list.map((raw) => {
    const s = obj(raw) ?? {};
    const throttle = obj(s.Throttle);
    return {
      apiId: text(s, "ApiId"),
      stage: text(s, "Stage"),
      ...(throttle && {
        throttle: Object.fromEntries(Object.entries(throttle).map(([k, v]) => [k, throttleOf(v) ?? {}])),
      }),
    };
  });
}

function quotaOf(props: Properties) {
  const q = obj(props.Quota);
  if (!q) return undefined;
  return {
    limit: q.Limit === undefined ? undefined : Number(q.Limit),
    period: str(q, "Period"),
    offset: q.Offset === undefined ? undefined : Number(q.Offset),
  };
}

const PLAN_KEYS = ["UsagePlanName", "Description", "ApiStages", "Throttle", "Quota", "Tags"];

/** The PATCH operations that bring a plan's name, description, throttle and quota to `props`. */
function planSettingOps(props: Properties, scope: ResourceScope): PatchOp[] {
  const ops: PatchOp[] = [
    { op: "replace", path: "/name", value: str(props, "UsagePlanName") ?? scope.logicalId },
    { op: "replace", path: "/description", value: str(props, "Description") },
  ];
  const throttle = throttleOf(props.Throttle);
  if (throttle) {
    if (throttle.rateLimit !== undefined)
      ops.push({ op: "replace", path: "/throttle/rateLimit", value: String(throttle.rateLimit) });
    if (throttle.burstLimit !== undefined)
      ops.push({ op: "replace", path: "/throttle/burstLimit", value: String(throttle.burstLimit) });
  } else ops.push({ op: "remove", path: "/throttle" });
  const quota = quotaOf(props);
  if (quota) {
    ops.push({ op: "replace", path: "/quota/limit", value: String(quota.limit ?? 0) });
    ops.push({ op: "replace", path: "/quota/period", value: quota.period });
    ops.push({ op: "replace", path: "/quota/offset", value: String(quota.offset ?? 0) });
  } else ops.push({ op: "remove", path: "/quota" });
  return ops;
}

const usagePlan: ResourceHandler = {
  async create(props, scope) {
    refuseUnsupported(props, scope, PLAN_KEYS);
    const plan = await service(scope).ops.createUsagePlan({
      name: str(props, "UsagePlanName") ?? scope.logicalId,
      description: str(props, "Description"),
      apiStages: apiStagesOf(props),
      throttle: throttleOf(props.Throttle),
      quota: quotaOf(props),
      tags: tagsOf(props),
    });
    return { physicalId: plan.id, attributes: { Id: plan.id } };
  },
  async update(props, previous, scope) {
    refuseUnsupported(props, scope, PLAN_KEYS);
    if (!same(previous.properties.Tags, props.Tags))
      throw new ResourceFailure(`haneul cannot update Tags of a usage plan in place yet (${scope.logicalId})`);
    const id = previous.physicalId ?? "";
    // The plan as it is (the recorded properties may hold unresolved references).
    const before = (await service(scope).ops.getUsagePlan(id)).apiStages;
    const after = apiStagesOf(props);
    const stageOf = (s: PlanApiStage) => `${s.apiId}:${s.stage}`;
    const ops = planSettingOps(props, scope);
    for (const s of before) {
      const kept = after.find((a) => stageOf(a) === stageOf(s));
      if (!kept) ops.push({ op: "remove", path: "/apiStages", value: stageOf(s) });
      else if (!same(kept.throttle, s.throttle))
        throw new ResourceFailure(
          `haneul cannot update the method throttling of a plan's API stage yet (${scope.logicalId})`,
        );
    }
    for (const s of after) {
      if (before.some((b) => stageOf(b) === stageOf(s))) continue;
      if (s.throttle)
        throw new ResourceFailure(
          `haneul cannot add an API stage with Throttle to a plan in place yet (${scope.logicalId})`,
        );
      ops.push({ op: "add", path: "/apiStages", value: stageOf(s) });
    }
    await service(scope).ops.updateUsagePlan(id, ops);
    return { physicalId: id, attributes: previous.attributes };
  },
  async delete(record, scope) {
    const id = record.physicalId;
    if (!id) return;
    // API Gateway refuses to delete a plan that still covers stages; CloudFormation detaches them first.
    const plan = await service(scope).ops.getUsagePlan(id);
    const ops = plan.apiStages.map((s) => ({ op: "remove", path: "/apiStages", value: `${s.apiId}:${s.stage}` }));
    if (ops.length > 0) await service(scope).ops.updateUsagePlan(id, ops);
    await service(scope).ops.deleteUsagePlan(id);
  },
};

const usagePlanKey: ResourceHandler = {
  async create(props, scope) {
    refuseUnsupported(props, scope, ["KeyId", "KeyType", "UsagePlanId"]);
    const keyId = str(props, "KeyId") ?? "";
    const planId = str(props, "UsagePlanId") ?? "";
    await service(scope).ops.createUsagePlanKey(planId, { keyId, keyType: str(props, "KeyType") ?? "" });
    const id = `${keyId}:${planId}`;
    return { physicalId: id, attributes: { Id: id, KeyId: keyId, UsagePlanId: planId } };
  },
  async delete(record, scope) {
    const keyId = text(record.attributes, "KeyId");
    const planId = text(record.attributes, "UsagePlanId");
    if (keyId && planId) await service(scope).ops.deleteUsagePlanKey(planId, keyId);
  },
};

/** The usage plan handlers by type. */
export const USAGE_PLAN_HANDLERS: Readonly<Record<string, ResourceHandler>> = {
  "AWS::ApiGateway::ApiKey": apiKey,
  "AWS::ApiGateway::UsagePlan": usagePlan,
  "AWS::ApiGateway::UsagePlanKey": usagePlanKey,
};
