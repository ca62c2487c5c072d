/**
 * HTTP API parameter mapping (an integration's `RequestParameters` and `ResponseParameters`):
 * keys such as `append:header.x`, `overwrite:querystring.q`, `overwrite:path` or, per status code,
 * `overwrite:statuscode`; values that mix static text with `$request.header.x`, `${request.body.a.b}`,
 * `$context.requestId`, `$stageVariables.v` or `$response.header.y`. Parsed and checked here once,
 * as CreateIntegration checks them, so the gateway only evaluates the parsed form.
 */

/** Where a reference reads from. */
export type MappingSource =
  | "request.header"
  | "request.querystring"
  | "request.body"
  | "request.path"
  | "context"
  | "stageVariables"
  | "response.header"
  | "response.body";

/** One piece of a value: static text, or a reference (`name` is "" for `$request.path` and `$request.body`). */
export type MappingPart = { readonly text: string } | { readonly source: MappingSource; readonly name: string };

/** One mapping: what to do to which parameter, with what value. */
export interface MappingOperation {
  readonly action: "append" | "overwrite" | "remove";
  readonly target: "header" | "querystring" | "path" | "statuscode";
  /** The header or query string name ("" for path and status code). */
  readonly name: string;
  readonly value: readonly MappingPart[];
}

/** Request operations, and response operations by the integration's status code. */
export interface ParameterMapping {
  readonly request: readonly MappingOperation[];
  readonly response: ReadonlyMap<number, readonly MappingOperation[]>;
}

/** Why a mapping is refused: the detail AWS lists in its message. */
export class ParameterMappingError extends Error {
  constructor(detail: string) {
    super(`Invalid mapping expression specified: Validation Result: warnings : [], errors : [${detail}]`);
    this.name = "ParameterMappingError";
  }
}

// Headers no mapping may touch (API Gateway's reserved headers, in both directions).
const RESERVED = new Set([
  "authorization",
  "connection",
  "content-encoding",
  "content-length",
  "content-location",
  "forwarded",
  "keep-alive",
  "origin",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailers",
  "transfer-encoding",
  "upgrade",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "via",
]);
const RESERVED_PREFIXES = ["access-control-", "apigw-", "x-amz-", "x-amzn-"];

/** Whether a mapping may not set or remove this header. */
export function isReservedHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return RESERVED.has(lower) || RESERVED_PREFIXES.some((p) => lower.startsWith(p));
}

/** The `$context` variables a mapping can read (besides `authorizer.*`). */
export const MAPPING_CONTEXT_VARIABLES: ReadonlySet<string> = new Set([
  "accountId",
  "apiId",
  "domainName",
  "domainPrefix",
  "extendedRequestId",
  "httpMethod",
  "identity.sourceIp",
  "identity.userAgent",
  "path",
  "protocol",
  "requestId",
  "requestTime",
  "requestTimeEpoch",
  "routeKey",
  "stage",
]);

const REQUEST_SOURCES: readonly MappingSource[] = [
  "request.header",
  "request.querystring",
  "request.body",
  "request.path",
  "context",
  "stageVariables",
];
const RESPONSE_SOURCES: readonly MappingSource[] = ["response.header", "response.body", "context", "stageVariables"];
// Sources read whole when named without a property.
const WHOLE = new Set<MappingSource>(["request.body", "request.path", "response.body"]);
const NAME_CHAR = /[A-Za-z0-9_\-.[\]]/;

/** Parses one value into its parts; throws when it references what `allowed` does not hold. */
export function parseMappingValue(value: string, allowed: readonly MappingSource[]): MappingPart[] {
  const parts: MappingPart[] = [];
  let text = "";
  let i = 0;
  while (i < value.length) {
    const ref = value[i] === "$" ? referenceAt(value, i) : undefined;
    if (!ref) {
      text += value[i];
      i++;
      continue;
    }
    if (!allowed.includes(ref.part.source) || !knownReference(ref.part)) {
      throw new ParameterMappingError(`Invalid mapping expression specified: ${value.slice(i, ref.end)}`);
    }
    if (text) parts.push({ text });
    text = "";
    parts.push(ref.part);
    i = ref.end;
  }
  if (text) parts.push({ text });
  return parts;
}

function knownReference(p: { source: MappingSource; name: string }): boolean {
  if (p.source === "context") return MAPPING_CONTEXT_VARIABLES.has(p.name) || /^authorizer\.[\w.-]+$/.test(p.name);
  return p.name !== "" || WHOLE.has(p.source);
}

const SOURCES_LONGEST_FIRST: readonly MappingSource[] = [
  "request.querystring",
  "request.header",
  "request.body",
  "request.path",
  "response.header",
  "response.body",
  "stageVariables",
  "context",
];

