/** API Gateway v1 API keys, usage plans, usage plan keys and usage (GetUsage, UpdateUsage). */
import { z } from "zod";
import type { UsagePlanService } from "../../control/index.js";
import type { ApiKeyRecord, UsagePlanRecord } from "../../domain/usage-plans.js";
import { PlatformError } from "../../shared/errors.js";
import type { ApiRequest, Operation } from "../types.js";
import { stringMap } from "./schemas.js";
import { body, compact, empty, epochSeconds, intQuery, json, operation, param, query } from "./wire.js";

const throttle = z.object({ burstLimit: z.number().int().optional(), rateLimit: z.number().optional() });

const createApiKey = z.object({
  name: z.string().optional(),
  description: z.string().optional(),
  enabled: z.boolean().optional(),
  generateDistinctId: z.boolean().optional(),
  value: z.string().optional(),
  stageKeys: z.array(z.object({ restApiId: z.string().optional(), stageName: z.string().optional() })).optional(),
  customerId: z.string().optional(),
  tags: stringMap.optional(),
});

const createUsagePlan = z.object({
  name: z.string().min(1),
  description: z.string().optional(),
  apiStages: z
    .array(z.object({ apiId: z.string(), stage: z.string(), throttle: z.record(z.string(), throttle).optional() }))
    .optional(),
  throttle: throttle.optional(),
  quota: z
    .object({ limit: z.number().int().optional(), offset: z.number().int().optional(), period: z.string().optional() })
    .optional(),
  tags: stringMap.optional(),
});

const createPlanKey = z.object({ keyId: z.string().min(1), keyType: z.string().min(1) });

const patch = z.object({
  patchOperations: z
    .array(
      z.object({
        op: z.string(),
        path: z.string().optional(),
        value: z.string().optional(),
        from: z.string().optional(),
      }),
    )
    .optional(),
});

/** `ApiKey`; the value only when asked for (or just made). */
function apiKeyView(k: ApiKeyRecord, withValue: boolean): Record<string, unknown> {
  return compact(
    {
      id: k.id,
      value: withValue ? k.value : undefined,
      name: k.name,
      customerId: k.customerId,
      description: k.description,
      enabled: k.enabled,
      createdDate: epochSeconds(k.createdAt),
      lastUpdatedDate: epochSeconds(k.lastUpdatedAt),
      stageKeys: k.stageKeys,
      tags: k.tags,
    },
    ["tags"],
  );
}

/** `UsagePlan`. */
function usagePlanView(p: UsagePlanRecord): Record<string, unknown> {
  return compact(
    {
      id: p.id,
      name: p.name,
      description: p.description,
      apiStages: p.apiStages.map((s) => compact({ apiId: s.apiId, stage: s.stage, throttle: s.throttle })),
      throttle: p.throttle,
      quota: p.quota,
      productCode: p.productCode,
      tags: p.tags,
    },
    ["tags"],
  );
}

/** `UsagePlanKey`. */
function planKeyView(k: ApiKeyRecord): Record<string, unknown> {
  return { id: k.id, type: "API_KEY", value: k.value, name: k.name };
}

const page = (req: ApiRequest) => ({ limit: intQuery(req, "limit"), position: query(req, "position") });
const items = <T>(p: { items: T[]; next?: string }, view: (t: T) => unknown) => ({
  item: p.items.map(view),
  ...(p.next ? { position: p.next } : {}),
});

