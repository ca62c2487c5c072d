import type { ResourceRecord, RouteRecord, StageRecord } from "../../ports/api-store.js";
import type { Row } from "./rows.js";

/** The record a row's JSON body holds. */
export const parse = <R>(row: Row): R => JSON.parse(row.body as string) as R;
/** A record as a JSON body. */
export const body = (record: object): string => JSON.stringify(record);

/** What SQLite reports when a constraint refuses a write. */
export function constraintOf(e: unknown): "unique" | "foreign-key" | undefined {
  const code = (e as { code?: unknown }).code;
  if (code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY") return "unique";
  if (code === "SQLITE_CONSTRAINT_FOREIGNKEY") return "foreign-key";
  return undefined;
}

/** A route → named parameters of apigw_routes. */
export function routeParams(r: RouteRecord): Row {
  return { api_id: r.apiId, route_id: r.routeId, route_key: r.routeKey, body: body(r) };
}

/** A stage → named parameters of apigw_stages. */
export function stageParams(s: StageRecord): Row {
  return { api_id: s.apiId, stage_name: s.stageName, body: body(s) };
}

/** A resource → named parameters of apigw_resources. */
export function resourceParams(r: ResourceRecord): Row {
  return {
    api_id: r.apiId,
    resource_id: r.resourceId,
    parent_id: r.parentId ?? null,
    path_part: r.pathPart ?? null,
    path: r.path,
    body: body(r),
  };
}
