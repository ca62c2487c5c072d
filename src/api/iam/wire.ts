/**
 * The AWS query protocol as IAM speaks it: form-encoded POST bodies (`Action=CreateUser&…`) and
 * XML answers in the `https://iam.amazonaws.com/doc/2010-05-08/` namespace, errors included.
 */
import { PlatformError } from "../../shared/errors.js";
import type { ApiResponse } from "../types.js";

export const IAM_XMLNS = "https://iam.amazonaws.com/doc/2010-05-08/";

/** An XML element tree: strings are text, arrays are `<member>` lists, undefined members are left out. */
export type XmlValue = string | number | boolean | undefined | readonly XmlValue[] | { readonly [k: string]: XmlValue };

/** XML text of `value`. */
export function xml(value: XmlValue): string {
  if (value === undefined) return "";
  if (Array.isArray(value)) return value.map((v: XmlValue) => `<member>${xml(v)}</member>`).join("");
  if (typeof value === "object") {
    let out = "";
    for (const [k, v] of Object.entries(value as Record<string, XmlValue>))
      if (v !== undefined) out += `<${k}>${xml(v)}</${k}>`;
    return out;
  }
  return escapeXml(String(value));
}

function escapeXml(s: string): string {
  return s
    .replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
    .replace(/&#38;/g, "&amp;")
    .replace(/&#60;/g, "&lt;")
    .replace(/&#62;/g, "&gt;");
}

/** A successful answer `<ActionResponse><ActionResult>…</ActionResult><ResponseMetadata>…`. */
export function xmlResponse(action: string, result: XmlValue | undefined, requestId: string): ApiResponse {
  const body =
    `<${action}Response xmlns="${IAM_XMLNS}">` +
    (result === undefined ? "" : `<${action}Result>${xml(result)}</${action}Result>`) +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
  return { status: 200, headers: { "Content-Type": "text/xml" }, body };
}

// Authentication failures carry the query protocol's codes, not rest-json's.
const QUERY_CODES: Readonly<Record<string, string>> = {
  ERR_UNRECOGNIZED_CLIENT: "InvalidClientTokenId",
  ERR_INVALID_SIGNATURE: "SignatureDoesNotMatch",
  ERR_INCOMPLETE_SIGNATURE: "IncompleteSignature",
  ERR_MISSING_AUTHENTICATION_TOKEN: "MissingAuthenticationToken",
  ERR_ACCESS_DENIED: "AccessDenied",
  ERR_EXPIRED_TOKEN: "ExpiredToken",
  ERR_SERVICE: "ServiceFailure",
  ERR_REQUEST_TOO_LARGE: "RequestEntityTooLarge",
  ERR_UNKNOWN_OPERATION: "InvalidAction",
};

/** The query protocol's `<ErrorResponse>` for a platform error. */
export function xmlError(
  e: { code: string; awsType: string; status: number; message: string },
  requestId: string,
): ApiResponse {
  const code = QUERY_CODES[e.code] ?? e.awsType;
  const type = e.status >= 500 ? "Receiver" : "Sender";
  const body =
    `<ErrorResponse xmlns="${IAM_XMLNS}"><Error><Type>${type}</Type><Code>${code}</Code>` +
    `<Message>${xml(e.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
  return { status: e.status, headers: { "Content-Type": "text/xml" }, body };
}

/** A required form parameter; missing is IAM's ValidationError. */
export function required(form: URLSearchParams, name: string): string {
  const v = form.get(name);
  if (v === null || v === "") {
    const member = name.charAt(0).toLowerCase() + name.slice(1);
    throw new PlatformError(
      "ERR_IAM_VALIDATION",
      `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return v;
}

/** IAM's timestamps: ISO 8601 with seconds, UTC. */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}
