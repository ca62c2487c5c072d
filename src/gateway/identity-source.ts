/**
 * Reads an authorizer's identity sources from a request: REST's `method.request.header.X`,
 * `method.request.querystring.q`, `stageVariables.v`, `context.x`, and HTTP API's
 * `$request.header.X`, `$request.querystring.q`, `$stageVariables.v`, `$context.x`.
 */
import type { RequestScope } from "./model.js";
import { parseQuery } from "./request-info.js";

type Source = { readonly from: "header" | "query" | "stage" | "context"; readonly name: string };

const PREFIXES: readonly [string, Source["from"]][] = [
  ["method.request.header.", "header"],
  ["$request.header.", "header"],
  ["method.request.querystring.", "query"],
  ["$request.querystring.", "query"],
  ["stageVariables.", "stage"],
  ["$stageVariables.", "stage"],
  ["context.", "context"],
  ["$context.", "context"],
];

/** Compiles identity source expressions once; unknown expressions are kept and never found. */
export function compileIdentitySources(exprs: readonly string[]): readonly Source[] {
  return exprs.map((e) => {
    for (const [prefix, from] of PREFIXES) {
      if (e.startsWith(prefix)) {
        const name = e.slice(prefix.length);
        return { from, name: from === "header" ? name.toLowerCase() : name };
      }
    }
    return { from: "context", name: `\0${e}` };
  });
}

/** The identity values in order, or undefined when any is missing or empty (API Gateway then answers 401). */
export function identityValues(sources: readonly Source[], scope: RequestScope): string[] | undefined {
  const out: string[] = [];
  for (const s of sources) {
    const v = read(s, scope);
    if (v === undefined || v === "") return undefined;
    out.push(v);
  }
  return out;
}

function read(s: Source, scope: RequestScope): string | undefined {
  switch (s.from) {
    case "header": {
      const v = scope.info.headers[s.name];
      return Array.isArray(v) ? v.join(",") : v;
    }
    case "query": {
      const hits = parseQuery(scope.info.rawQuery).filter(([k]) => k === s.name);
      return hits.length ? hits.map(([, v]) => v).join(",") : undefined;
    }
    case "stage":
      return scope.variables[s.name];
    case "context":
      return contextValue(s.name, scope);
  }
}

function contextValue(name: string, scope: RequestScope): string | undefined {
  switch (name) {
    case "identity.sourceIp":
      return scope.info.sourceIp;
    case "requestId":
      return scope.info.requestId;
    case "stage":
      return scope.stage;
    case "httpMethod":
      return scope.info.method;
    default:
      return undefined;
  }
}
