import type { SamContext } from "./context.js";
import { invalidResource } from "./errors.js";
import { compact, ref } from "./intrinsics.js";
import { operations, pathsOf } from "./swagger.js";
import { isObject } from "../template/values.js";
import type { TemplateObject, TemplateValue } from "../template/values.js";

/**
 * SAM's API keys on a REST API: `Auth.ApiKeyRequired` (and an event's own `Auth.ApiKeyRequired`)
 * as an `api_key` security requirement on the methods, and `Auth.UsagePlan` as the usage plan,
 * API key and usage plan key SAM generates: `<Api>UsagePlan`, `<Api>ApiKey`, `<Api>UsagePlanKey`
 * for PER_API; `ServerlessUsagePlan`, `ServerlessApiKey`, `ServerlessUsagePlanKey` shared by every
 * API with SHARED; none for NONE.
 */

const API_KEY = "api_key";
const API_KEY_DEFINITION = { type: "apiKey", name: "x-api-key", in: "header" };

/** Methods whose event said `ApiKeyRequired: false`: the API's default leaves them open. */
const optedOut = new WeakSet<TemplateObject>();

/** An event's `Auth.ApiKeyRequired` on its method (after its authorizer is set). */
export function applyMethodApiKey(op: TemplateObject, required: TemplateValue, body: TemplateObject): void {
  if (required === false) {
    optedOut.add(op);
    return;
  }
  if (required !== true) return;
  const security = Array.isArray(op.security) ? op.security : [];
  if (!security.some((s) => isObject(s) && API_KEY in s)) op.security = [...security, { [API_KEY]: [] }];
  addDefinition(body);
}

/** The API's `Auth.ApiKeyRequired: true` on every method (CORS preflights only with AddApiKeyRequiredToCorsPreflight). */
export function applyApiKeyRequired(body: TemplateObject, auth: TemplateObject): void {
  if (auth.ApiKeyRequired !== true) return;
  const preflight = auth.AddApiKeyRequiredToCorsPreflight !== false;
  for (const item of Object.values(pathsOf(body))) {
    for (const [method, op] of operations(item)) {
      if ((method === "options" && !preflight) || optedOut.has(op)) continue;
      const security = Array.isArray(op.security) ? op.security : [];
      if (!security.some((s) => isObject(s) && API_KEY in s)) op.security = [...security, { [API_KEY]: [] }];
    }
  }
  addDefinition(body);
}

function addDefinition(body: TemplateObject): void {
  const definitions = isObject(body.securityDefinitions) ? body.securityDefinitions : {};
  body.securityDefinitions = { ...definitions, [API_KEY]: API_KEY_DEFINITION };
}

const PLAN_KEYS = ["CreateUsagePlan", "Description", "Quota", "Tags", "Throttle", "UsagePlanName"];
const CREATE = ["PER_API", "SHARED", "NONE"];

/** What the usage plan resources refer to. */
export interface UsagePlanTarget {
  readonly apiId: string;
  readonly stageId: string;
  readonly passthrough: TemplateObject;
}

/** Adds the usage plan, API key and usage plan key of `Auth.UsagePlan` to ctx. */
export function addUsagePlan(auth: TemplateObject, target: UsagePlanTarget, ctx: SamContext): void {
  const settings = auth.UsagePlan;
  if (settings === undefined) return;
  const { apiId } = target;
  if (!isObject(settings)) throw invalidResource(apiId, "'UsagePlan' must be a dictionary");
  if (!Object.keys(settings).every((k) => PLAN_KEYS.includes(k)))
    throw invalidResource(apiId, "Invalid property for 'UsagePlan'");
  const create = settings.CreateUsagePlan;
  if (create === undefined) throw invalidResource(apiId, "'CreateUsagePlan' is a required field for UsagePlan.");
  if (typeof create !== "string" || !CREATE.includes(create))
    throw invalidResource(apiId, `'CreateUsagePlan' accepts only ${CREATE.join(", ")}`);
  if (create === "NONE") return;
  const shared = create === "SHARED";
  const ids = shared
    ? { plan: "ServerlessUsagePlan", key: "ServerlessApiKey", planKey: "ServerlessUsagePlanKey" }
    : { plan: `${apiId}UsagePlan`, key: `${apiId}ApiKey`, planKey: `${apiId}UsagePlanKey` };
  const apiStage = { ApiId: ref(apiId), Stage: ref(target.stageId) };
  const stageKey = { RestApiId: ref(apiId), StageName: ref(target.stageId) };
  const previous = shared ? ctx.resources[ids.plan] : undefined;
  const previousKey = shared ? ctx.resources[ids.key] : undefined;
  ctx.resources[ids.plan] = compact({
    Type: "AWS::ApiGateway::UsagePlan",
    ...target.passthrough,
    DependsOn: [...listOf(previous?.DependsOn), apiId],
    Properties: compact({
      ApiStages: [...listOf(isObject(previous?.Properties) ? previous.Properties.ApiStages : undefined), apiStage],
      ...planSettings(settings),
    }),
  });
  ctx.resources[ids.key] = compact({
    Type: "AWS::ApiGateway::ApiKey",
    ...target.passthrough,
    DependsOn: [ids.plan],
    Properties: {
      Enabled: true,
      StageKeys: [
        ...listOf(isObject(previousKey?.Properties) ? previousKey.Properties.StageKeys : undefined),
        stageKey,
      ],
    },
  });
  ctx.resources[ids.planKey] = compact({
    Type: "AWS::ApiGateway::UsagePlanKey",
    ...target.passthrough,
    DependsOn: [ids.key],
    Properties: { KeyId: ref(ids.key), KeyType: "API_KEY", UsagePlanId: ref(ids.plan) },
  });
}

function listOf(value: TemplateValue | undefined): TemplateValue[] {
  return Array.isArray(value) ? value : [];
}

function planSettings(settings: TemplateObject): TemplateObject {
  const out: TemplateObject = {};
  for (const key of ["UsagePlanName", "Description", "Quota", "Tags", "Throttle"]) {
    // SAM copies each setting that is truthy.
    const v = settings[key];
    if (v !== undefined && v !== null && v !== "" && v !== false && v !== 0) out[key] = v;
  }
  return out;
}
