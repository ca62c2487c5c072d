import type { SamContext } from "./context.js";
import { IMPLICIT_HTTP_API, IMPLICIT_REST_API, MANAGED } from "./events-api.js";
import { pathsOf } from "./swagger.js";
import { isObject, textOf } from "../template/values.js";
import type { TemplateObject, TemplateValue } from "../template/values.js";

/**
 * Conditions SAM puts on APIs whose routes come from conditional functions: a path whose every
 * method belongs to a function with a Condition exists only under those conditions, and the
 * implicit API exists only when one of its functions does (conditions combined with Fn::Or, at most
 * ten at a time, as SAM combines them).
 */

export type Route = {
  apiId: string;
  path: string;
  condition: string | undefined;
  deletionPolicy: string | undefined;
  updateReplacePolicy: string | undefined;
};

/** The routes the functions' Api and HttpApi events add to the APIs SAM builds, with the functions' conditions (read before functions are translated). */
export function apiRoutes(ctx: SamContext): Route[] {
  const out: Route[] = [];
  for (const r of Object.values(ctx.resources)) {
    if (r.Type !== "AWS::Serverless::Function") continue;
    const events = (r.Properties as TemplateObject).Events;
    if (!isObject(events)) continue;
    const condition = typeof r.Condition === "string" ? r.Condition : undefined;
    const policies = {
      deletionPolicy: typeof r.DeletionPolicy === "string" ? r.DeletionPolicy : undefined,
      updateReplacePolicy: typeof r.UpdateReplacePolicy === "string" ? r.UpdateReplacePolicy : undefined,
    };
    for (const e of Object.values(events)) {
      if (!isObject(e)) continue;
      const p = isObject(e.Properties) ? e.Properties : {};
      if (e.Type === "Api")
        out.push({ apiId: apiOf(p.RestApiId, IMPLICIT_REST_API), path: textOf(p.Path), condition, ...policies });
      if (e.Type === "HttpApi")
        out.push({
          apiId: apiOf(p.ApiId, IMPLICIT_HTTP_API),
          path: p.Path === undefined ? "$default" : textOf(p.Path),
          condition,
          ...policies,
        });
    }
  }
  return out;
}

function apiOf(value: TemplateValue | undefined, implicit: string): string {
  if (value === undefined) return implicit;
  if (isObject(value) && typeof value.Ref === "string") return value.Ref;
  return textOf(value);
}

/** Adds the path and implicit-API conditions; run after functions wrote their routes, before APIs are translated. */
export function addApiConditions(ctx: SamContext, all: readonly Route[]): void {
  for (const [apiId, resource] of Object.entries(ctx.resources)) {
    const props = resource.Properties as TemplateObject | undefined;
    if (!props || props[MANAGED] !== true || !isObject(props.DefinitionBody)) continue;
    const mine = all.filter((r) => r.apiId === apiId);
    if (resource.Type === "AWS::Serverless::Api") conditionalPaths(apiId, props.DefinitionBody, mine, ctx);
    if (apiId === IMPLICIT_REST_API || apiId === IMPLICIT_HTTP_API) {
      const condition = combined(
        `${apiId}Condition`,
        mine.map((r) => r.condition),
        ctx,
      );
      if (condition) resource.Condition = condition;
      // The implicit API is kept as carefully as the most careful of its functions.
      const deletion = strongest(
        mine.map((r) => r.deletionPolicy),
        ["Retain", "Delete"],
      );
      if (deletion) resource.DeletionPolicy = deletion;
      const replace = strongest(
        mine.map((r) => r.updateReplacePolicy),
        ["Retain", "Snapshot", "Delete"],
      );
      if (replace) resource.UpdateReplacePolicy = replace;
    }
  }
}

function conditionalPaths(apiId: string, body: TemplateObject, mine: Route[], ctx: SamContext): void {
  const paths = pathsOf(body);
  for (const path of Object.keys(paths)) {
    const name = `${apiId}${path.replace(/\//g, "SLASH").replace(/\{/g, "OB").replace(/\}/g, "CB")}PathCondition`;
    const condition = combined(
      name,
      mine.filter((r) => r.path === path).map((r) => r.condition),
      ctx,
    );
    if (condition) paths[path] = { "Fn::If": [condition, paths[path] as TemplateValue, { Ref: "AWS::NoValue" }] };
  }
}

/** The one condition, or a combined one added to the template, when every entry has a condition; else undefined. */
function combined(name: string, conditions: (string | undefined)[], ctx: SamContext): string | undefined {
  if (!conditions.length || conditions.includes(undefined)) return undefined;
  let list = [...new Set(conditions as string[])].sort();
  if (list.length === 1) return list[0];
  let remaining = Math.ceil((list.length - 1) / 9) - 1;
  while (list.length > 1) {
    const conditionName = remaining > 0 ? `${name}${remaining--}` : name;
    ctx.conditions[conditionName] = { "Fn::Or": list.slice(0, 10).map((c) => ({ Condition: c })) };
    list = [...list.slice(10), conditionName];
  }
  return name;
}

function strongest(policies: (string | undefined)[], ranked: readonly string[]): string | undefined {
  return ranked.find((p) => policies.includes(p));
}
