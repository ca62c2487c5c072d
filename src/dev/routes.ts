import { isObject, textOf } from "../domain/template/values.js";
import type { TemplateObject, TemplateValue } from "../domain/template/values.js";

/**
 * The route table `haneul dev` prints: each API of the deployed stack with its stage and the
 * routes its functions' SAM events declare (Api and HttpApi events), and the URLs they answer at.
 */

/** A deployed resource as the stack lists it. */
export interface StackResource {
  readonly logicalId: string;
  readonly type: string;
  readonly physicalId: string;
}

/** One API of the stack. */
export interface DevApi {
  readonly logicalId: string;
  readonly apiId: string;
  readonly stage: string;
  readonly protocol: "REST" | "HTTP";
  readonly routes: readonly { readonly method: string; readonly path: string; readonly functionId: string }[];
}

const API_TYPES: Readonly<Record<string, "REST" | "HTTP">> = {
  "AWS::ApiGateway::RestApi": "REST",
  "AWS::ApiGatewayV2::Api": "HTTP",
};
const STAGE_TYPES: Readonly<Record<string, string>> = {
  REST: "AWS::ApiGateway::Stage",
  HTTP: "AWS::ApiGatewayV2::Stage",
};

function refOf(v: TemplateValue | undefined): string | undefined {
  if (typeof v === "string") return v;
  if (isObject(v) && typeof v.Ref === "string") return v.Ref;
  return undefined;
}

/** The APIs of the stack and the routes the template's function events put on them. */
export function devApis(body: TemplateObject, resources: readonly StackResource[]): DevApi[] {
  const routes = new Map<string, { method: string; path: string; functionId: string }[]>();
  const resourcesOf = isObject(body.Resources) ? body.Resources : {};
  for (const [functionId, raw] of Object.entries(resourcesOf)) {
    if (!isObject(raw) || raw.Type !== "AWS::Serverless::Function" || !isObject(raw.Properties)) continue;
    const events = isObject(raw.Properties.Events) ? raw.Properties.Events : {};
    for (const event of Object.values(events)) {
      if (!isObject(event) || (event.Type !== "Api" && event.Type !== "HttpApi")) continue;
      const p = isObject(event.Properties) ? event.Properties : {};
      const rest = event.Type === "Api";
      const api = refOf(rest ? p.RestApiId : p.ApiId) ?? (rest ? "ServerlessRestApi" : "ServerlessHttpApi");
      const method = p.Method === undefined ? "ANY" : textOf(p.Method).toUpperCase();
      const path = p.Path === undefined ? "$default" : textOf(p.Path);
      routes.set(api, [
        ...(routes.get(api) ?? []),
        { method: method === "X-AMAZON-APIGATEWAY-ANY-METHOD" ? "ANY" : method, path, functionId },
      ]);
    }
  }
  const out: DevApi[] = [];
  for (const r of resources) {
    const protocol = API_TYPES[r.type];
    if (!protocol) continue;
    const stage = resources.find((s) => s.type === STAGE_TYPES[protocol] && s.logicalId.startsWith(r.logicalId));
    const sorted = [...(routes.get(r.logicalId) ?? [])].sort(
      (a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method),
    );
    out.push({
      logicalId: r.logicalId,
      apiId: r.physicalId,
      stage: stage?.physicalId ?? (protocol === "HTTP" ? "$default" : "Prod"),
      protocol,
      routes: sorted,
    });
  }
  return out;
}

/** The path on the node's gateway that serves `api` (path-based addressing). */
export function gatewayPrefix(api: DevApi): string {
  return `/_api/${api.apiId}/${api.stage}`;
}

/** The route table as lines: with one API its routes are at the root of `rootUrl`. */
export function routeTableLines(apis: readonly DevApi[], rootUrl: string): string[] {
  if (!apis.length) return ["  (no APIs in the template)"];
  const lines: string[] = [];
  const single = apis.length === 1;
  for (const api of apis) {
    const base = single ? rootUrl : `${rootUrl}${gatewayPrefix(api).slice(1)}/`;
    lines.push(
      `  ${api.logicalId} (${api.protocol} API ${api.apiId}, stage ${api.stage})${single ? ", also at the root" : ""}`,
    );
    if (!api.routes.length) lines.push(`    (routes from its definition)   ${base}`);
    for (const r of api.routes) {
      const url = r.path === "$default" ? `${base}…` : `${base}${r.path.replace(/^\//, "")}`;
      lines.push(`    ${r.method.padEnd(7)} ${url.padEnd(48)} → ${r.functionId}`);
    }
  }
  return lines;
}
