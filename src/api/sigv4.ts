import * as crypto from "node:crypto";
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { PlatformError } from "../shared/errors.js";
import { canonicalRequest, type SignedRequest } from "./sigv4-canonical.js";

export type { SignedRequest } from "./sigv4-canonical.js";

/** Finds the secret of an access key id; undefined for a key the node does not hold. */
export type SecretLookup = (accessKeyId: string) => string | undefined;

/** A key the node holds: its secret and who signs with it. */
export interface Credential<C> {
  readonly secret: string;
  readonly caller: C;
}

/**
 * Finds the credential of an access key id (with the session token for temporary keys);
 * undefined for a key, or a token, the node does not accept.
 */
export type CredentialLookup<C> = (accessKeyId: string, sessionToken: string | undefined) => Credential<C> | undefined;

/** Who signed a request that passed verification. */
export interface VerifiedCaller {
  readonly accessKeyId: string;
}

/** Verifies one request at time `now` (ms since the epoch); throws PlatformError (403) when it must be refused. */
export type RequestVerifier = (req: SignedRequest, now: number) => VerifiedCaller;

/** What the operation a request names expects of its credential scope. */
export interface ScopeRules {
  /** The signing name of the service (`lambda`, `apigateway`, `iam`). */
  readonly service: string;
  /** Regions a signature may be scoped to. */
  readonly regions: ReadonlySet<string>;
}

/** The request line and headers: everything a signature is checked against before the body is read. */
export type SignedRequestHead = Omit<SignedRequest, "body">;

/**
 * A signature whose header part passed (form, date, host, scope, key): what remains is the payload.
 * `declaredHash` is the body hash the client signed (x-amz-content-sha256), when it declared one:
 * the signature can then be checked before the body arrives, and the body against the hash after.
 */
export interface PendingSignature<C> {
  readonly accessKeyId: string;
  readonly caller: C;
  /** The region the credential is scoped to. */
  readonly region: string;
  readonly declaredHash: string | undefined;
  /** Checks the signature over `payloadHash` (hex SHA-256 of the body); throws the 403 AWS answers. */
  verify(payloadHash: string): void;
}

const ALGORITHM = "AWS4-HMAC-SHA256";
const TERMINATOR = "aws4_request";
const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
const S3_PAYLOAD_MODES = /^(UNSIGNED-PAYLOAD|STREAMING-[A-Z0-9-]+)$/;
const MAX_SKEW_MS = 15 * 60 * 1000;
const MAX_PRESIGNED_EXPIRES_S = 7 * 24 * 60 * 60;
const HEX_SIGNATURE = /^[0-9a-f]{64}$/;
const HEX_HASH = /^[0-9a-f]{64}$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

const MISMATCH =
  "The request signature we calculated does not match the signature you provided. " +
  "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
const INVALID_TOKEN = "The security token included in the request is invalid.";

/** What the Authorization header or the presigned query carries. */
interface SignatureInput {
  readonly credential: string;
  readonly signedHeaders: string;
  readonly signature: string;
  readonly amzDate: string;
  /** Seconds a presigned URL stays valid; undefined for the header form. */
  readonly expires: number | undefined;
  readonly sessionToken: string | undefined;
}

/**
 * Makes a verifier over `lookup`. Signing keys are derived once per (secret, date, region, service)
 * and cached, so a warm request costs two SHA-256 digests and one HMAC.
 * @example const verify = createSigV4Verifier((id) => keys.get(id)); verify(parts, clock.now());
 */
export function createSigV4Verifier(lookup: SecretLookup): RequestVerifier {
  const cache = new Map<string, Buffer>();
  return (req, now) => verifySigV4(req, lookup, now, cache);
}

