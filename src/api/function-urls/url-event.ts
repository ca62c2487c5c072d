/**
 * The event a function URL hands its function: payload format 2.0 as AWS sends it for URLs
 * (routeKey and stage `$default`, apiId the URL id, `authorizer.iam` for AWS_IAM URLs, a
 * non-text body base64-encoded, cookies apart from the headers).
 */
import { eventBody, requestTime } from "../../gateway/index.js";

/** What the event is built from, computed once per request. */
export interface UrlRequest {
  readonly urlId: string;
  readonly method: string;
  /** The path the function sees (raw, begins with `/`). */
  readonly path: string;
  readonly rawQuery: string;
  /** Node's flat [name, value, …] list. */
  readonly rawHeaders: readonly string[];
  readonly contentType: string | undefined;
  readonly userAgent: string;
  readonly body: Buffer;
  readonly sourceIp: string;
  readonly port: number;
  readonly domainName: string;
  readonly requestId: string;
  readonly timeEpoch: number;
  readonly traceHeader: string;
}

/** Who signed an AWS_IAM request, as `requestContext.authorizer.iam` shows it. */
export interface IamCaller {
  readonly accessKey: string;
  readonly accountId: string;
  readonly callerId: string;
  readonly userArn: string;
  readonly userId: string;
}

// Set by the URL endpoint itself on the way to the function; the client's copies are replaced.
const OWN = new Set(["x-forwarded-for", "x-forwarded-port", "x-forwarded-proto", "x-amzn-trace-id"]);
const HOP = new Set(["connection", "keep-alive", "proxy-connection", "upgrade", "te"]);

/** The 2.0 event of a function URL request; `accountId` is the owner's, `caller` given for AWS_IAM. */
export function buildUrlEvent(
  r: UrlRequest,
  accountId: string,
  caller: IamCaller | undefined,
): Record<string, unknown> {
  const { headers, cookies } = eventHeaders(r);
  const event: Record<string, unknown> = {
    version: "2.0",
    routeKey: "$default",
    rawPath: r.path,
    rawQueryString: r.rawQuery,
  };
  if (cookies) event["cookies"] = cookies;
  event["headers"] = headers;
  const query = queryParameters(r.rawQuery);
  if (query) event["queryStringParameters"] = query;
  const context: Record<string, unknown> = {
    accountId: caller ? accountId : "anonymous",
    apiId: r.urlId,
  };
  if (caller) {
    context["authorizer"] = { iam: { ...caller, cognitoIdentity: null, principalOrgId: null } };
  }
  Object.assign(context, {
    domainName: r.domainName,
    domainPrefix: r.urlId,
    http: { method: r.method, path: r.path, protocol: "HTTP/1.1", sourceIp: r.sourceIp, userAgent: r.userAgent },
    requestId: r.requestId,
    routeKey: "$default",
    stage: "$default",
    time: requestTime(r.timeEpoch),
    timeEpoch: r.timeEpoch,
  });
  event["requestContext"] = context;
  const body = eventBody(r.body, r.contentType, undefined);
  if (body) event["body"] = body.text;
  event["isBase64Encoded"] = body?.base64 ?? false;
  return event;
}

function eventHeaders(r: UrlRequest): { headers: Record<string, string>; cookies: string[] | undefined } {
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  let forwardedFor: string | undefined;
  const raw = r.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const lower = (raw[i] as string).toLowerCase();
    const value = raw[i + 1] as string;
    if (HOP.has(lower)) continue;
    if (OWN.has(lower)) {
      if (lower === "x-forwarded-for") forwardedFor = forwardedFor ? `${forwardedFor}, ${value}` : value;
      continue;
    }
    if (lower === "cookie") {
      cookies ??= [];
      for (const c of value.split(";")) if (c.trim()) cookies.push(c.trim());
      continue;
    }
    const prev = headers[lower];
    headers[lower] = prev === undefined ? value : `${prev},${value}`;
  }
  headers["x-amzn-trace-id"] = r.traceHeader;
  headers["x-forwarded-for"] = forwardedFor ? `${forwardedFor}, ${r.sourceIp}` : r.sourceIp;
  headers["x-forwarded-port"] = String(r.port);
  headers["x-forwarded-proto"] = "http";
  return { headers, cookies };
}

function queryParameters(rawQuery: string): Record<string, string> | undefined {
  if (rawQuery === "") return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(rawQuery)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : `${prev},${v}`;
  }
  return Object.keys(out).length ? out : undefined;
}