/** The API key, usage plan and usage operations. */
export function restUsageOperations(service: UsagePlanService): Operation[] {
  const s = service.ops;
  const PLAN = "/usageplans/{usageplanId}";
  const planId = (req: ApiRequest) => param(req, "usageplanId");
  return [
    operation("CreateApiKey", "POST /apikeys", async (req) => {
      // ImportApiKeys shares the path (`?mode=import`): keys are created one at a time here.
      if (req.query.get("mode") === "import") {
        throw new PlatformError(
          "ERR_BAD_REQUEST",
          "ImportApiKeys: not supported by haneul; create keys with CreateApiKey",
        );
      }
      return json(201, apiKeyView(await s.createApiKey(body(req, createApiKey)), true));
    }),
    operation("GetApiKeys", "GET /apikeys", async (req) => {
      const withValues = req.query.get("includeValues") === "true";
      const p = await s.getApiKeys({
        ...page(req),
        nameQuery: query(req, "name"),
        customerId: query(req, "customerId"),
      });
      return json(
        200,
        items(p, (k) => apiKeyView(k, withValues)),
      );
    }),
    operation("GetApiKey", "GET /apikeys/{api_Key}", async (req) =>
      json(200, apiKeyView(await s.getApiKey(param(req, "api_Key")), req.query.get("includeValue") === "true")),
    ),
    operation("UpdateApiKey", "PATCH /apikeys/{api_Key}", async (req) => {
      const ops = body(req, patch).patchOperations ?? [];
      return json(200, apiKeyView(await s.updateApiKey(param(req, "api_Key"), ops), true));
    }),
    operation("DeleteApiKey", "DELETE /apikeys/{api_Key}", async (req) => {
      await s.deleteApiKey(param(req, "api_Key"));
      return empty(202);
    }),

    operation("CreateUsagePlan", "POST /usageplans", async (req) =>
      json(201, usagePlanView(await s.createUsagePlan(body(req, createUsagePlan)))),
    ),
    operation("GetUsagePlans", "GET /usageplans", async (req) =>
      json(200, items(await s.getUsagePlans({ ...page(req), keyId: query(req, "keyId") }), usagePlanView)),
    ),
    operation("GetUsagePlan", `GET ${PLAN}`, async (req) =>
      json(200, usagePlanView(await s.getUsagePlan(planId(req)))),
    ),
    operation("UpdateUsagePlan", `PATCH ${PLAN}`, async (req) => {
      const ops = body(req, patch).patchOperations ?? [];
      return json(200, usagePlanView(await s.updateUsagePlan(planId(req), ops)));
    }),
    operation("DeleteUsagePlan", `DELETE ${PLAN}`, async (req) => {
      await s.deleteUsagePlan(planId(req));
      return empty(202);
    }),

    operation("CreateUsagePlanKey", `POST ${PLAN}/keys`, async (req) =>
      json(201, planKeyView(await s.createUsagePlanKey(planId(req), body(req, createPlanKey)))),
    ),
    operation("GetUsagePlanKeys", `GET ${PLAN}/keys`, async (req) =>
      json(
        200,
        items(await s.getUsagePlanKeys(planId(req), { ...page(req), nameQuery: query(req, "name") }), planKeyView),
      ),
    ),
    operation("GetUsagePlanKey", `GET ${PLAN}/keys/{keyId}`, async (req) =>
      json(200, planKeyView(await s.getUsagePlanKey(planId(req), param(req, "keyId")))),
    ),
    operation("DeleteUsagePlanKey", `DELETE ${PLAN}/keys/{keyId}`, async (req) => {
      await s.deleteUsagePlanKey(planId(req), param(req, "keyId"));
      return empty(202);
    }),

    operation("GetUsage", `GET ${PLAN}/usage`, async (req) => {
      const r = await s.getUsage(planId(req), {
        ...page(req),
        startDate: query(req, "startDate"),
        endDate: query(req, "endDate"),
        keyId: query(req, "keyId"),
      });
      return json(200, usageView(r));
    }),
    operation("UpdateUsage", `PATCH ${PLAN}/keys/{keyId}/usage`, async (req) => {
      const ops = body(req, patch).patchOperations ?? [];
      return json(200, usageView(await s.updateUsage(planId(req), param(req, "keyId"), ops)));
    }),
  ];
}

function usageView(r: Awaited<ReturnType<UsagePlanService["ops"]["getUsage"]>>): Record<string, unknown> {
  return compact({
    usagePlanId: r.usagePlanId,
    startDate: r.startDate,
    endDate: r.endDate,
    values: r.items,
    position: r.next,
  });
}
