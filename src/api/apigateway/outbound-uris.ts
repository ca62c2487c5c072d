/**
 * The outbound policy for API Gateway's HTTP and HTTP_PROXY integrations at configuration time:
 * every HTTP URI a request sets (an integration, a quick-create target, an OpenAPI document's
 * `x-amazon-apigateway-integration`s) is checked before anything is stored. A URI whose host is
 * not known yet (stage variables) is checked when the gateway sends to it.
 */
import { parse as parseYaml } from "yaml";
import { PlatformError } from "../../shared/errors.js";
import { outboundRefusal } from "../outbound.js";
import type { ApiRequest } from "../types.js";
import type { ApiGatewayOperationsDeps } from "./wire.js";

/** Refuses with BadRequestException when the policy refuses one of `uris` for the request's caller. */
export async function checkIntegrationUris(
  deps: ApiGatewayOperationsDeps,
  req: ApiRequest,
  uris: readonly (string | undefined)[],
): Promise<void> {
  for (const uri of uris) {
    if (uri === undefined || !/^https?:\/\//i.test(uri)) continue;
    const why = await outboundRefusal(deps.outbound, uri, req.caller);
    if (why !== undefined) {
      throw new PlatformError("ERR_BAD_REQUEST", `Invalid HTTP endpoint specified for URI (${why})`);
    }
  }
}

/** The `uri` of each `x-amazon-apigateway-integration` in an OpenAPI document (none if it does not parse). */
export function definitionUris(text: string): string[] {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch {
    return []; // the import answers a document it cannot read
  }
  const uris: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (v === null || typeof v !== "object") return;
    for (const [k, child] of Object.entries(v)) {
      if (k === "x-amazon-apigateway-integration" && child !== null && typeof child === "object") {
        const uri = (child as Record<string, unknown>)["uri"];
        if (typeof uri === "string") uris.push(uri);
      }
      walk(child);
    }
  };
  walk(doc);
  return uris;
}