/** Verifies AWS Signature Version 4 (Authorization header or presigned query) of a whole request; throws the 403 AWS answers. */
export function verifySigV4(
  req: SignedRequest,
  lookup: SecretLookup,
  now: number,
  keyCache: Map<string, Buffer> = new Map(),
): VerifiedCaller {
  const byId: CredentialLookup<string> = (id) => {
    const secret = lookup(id);
    return secret === undefined ? undefined : { secret, caller: id };
  };
  const pending = beginSigV4(req, byId, { now, keyCache });
  const bodyHash = sha256Hex(req.body);
  pending.verify(bodyHash);
  return { accessKeyId: pending.accessKeyId };
}

/** Options of the header phase. */
export interface BeginOptions {
  readonly now: number;
  /** The scope the operation expects; without it region and service are not checked. */
  readonly scope?: ScopeRules | undefined;
  readonly keyCache?: Map<string, Buffer> | undefined;
}

/**
 * The header phase of SigV4, in the order AWS checks: the Authorization header or presigned
 * query is complete, the date is well formed and current, `host` is signed, the credential has
 * five parts, its region, service, terminator and date are right (all wrong parts named at
 * once), and the key is known. Nothing here needs the body.
 */
export function beginSigV4<C>(
  req: SignedRequestHead,
  lookup: CredentialLookup<C>,
  o: BeginOptions,
): PendingSignature<C> {
  const input = readSignatureInput(req);
  const signedAt = parseAmzDate(input.amzDate);
  checkTime(input, signedAt, o.now);
  const signed = input.signedHeaders.split(";");
  // HTTP/2 clients sign the `:authority` pseudo-header in place of `host`.
  if (!signed.includes("host") && !signed.includes(":authority")) {
    throw invalid("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  const scopeParts = input.credential.split("/");
  if (scopeParts.length !== 5) {
    throw incomplete(
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${input.credential}'`,
    );
  }
  const [accessKeyId = "", scopeDate = "", region = "", service = "", terminator = ""] = scopeParts;
  checkScope({ region, service, terminator, scopeDate, amzDate: input.amzDate }, o.scope);
  const credential = lookup(accessKeyId, input.sessionToken);
  if (credential === undefined) throw new PlatformError("ERR_UNRECOGNIZED_CLIENT", INVALID_TOKEN);
  const declared = req.headers["x-amz-content-sha256"];
  const declaredHash =
    typeof declared === "string" && HEX_HASH.test(declared.toLowerCase()) ? declared.toLowerCase() : undefined;
  const key = signingKey(o.keyCache ?? new Map<string, Buffer>(), {
    secret: credential.secret,
    scopeDate,
    region,
    service,
  });
  const scope = input.credential.slice(accessKeyId.length + 1);
  return {
    accessKeyId,
    caller: credential.caller,
    region,
    declaredHash,
    verify(payloadHash) {
      // S3 signs its payload modes literally (UNSIGNED-PAYLOAD, STREAMING-…): the service decodes
      // and checks the body itself (aws-chunked, trailing checksums).
      if (service === "s3" && typeof declared === "string" && S3_PAYLOAD_MODES.test(declared)) {
        if (matches(signatureFor(req, input, { key, scope, payloadHash: declared }), input.signature)) return;
        throw invalid(MISMATCH);
      }
      // x-amz-content-sha256 is signed as sent: a body that is not the one declared fails here.
      if (typeof declared === "string" && declared !== UNSIGNED_PAYLOAD && declared.toLowerCase() !== payloadHash) {
        throw invalid(MISMATCH);
      }
      // Outside S3 the service hashes the body itself: a header-signed UNSIGNED-PAYLOAD does not verify.
      if (matches(signatureFor(req, input, { key, scope, payloadHash }), input.signature)) return;
      // botocore presigns with UNSIGNED-PAYLOAD where @smithy hashes the body; accept either.
      if (input.expires !== undefined && typeof declared !== "string") {
        const unsigned = signatureFor(req, input, { key, scope, payloadHash: UNSIGNED_PAYLOAD });
        if (matches(unsigned, input.signature)) return;
      }
      throw invalid(MISMATCH);
    },
  };
}

interface ScopeParts {
  readonly region: string;
  readonly service: string;
  readonly terminator: string;
  readonly scopeDate: string;
  readonly amzDate: string;
}

function checkScope(p: ScopeParts, rules: ScopeRules | undefined): void {
  let message = "";
  if (rules !== undefined && !rules.regions.has(p.region)) message += "Credential should be scoped to a valid region. ";
  if (rules !== undefined && p.service !== rules.service) {
    message += `Credential should be scoped to correct service: '${rules.service}'. `;
  }
  if (p.terminator !== TERMINATOR) {
    message += `Credential should be scoped with a valid terminator: '${TERMINATOR}', not '${p.terminator}'. `;
  }
  if (p.scopeDate !== p.amzDate.slice(0, 8)) {
    message +=
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: ` +
      `'${p.scopeDate}' != '${p.amzDate.slice(0, 8)}', from '${p.amzDate}'.`;
  }
  if (message !== "") throw invalid(message);
}

function readSignatureInput(req: SignedRequestHead): SignatureInput {
  const authorization = req.headers.authorization;
  if (authorization !== undefined) return fromAuthorizationHeader(authorization, req);
  if (req.query.includes("X-Amz-Signature=")) return fromPresignedQuery(req.query, req);
  throw new PlatformError("ERR_MISSING_AUTHENTICATION_TOKEN", "Missing Authentication Token");
}

function fromAuthorizationHeader(authorization: string, req: SignedRequestHead): SignatureInput {
  let credential: string | undefined;
  let signedHeaders: string | undefined;
  let signature: string | undefined;
  const algorithmEnd = authorization.indexOf(" ");
  const algorithm = algorithmEnd < 0 ? authorization : authorization.slice(0, algorithmEnd);
  if (algorithm === ALGORITHM) {
    for (const part of authorization.slice(algorithmEnd + 1).split(",")) {
      const eq = part.indexOf("=");
      if (eq < 0) continue;
      const name = part.slice(0, eq).trim();
      const value = part.slice(eq + 1).trim();
      if (name === "Credential") credential = value;
      else if (name === "SignedHeaders") signedHeaders = value;
      else if (name === "Signature") signature = value;
    }
  }
  const amzDate = req.headers["x-amz-date"];
  const missing: string[] = [];
  if (credential === undefined) missing.push("Authorization header requires 'Credential' parameter.");
  if (signature === undefined) missing.push("Authorization header requires 'Signature' parameter.");
  if (signedHeaders === undefined) missing.push("Authorization header requires 'SignedHeaders' parameter.");
  if (typeof amzDate !== "string") {
    missing.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  if (
    credential === undefined ||
    signature === undefined ||
    signedHeaders === undefined ||
    typeof amzDate !== "string"
  ) {
    throw incomplete(`${missing.join(" ")} Authorization=${authorization}`);
  }
  const token = req.headers["x-amz-security-token"];
  return { credential, signedHeaders, signature, amzDate, expires: undefined, sessionToken: firstValue(token) };
}

function firstValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function fromPresignedQuery(rawQuery: string, req: SignedRequestHead): SignatureInput {
  const q = new URLSearchParams(rawQuery);
  const algorithm = q.get("X-Amz-Algorithm");
  const credential = q.get("X-Amz-Credential");
  const signedHeaders = q.get("X-Amz-SignedHeaders");
  const signature = q.get("X-Amz-Signature");
  const amzDate = q.get("X-Amz-Date");
  const expires = Number(q.get("X-Amz-Expires") ?? MAX_PRESIGNED_EXPIRES_S);
  if (algorithm !== ALGORITHM || !credential || !signedHeaders || !signature || !amzDate) {
    throw incomplete(
      "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', " +
        "'X-Amz-Date', 'X-Amz-SignedHeaders'. Re-examine the query-string parameters.",
    );
  }
  if (!Number.isInteger(expires) || expires < 1 || expires > MAX_PRESIGNED_EXPIRES_S) {
    throw incomplete(`X-Amz-Expires must be an integer between 1 and ${MAX_PRESIGNED_EXPIRES_S}.`);
  }
  const sessionToken = q.get("X-Amz-Security-Token") ?? firstValue(req.headers["x-amz-security-token"]);
  return { credential, signedHeaders, signature, amzDate, expires, sessionToken };
}

function parseAmzDate(amzDate: string): number {
  const m = AMZ_DATE.exec(amzDate);
  if (!m) {
    throw incomplete(
      `Date must be in ISO-8601 'basic format'. Got '${amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    );
  }
  const n = (i: number): number => Number(m[i]);
  return Date.UTC(n(1), n(2) - 1, n(3), n(4), n(5), n(6));
}

function checkTime(input: SignatureInput, signedAt: number, now: number): void {
  if (signedAt > now + MAX_SKEW_MS) {
    throw invalid(
      `Signature not yet current: ${input.amzDate} is still later than ${formatAmzDate(now + MAX_SKEW_MS)} ` +
        `(${formatAmzDate(now)} + 15 min.)`,
    );
  }
  if (input.expires !== undefined) {
    if (now > signedAt + input.expires * 1000) {
      throw invalid(
        `Signature expired: ${input.amzDate} is now earlier than ${formatAmzDate(now - input.expires * 1000)} ` +
          `(${formatAmzDate(now)} - ${input.expires} sec.)`,
      );
    }
    return;
  }
  if (signedAt < now - MAX_SKEW_MS) {
    throw invalid(
      `Signature expired: ${input.amzDate} is now earlier than ${formatAmzDate(now - MAX_SKEW_MS)} ` +
        `(${formatAmzDate(now)} - 15 min.)`,
    );
  }
}

/** `YYYYMMDDTHHMMSSZ`, the form of x-amz-date. */
export function formatAmzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}Z$/, "Z");
}