type Reference = Extract<MappingPart, { source: MappingSource }>;

function referenceAt(value: string, i: number): { part: Reference; end: number } | undefined {
  const braced = value[i + 1] === "{";
  const start = i + (braced ? 2 : 1);
  const source = SOURCES_LONGEST_FIRST.find(
    (s) => value.startsWith(s, start) && !/[A-Za-z0-9_]/.test(value[start + s.length] ?? ""),
  );
  if (!source) return undefined;
  const end = start + source.length;
  if (braced) {
    const close = value.indexOf("}", end);
    if (close < 0) return undefined;
    const rest = value.slice(end, close);
    if (rest !== "" && !rest.startsWith(".")) return undefined;
    return { part: { source, name: rest.slice(1) }, end: close + 1 };
  }
  if (value[end] !== ".") return { part: { source, name: "" }, end };
  let stop = end + 1;
  while (stop < value.length && NAME_CHAR.test(value[stop] as string)) stop++;
  // A full stop after a reference ends the sentence, not the name.
  while (stop > end + 1 && value[stop - 1] === ".") stop--;
  return { part: { source, name: value.slice(end + 1, stop) }, end: stop };
}

const REQUEST_KEY = /^(append|overwrite|remove):(header|querystring)\.(.+)$/;
const RESPONSE_KEY = /^(append|overwrite|remove):header\.(.+)$/;

/** Parses and checks an integration's `RequestParameters`. */
export function parseRequestParameters(map: Readonly<Record<string, string>>): MappingOperation[] {
  return Object.entries(map).map(([key, value]) => {
    if (key === "overwrite:path")
      return { action: "overwrite", target: "path", name: "", value: parsed(value, REQUEST_SOURCES) };
    const m = REQUEST_KEY.exec(key);
    if (!m) throw new ParameterMappingError(`Invalid mapping expression specified: ${key}`);
    const [, action, target, name] = m as unknown as [
      string,
      MappingOperation["action"],
      "header" | "querystring",
      string,
    ];
    if (target === "header") checkHeader(name);
    return { action, target, name, value: action === "remove" ? [] : parsed(value, REQUEST_SOURCES) };
  });
}

/** Parses and checks an integration's `ResponseParameters` (status code → mappings). */
export function parseResponseParameters(
  map: Readonly<Record<string, Readonly<Record<string, string>>>>,
): Map<number, MappingOperation[]> {
  const out = new Map<number, MappingOperation[]>();
  for (const [status, mappings] of Object.entries(map)) {
    if (!/^[1-5]\d\d$/.test(status)) throw new ParameterMappingError(`Invalid status code specified: ${status}`);
    out.set(
      Number(status),
      Object.entries(mappings).map(([key, value]) => responseOperation(key, value)),
    );
  }
  return out;
}

function responseOperation(key: string, value: string): MappingOperation {
  if (key === "overwrite:statuscode") {
    const parts = parsed(value, RESPONSE_SOURCES);
    const only = parts.length === 1 ? parts[0] : undefined;
    if (only && "text" in only && !/^[1-5]\d\d$/.test(only.text)) {
      throw new ParameterMappingError(`Invalid status code specified: ${value}`);
    }
    return { action: "overwrite", target: "statuscode", name: "", value: parts };
  }
  const m = RESPONSE_KEY.exec(key);
  if (!m) throw new ParameterMappingError(`Invalid Response Actioned Parameter: ${key}`);
  const [, action, name] = m as unknown as [string, MappingOperation["action"], string];
  checkHeader(name);
  return { action, target: "header", name, value: action === "remove" ? [] : parsed(value, RESPONSE_SOURCES) };
}

function parsed(value: string, allowed: readonly MappingSource[]): MappingPart[] {
  if (value === "") throw new ParameterMappingError("Mapping value must not be empty");
  return parseMappingValue(value, allowed);
}

function checkHeader(name: string): void {
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) throw new ParameterMappingError(`Invalid header name: ${name}`);
  if (isReservedHeader(name)) throw new ParameterMappingError(`Operations on header ${name} are restricted`);
}

/** Both maps of an integration, parsed (undefined when it has none). */
export function parseParameterMapping(
  request: Readonly<Record<string, string>> | undefined,
  response: Readonly<Record<string, Readonly<Record<string, string>>>> | undefined,
): ParameterMapping | undefined {
  const req = parseRequestParameters(request ?? {});
  const res = parseResponseParameters(response ?? {});
  return req.length > 0 || res.size > 0 ? { request: req, response: res } : undefined;
}
