import type { IncomingHttpHeaders } from "node:http";

/*
 * The canonical request of AWS Signature Version 4, built exactly as the signing clients build it
 * (@smithy/signature-v4, aws-sdk v2's v4 signer, botocore's SigV4Auth) for non-S3 services.
 */

const RESERVED_BY_RFC3986 = /[!'()*]/g;
const WHITESPACE_RUN = /\s+/g;
/** Whitespace that folding would change: a run of two or more, or anything but a plain space. */
const FOLDABLE = /\s\s|[^\S ]/;
/** Strings made only of these need no encoding (most path segments). */
const UNRESERVED_ONLY = /^[A-Za-z0-9\-._~]*$/;

/** RFC 3986 encoding as AWS uses it: everything but `A-Za-z0-9-_.~` is %-encoded. */
export function escapeUri(s: string): string {
  if (UNRESERVED_ONLY.test(s)) return s;
  return encodeURIComponent(s).replace(RESERVED_BY_RFC3986, hexEscape);
}

function hexEscape(c: string): string {
  return `%${c.charCodeAt(0).toString(16).toUpperCase()}`;
}

/**
 * The canonical URI: the raw (already %-encoded) path with empty and dot segments removed, then
 * encoded again, so `/functions/a%3Ab` becomes `/functions/a%253Ab` (double encoding, non-S3).
 */
export function canonicalUri(rawPath: string): string {
  if (rawPath === "" || rawPath === "/") return "/";
  const segments: string[] = [];
  for (const segment of rawPath.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") segments.pop();
    else segments.push(escapeUri(segment));
  }
  const tail = segments.length > 0 && rawPath.endsWith("/") ? "/" : "";
  return `/${segments.join("/")}${tail}`;
}

/**
 * The canonical query string: parameters decoded, RFC 3986-encoded again, sorted by key then value;
 * `X-Amz-Signature` (the presigned signature itself) is left out.
 */
export function canonicalQuery(rawQuery: string): string {
  if (rawQuery === "") return "";
  const pairs: [string, string][] = [];
  for (const part of rawQuery.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const key = decode(eq < 0 ? part : part.slice(0, eq));
    if (key.toLowerCase() === "x-amz-signature") continue;
    pairs.push([escapeUri(key), escapeUri(eq < 0 ? "" : decode(part.slice(eq + 1)))]);
  }
  pairs.sort(comparePairs);
  let out = "";
  for (const [k, v] of pairs) out += out === "" ? `${k}=${v}` : `&${k}=${v}`;
  return out;
}

function comparePairs(a: [string, string], b: [string, string]): number {
  // Encoded strings are ASCII, so code-unit order is the byte order AWS sorts by.
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

/** %-decodes a query component the way AWS does (`+` stays a plus); malformed escapes are kept as sent. */
export function decode(s: string): string {
  if (!s.includes("%")) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The value of one canonical header line: trimmed, inner runs of whitespace folded to one space. */
export function canonicalHeaderValue(value: string | string[] | undefined): string {
  if (value === undefined) return "";
  const joined = typeof value === "string" ? value : value.join(",");
  const trimmed = joined.trim();
  return FOLDABLE.test(trimmed) ? trimmed.replace(WHITESPACE_RUN, " ") : trimmed;
}

/** The canonical headers block: one `name:value\n` line per signed header, in the signed order. */
export function canonicalHeaders(headers: IncomingHttpHeaders, signedHeaders: readonly string[]): string {
  let out = "";
  for (const name of signedHeaders) out += `${name}:${canonicalHeaderValue(headers[name])}\n`;
  return out;
}

/** The parts of an HTTP request that a signature covers. */
export interface SignedRequest {
  readonly method: string;
  /** The raw path as sent, still %-encoded, without the query. */
  readonly path: string;
  /** The raw query string as sent, without `?` (empty when there is none). */
  readonly query: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** The whole canonical request for `req` given its signed header list (`a;b;c`) and payload hash. */
export function canonicalRequest(
  req: Omit<SignedRequest, "body">,
  signedHeaderList: string,
  payloadHash: string,
): string {
  const names = signedHeaderList.split(";");
  return (
    `${req.method}\n${canonicalUri(req.path)}\n${canonicalQuery(req.query)}\n` +
    `${canonicalHeaders(req.headers, names)}\n${signedHeaderList}\n${payloadHash}`
  );
}
