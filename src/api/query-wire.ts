/**
 * The AWS query protocol shared by IAM, CloudWatch, CloudFormation, SQS and SNS: XML element trees
 * for answers, `<ActionResponse>` envelopes, `<ErrorResponse>` documents and the JSON error shape of
 * query-compatible JSON services (`x-amzn-query-error`). Each service supplies its namespace and the
 * codes that differ from its model's names.
 */
import { PlatformError, type ErrorCode } from "../shared/errors.js";
import type { ApiResponse } from "./types.js";

/** An XML element tree: strings are text, arrays are `<member>` lists, Maps are `<entry>` lists. */
export type XmlValue =
  | string
  | number
  | boolean
  | Date
  | undefined
  | readonly XmlValue[]
  | ReadonlyMap<string, XmlValue>
  | { readonly [k: string]: XmlValue };

/** The fields of a platform error an error writer reads. */
export interface WireError {
  readonly code: string;
  readonly awsType: string;
  readonly status: number;
  readonly message: string;
}

/** `s` with XML's special characters escaped. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => XML_ENTITIES[c] as string);
}

const XML_ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** XML text of `value` (Dates as ISO 8601 with milliseconds; undefined members left out). */
export function xml(value: XmlValue): string {
  if (value === undefined) return "";
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v: XmlValue) => `<member>${xml(v)}</member>`).join("");
  if (value instanceof Map) {
    let out = "";
    for (const [k, v] of value as ReadonlyMap<string, XmlValue>)
      out += `<entry><key>${escapeXml(k)}</key><value>${xml(v)}</value></entry>`;
    return out;
  }
  if (typeof value === "object") {
    let out = "";
    for (const [k, v] of Object.entries(value as Record<string, XmlValue>))
      if (v !== undefined) out += `<${k}>${xml(v)}</${k}>`;
    return out;
  }
  return escapeXml(String(value));
}

/** Flattened lists repeat the element: `<QueueUrl>a</QueueUrl><QueueUrl>b</QueueUrl>`. */
export function flatXml(name: string, items: readonly XmlValue[]): string {
  return items.map((i) => `<${name}>${xml(i)}</${name}>`).join("");
}

/** How a service writes its query documents. */
export interface QueryDialect {
  /** The XML namespace of the service's answers. */
  readonly xmlns: string;
  /** Query codes by platform code or AWS type, where they differ from the AWS type. */
  readonly codes: Readonly<Record<string, string>>;
  /** Whether documents start with `<?xml version="1.0"?>` (SQS). */
  readonly declaration?: boolean;
  /** Whether errors carry an empty `<Detail/>` (SQS). */
  readonly detail?: boolean;
}

// Failures before an operation runs (signature, access) carry the query protocol's common codes.
const COMMON_CODES: Readonly<Record<string, string>> = {
  ERR_UNRECOGNIZED_CLIENT: "InvalidClientTokenId",
  ERR_INVALID_SIGNATURE: "SignatureDoesNotMatch",
  ERR_INCOMPLETE_SIGNATURE: "IncompleteSignature",
  ERR_MISSING_AUTHENTICATION_TOKEN: "MissingAuthenticationToken",
  ERR_ACCESS_DENIED: "AccessDenied",
  ERR_EXPIRED_TOKEN: "ExpiredToken",
  ERR_REQUEST_TOO_LARGE: "RequestEntityTooLarge",
  ERR_UNKNOWN_OPERATION: "InvalidAction",
};

/** The query code of `e` in `dialect`: the service's own, then the common ones, then the AWS type. */
export function queryCode(dialect: QueryDialect, e: Pick<WireError, "code" | "awsType">): string {
  return dialect.codes[e.code] ?? COMMON_CODES[e.code] ?? dialect.codes[e.awsType] ?? e.awsType;
}

/** Whether `code` is one of the codes common to every query service. */
export function isCommonCode(code: string): boolean {
  return COMMON_CODES[code] !== undefined;
}

const prolog = (d: QueryDialect) => (d.declaration ? `<?xml version="1.0"?>` : "");

/** A successful answer `<ActionResponse><ActionResult>…</ActionResult><ResponseMetadata>…`. */
export function queryResponse(
  dialect: QueryDialect,
  action: string,
  result: { readonly xml: string } | XmlValue | undefined,
  requestId: string,
): ApiResponse {
  const inner = isRawXml(result) ? result.xml : result === undefined ? undefined : xml(result);
  const body =
    `${prolog(dialect)}<${action}Response xmlns="${dialect.xmlns}">` +
    (inner === undefined ? "" : `<${action}Result>${inner}</${action}Result>`) +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
  return { status: 200, headers: { "Content-Type": "text/xml" }, body };
}

function isRawXml(v: unknown): v is { readonly xml: string } {
  return typeof v === "object" && v !== null && !Array.isArray(v) && typeof (v as { xml?: unknown }).xml === "string";
}

/** Already written XML, for answers a plain element tree cannot express (flattened lists). */
export function rawXml(text: string): { readonly xml: string } {
  return { xml: text };
}

/** The query protocol's `<ErrorResponse>` for a platform error. */
export function queryError(dialect: QueryDialect, e: WireError, requestId: string): ApiResponse {
  const code = queryCode(dialect, e);
  const type = e.status >= 500 ? "Receiver" : "Sender";
  const body =
    `${prolog(dialect)}<ErrorResponse xmlns="${dialect.xmlns}"><Error><Type>${type}</Type><Code>${code}</Code>` +
    `<Message>${escapeXml(e.message)}</Message>${dialect.detail ? "<Detail/>" : ""}</Error>` +
    `<RequestId>${requestId}</RequestId></ErrorResponse>`;
  return { status: e.status, headers: { "Content-Type": "text/xml" }, body };
}

/**
 * A JSON-protocol error of a query-compatible service: the modelled name in `__type` (under
 * `namespace`, e.g. `com.amazonaws.sqs`), the query code in `x-amzn-query-error`, which the SDKs read.
 */
export function queryCompatibleJsonError(
  dialect: QueryDialect,
  e: WireError,
  options: { readonly namespace: string; readonly type?: string },
): ApiResponse {
  const fault = e.status >= 500 ? "Receiver" : "Sender";
  const headers = {
    "Content-Type": "application/x-amz-json-1.0",
    "x-amzn-query-error": `${queryCode(dialect, e)};${fault}`,
  };
  const body = JSON.stringify({ __type: `${options.namespace}#${options.type ?? e.awsType}`, message: e.message });
  return { status: e.status, headers, body };
}

/** A required form parameter; missing is the service's validation error `code`. */
export function requiredParam(form: URLSearchParams, name: string, code: ErrorCode): string {
  const v = form.get(name);
  if (v === null || v === "") {
    const member = name.charAt(0).toLowerCase() + name.slice(1);
    throw new PlatformError(
      code,
      `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return v;
}
