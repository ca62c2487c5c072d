/**
 * API Gateway mapping templates: Velocity (velocityjs) with the variables API Gateway gives them —
 * `$input` (body, json, path, params), `$util` (escapeJavaScript, parseJson, urlEncode/urlDecode,
 * base64Encode/base64Decode), `$context` and `$stageVariables`. Templates are parsed once when the
 * API is compiled; a template that does not parse fails its requests with a 500, as AWS's do.
 */
import { JSONPath } from "jsonpath-plus";
import { Compile, parse } from "velocityjs";
import { requestContextV1 } from "./event-v1.js";
import type { AuthContext, RequestScope } from "./model.js";
import { parseQuery } from "./request-info.js";

/**
 * A parsed template, or the error that stopped it parsing. `fixed`: what a template that names no
 * variable renders, the same for every request (`{"statusCode": 200}`), rendered once.
 */
export type MappingTemplate =
  { readonly ok: true; readonly compiled: Compile; readonly fixed: FixedText | undefined } | { readonly ok: false };

/** A template's output as text and as bytes. */
export interface FixedText {
  readonly text: string;
  readonly bytes: Buffer;
}

/** Parses `text` once. */
export function compileTemplate(text: string): MappingTemplate {
  let compiled: Compile;
  try {
    compiled = new Compile(parse(text), { escape: false });
  } catch {
    return { ok: false };
  }
  // Without a reference (`$`) or a directive (`#`) nothing in it depends on the request.
  const fixed = /[$#]/.test(text) ? undefined : renderTemplate({ ok: true, compiled, fixed: undefined }, {});
  return { ok: true, compiled, fixed: fixed === undefined ? undefined : { text: fixed, bytes: Buffer.from(fixed) } };
}

/** The template's output when it is the same for every request; undefined when it must be rendered. */
export function fixedOutput(t: MappingTemplate): FixedText | undefined {
  return t.ok ? t.fixed : undefined;
}

/** Renders with `vars`; undefined when the template is broken or throws. */
export function renderTemplate(t: MappingTemplate, vars: Record<string, unknown>): string | undefined {
  if (!t.ok) return undefined;
  try {
    return t.compiled.render(vars);
  } catch {
    return undefined;
  }
}

/** The request's parameters as `$input.params()` shows them. */
export interface TemplateParams {
  readonly path: Record<string, string>;
  readonly querystring: Record<string, string>;
  readonly header: Record<string, string>;
}

/** The method request's parameters, read once per request. */
export function requestParams(scope: RequestScope): TemplateParams {
  const header: Record<string, string> = {};
  const raw = scope.info.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) header[raw[i] as string] = raw[i + 1] as string;
  const querystring: Record<string, string> = {};
  for (const [k, v] of parseQuery(scope.info.rawQuery)) querystring[k] = v;
  return { path: { ...scope.params }, querystring, header };
}

/** A parameter by name: path first, then query string, then header (case-insensitively), as AWS looks it up. */
export function paramOf(p: TemplateParams, name: string): string | undefined {
  return p.path[name] ?? p.querystring[name] ?? headerOf(p.header, name);
}

/** A header of `headers` by name, case-insensitively. */
export function headerOf(headers: Record<string, string>, name: string): string | undefined {
  if (headers[name] !== undefined) return headers[name];
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

/** The value at a JSONPath of a JSON text (an empty body reads as `{}`); undefined when it is not JSON. */
export function jsonPathOf(body: string, path: string): unknown {
  let json: unknown;
  try {
    json = body.trim() === "" ? {} : JSON.parse(body);
  } catch {
    return undefined;
  }
  if (path === "$" || path === "") return json;
  return JSONPath({ path, json: json as object, wrap: false });
}

/** `$input` over `body`. */
function input(body: string, params: TemplateParams): Record<string, unknown> {
  return {
    body,
    json: (path: string) => JSON.stringify(jsonPathOf(body, path) ?? null),
    path: (path: string) => jsonPathOf(body, path),
    params: (name?: string) => (name === undefined ? params : (paramOf(params, name) ?? "")),
  };
}

/** `$util`, as AWS documents it (copied per render: velocityjs writes into the objects it calls). */
export const UTIL = {
  // Java's escapeEcmaScript: JSON string escapes plus `'` and `/`.
  escapeJavaScript: (s: unknown) =>
    JSON.stringify(typeof s === "string" ? s : s === undefined || s === null ? "" : JSON.stringify(s))
      .slice(1, -1)
      .replace(/'/g, "\\'")
      .replace(/\//g, "\\/"),
  parseJson: (s: string) => JSON.parse(s) as unknown,
  // Java's URLEncoder: a space is `+`; `*` stays, `~` is encoded.
  urlEncode: (s: string) =>
    encodeURIComponent(s)
      .replace(/%20/g, "+")
      .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
  urlDecode: (s: string) => decodeURIComponent(s.replace(/\+/g, " ")),
  base64Encode: (s: string) => Buffer.from(String(s)).toString("base64"),
  base64Decode: (s: string) => Buffer.from(String(s), "base64").toString("utf8"),
};

/** Everything a template sees for this request, with `body` as `$input`. */
export function templateVariables(
  scope: RequestScope,
  auth: AuthContext | undefined,
  o: { readonly body: string; readonly params: TemplateParams },
): Record<string, unknown> {
  return {
    input: input(o.body, o.params),
    util: { ...UTIL },
    // A new object per request (templates may write into it); its `stage` is the scope's.
    context: requestContextV1(scope, auth),
    stageVariables: scope.variables,
  };
}
