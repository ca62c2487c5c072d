/**
 * How a request names its API and stage. Two forms:
 *
 * - Host-based, like AWS: `http://<apiId>.execute-api.localhost:<port>/<stage>/<path>`. For REST
 *   APIs the first path segment is the stage. For HTTP APIs a first segment naming a stage selects
 *   it; otherwise the `$default` stage serves the whole path from the root.
 * - Path-based, for clients that cannot set a Host header:
 *   `http://127.0.0.1:<port>/_api/<apiId>/<stage>/<path>`. The stage is always spelled out,
 *   `$default` included (`/_api/<apiId>/$default/items`).
 */
import type { CompiledApi, CompiledStage } from "./model.js";

const HOST_MARK = ".execute-api.";
const PATH_PREFIX = "/_api/";

/** The API a request addresses and the path after it (still holding the stage). */
export interface ApiAddress {
  readonly apiId: string;
  /** The raw path after the API part; begins with `/`. */
  readonly rest: string;
  /** True for the `/_api/` form, where the stage segment is mandatory. */
  readonly explicitStage: boolean;
}

/** The API a request addresses, or undefined when it names none. */
export function resolveApi(host: string | undefined, rawPath: string): ApiAddress | undefined {
  if (rawPath.startsWith(PATH_PREFIX)) {
    const slash = rawPath.indexOf("/", PATH_PREFIX.length);
    const apiId = rawPath.slice(PATH_PREFIX.length, slash < 0 ? undefined : slash);
    return apiId ? { apiId, rest: slash < 0 ? "/" : rawPath.slice(slash), explicitStage: true } : undefined;
  }
  const mark = host ? host.indexOf(HOST_MARK) : -1;
  if (!host || mark <= 0) return undefined;
  return { apiId: host.slice(0, mark), rest: rawPath, explicitStage: false };
}

/** The stage a request addresses and the paths that follow from it. */
export interface StageAddress {
  readonly stage: CompiledStage;
  /** The path routes see (without the stage). */
  readonly path: string;
  /** requestContext.path / rawPath: with the stage unless it is `$default`. */
  readonly contextPath: string;
}

/** Resolves the stage; undefined when the API has no such stage. */
export function resolveStage(api: CompiledApi, addr: ApiAddress): StageAddress | undefined {
  const { rest } = addr;
  const slash = rest.indexOf("/", 1);
  const first = rest.slice(1, slash < 0 ? undefined : slash);
  const after = slash < 0 ? "/" : rest.slice(slash);
  const name = first === "%24default" ? "$default" : first;
  // `$default` is a path segment only in the path-based form; AWS serves it from the root.
  const named = name === "" || (name === "$default" && !addr.explicitStage) ? undefined : api.stages.get(name);
  if (named) return { stage: named, path: after, contextPath: name === "$default" ? after : `/${name}${after}` };
  if (api.protocol === "REST" || addr.explicitStage) return undefined;
  const fallback = api.stages.get("$default");
  return fallback ? { stage: fallback, path: rest, contextPath: rest } : undefined;
}

/** Both URLs of a stage: the host-based one (as AWS) and the path-based one. */
export function apiUrls(apiId: string, stage: string, port: number): { hostBased: string; pathBased: string } {
  const stagePath = stage === "$default" ? "" : `${stage}/`;
  return {
    hostBased: `http://${apiId}.execute-api.localhost:${port}/${stagePath}`,
    pathBased: `http://127.0.0.1:${port}/_api/${apiId}/${stage}/`,
  };
}
