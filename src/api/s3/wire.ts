/**
 * S3's wire: REST-XML answers and errors, `aws-chunked` bodies (the STREAMING-* payload modes of
 * the CLI and SDKs, with their trailing checksums), and the checksums S3 verifies.
 */
import { createHash } from "node:crypto";
import { crc32 } from "node:zlib";
import { PlatformError } from "../../shared/errors.js";
import type { ApiRequest, ApiResponse } from "../types.js";
import { xml, type XmlValue } from "../query-wire.js";

export const S3_XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/";

/** An XML answer with one root element. */
export function s3Xml(root: string, value: XmlValue, headers: Record<string, string> = {}): ApiResponse {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${S3_XMLNS}">${xml(value)}</${root}>`;
  return { status: 200, headers: { "Content-Type": "application/xml", ...headers }, body };
}

// Authentication failures carry S3's own codes.
const S3_CODES: Readonly<Record<string, string>> = {
  ERR_UNRECOGNIZED_CLIENT: "InvalidAccessKeyId",
  ERR_INVALID_SIGNATURE: "SignatureDoesNotMatch",
  ERR_INCOMPLETE_SIGNATURE: "AuthorizationHeaderMalformed",
  ERR_MISSING_AUTHENTICATION_TOKEN: "AccessDenied",
  ERR_ACCESS_DENIED: "AccessDenied",
  ERR_EXPIRED_TOKEN: "ExpiredToken",
  ERR_SERVICE: "InternalError",
  ERR_REQUEST_TOO_LARGE: "EntityTooLarge",
  ERR_UNKNOWN_OPERATION: "NotImplemented",
};

/** S3's `<Error>` document (no body for HEAD requests, as S3). */
export function s3Error(e: { code: string; awsType: string; status: number; message: string }, requestId: string) {
  const code = S3_CODES[e.code] ?? e.awsType;
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xml(e.message)}</Message>` +
    `<RequestId>${requestId}</RequestId></Error>`;
  return { status: e.status, headers: { "Content-Type": "application/xml", "x-amz-request-id": requestId }, body };
}

const STREAMING = /^STREAMING-/;

/** The object's bytes: the body, or the decoded `aws-chunked` body, checked against any checksum sent. */
export function objectBytes(req: ApiRequest): Buffer {
  const mode = req.headers["x-amz-content-sha256"];
  const chunked = typeof mode === "string" && STREAMING.test(mode);
  const { data, trailers } = chunked ? decodeChunked(req.body) : { data: req.body, trailers: {} };
  const declared = req.headers["x-amz-decoded-content-length"];
  if (chunked && declared !== undefined && Number(declared) !== data.length) {
    throw new PlatformError(
      "ERR_S3_INVALID_REQUEST",
      "The decoded content length does not match x-amz-decoded-content-length.",
    );
  }
  const md5 = req.headers["content-md5"];
  if (typeof md5 === "string" && createHash("md5").update(data).digest("base64") !== md5) {
    throw new PlatformError("ERR_S3_BAD_DIGEST", "The Content-MD5 you specified did not match what we received.");
  }
  for (const [name, value] of Object.entries({ ...headerChecksums(req), ...trailers }))
    checkChecksum(name, value, data);
  return data;
}

function headerChecksums(req: ApiRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers))
    if (k.startsWith("x-amz-checksum-") && typeof v === "string") out[k] = v;
  return out;
}

function checkChecksum(name: string, value: string, data: Buffer): void {
  const algorithm = name.slice("x-amz-checksum-".length).toLowerCase();
  let actual: string | undefined;
  if (algorithm === "crc32") {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(crc32(data) >>> 0);
    actual = b.toString("base64");
  } else if (algorithm === "sha256" || algorithm === "sha1") {
    actual = createHash(algorithm).update(data).digest("base64");
  }
  // CRC32C and CRC64NVME have no implementation in Node.js: accepted as sent (docs/ARCHITECTURE.md).
  if (actual !== undefined && actual !== value) {
    throw new PlatformError(
      "ERR_S3_BAD_DIGEST",
      `The ${algorithm.toUpperCase()} you specified did not match the calculated checksum.`,
    );
  }
}

/** Decodes `aws-chunked`: `<hex size>[;chunk-signature=…]\r\n<data>\r\n` … `0…\r\n[trailers]\r\n`. */
export function decodeChunked(body: Buffer): { data: Buffer; trailers: Record<string, string> } {
  const parts: Buffer[] = [];
  let at = 0;
  const bad = () => new PlatformError("ERR_S3_INVALID_REQUEST", "The aws-chunked body is malformed.");
  for (;;) {
    const eol = body.indexOf("\r\n", at);
    if (eol < 0) throw bad();
    const header = body.toString("latin1", at, eol);
    const size = parseInt(header.split(";")[0] ?? "", 16);
    if (!Number.isFinite(size) || size < 0) throw bad();
    at = eol + 2;
    if (size === 0) break;
    if (at + size + 2 > body.length) throw bad();
    parts.push(body.subarray(at, at + size));
    at += size + 2;
  }
  const trailers: Record<string, string> = {};
  for (const line of body.toString("latin1", at).split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  delete trailers["x-amz-trailer-signature"];
  return { data: Buffer.concat(parts), trailers };
}

/**
 * The byte range a GetObject's `Range` header asks for (`bytes=a-b`, `bytes=a-`, `bytes=-n`), as
 * S3 reads it: a header it cannot parse (or several ranges) is ignored, a range starting past the
 * end is InvalidRange (416).
 */
export function rangeOf(header: string | undefined, size: number): { start: number; end: number } | undefined {
  const m = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return undefined;
  const [first, last] = [m[1] ?? "", m[2] ?? ""];
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0) throw invalidRange();
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== "" && Number(last) < start) return undefined;
  if (start >= size) throw invalidRange();
  return { start, end };
}

const invalidRange = () => new PlatformError("ERR_S3_INVALID_RANGE", "The requested range is not satisfiable");