interface KeyScope {
  readonly secret: string;
  readonly scopeDate: string;
  readonly region: string;
  readonly service: string;
}

function signingKey(cache: Map<string, Buffer>, s: KeyScope): Buffer {
  const cacheKey = `${s.scopeDate}/${s.region}/${s.service}/${s.secret}`;
  let key = cache.get(cacheKey);
  if (key === undefined) {
    key = hmac(`AWS4${s.secret}`, s.scopeDate);
    key = hmac(key, s.region);
    key = hmac(key, s.service);
    key = hmac(key, TERMINATOR);
    // Dates roll over and keys rotate; a small bound keeps the cache from growing with them.
    if (cache.size >= 256) cache.clear();
    cache.set(cacheKey, key);
  }
  return key;
}

function signatureFor(
  req: SignedRequestHead,
  input: SignatureInput,
  o: { key: Buffer; scope: string; payloadHash: string },
): Buffer {
  const canonical = canonicalRequest(req, input.signedHeaders, o.payloadHash);
  const stringToSign = `${ALGORITHM}\n${input.amzDate}\n${o.scope}\n${sha256Hex(canonical)}`;
  return hmac(o.key, stringToSign);
}

function matches(expected: Buffer, provided: string): boolean {
  if (!HEX_SIGNATURE.test(provided)) return false;
  return timingSafeEqual(expected, Buffer.from(provided, "hex"));
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data, "utf8").digest();
}

/** One-shot `crypto.hash` (Node.js 20.12+) skips the Hash object; older releases take the long way. */
const oneShotHash = (crypto as { hash?: (algorithm: string, data: string | Buffer, encoding: "hex") => string }).hash;

/** Hex SHA-256, as SigV4 hashes payloads. */
export function sha256Hex(data: string | Buffer): string {
  return oneShotHash ? oneShotHash("sha256", data, "hex") : createHash("sha256").update(data).digest("hex");
}

function invalid(message: string): PlatformError {
  return new PlatformError("ERR_INVALID_SIGNATURE", message);
}

function incomplete(message: string): PlatformError {
  return new PlatformError("ERR_INCOMPLETE_SIGNATURE", message);
}
