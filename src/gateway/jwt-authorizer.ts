/**
 * HTTP API JWT authorizers, verified with jose: signature against the JWKS (a URL, a local file,
 * or the issuer's OIDC discovery document), `iss`, `exp`/`nbf` (against the injected clock),
 * `aud` — or `client_id` when `aud` is absent — against the configured audiences, and the route's
 * authorizationScopes against `scope`/`scp`. Failures answer 401 with a `www-authenticate`
 * challenge shaped like API Gateway's (`Bearer scope="" error="invalid_token" error_description=…`);
 * a token missing every required scope answers 403.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type * as JoseModule from "jose";
import type { JWTPayload, JWTVerifyGetKey } from "jose";
import type { DeployedAuthorizer } from "../domain/deployed-api.js";
import type { Clock } from "../shared/clock.js";
import { compileIdentitySources, identityValues } from "./identity-source.js";
import type { Authorizer, AuthResult, RequestScope } from "./model.js";

type JwtDef = Extract<DeployedAuthorizer, { type: "JWT" }>;
type Jose = typeof JoseModule;

/** jose, imported with the first JWT authorizer's first request (a node without one never loads it). */
let loaded: Jose | undefined;
async function jose(): Promise<Jose> {
  return (loaded ??= await import("jose"));
}

/** One JWT authorizer of one API. The key set is loaded on first use and kept. */
export class JwtAuthorizer implements Authorizer {
  readonly #def: JwtDef;
  readonly #clock: Clock;
  readonly #sources;
  #keys: Promise<JWTVerifyGetKey> | undefined;

  constructor(def: JwtDef, clock: Clock) {
    this.#def = def;
    this.#clock = clock;
    this.#sources = compileIdentitySources(
      def.identitySource.length ? def.identitySource : ["$request.header.Authorization"],
    );
  }

  async authorize(scope: RequestScope): Promise<AuthResult> {
    const values = identityValues(this.#sources, scope);
    if (!values || values[0] === undefined) return { ok: false, kind: "unauthorized" };
    const token = values[0].replace(/^Bearer\s+/i, "");
    let payload: JWTPayload;
    const { errors, jwtVerify } = loaded ?? (await jose());
    try {
      this.#keys ??= loadKeys(this.#def);
      const keys = await this.#keys.catch((e: unknown) => {
        this.#keys = undefined; // retry discovery on the next request
        throw e;
      });
      ({ payload } = await jwtVerify(token, keys, {
        issuer: this.#def.issuer,
        currentDate: new Date(this.#clock.now()),
      }));
    } catch (e) {
      return invalid(describe(e, errors));
    }
    if (!audienceOk(payload, this.#def.audience)) return invalid("the token does not have a valid audience");
    const scopes = tokenScopes(payload);
    const required = scope.route.scopes;
    if (required.length > 0 && !required.some((s) => scopes?.includes(s))) {
      const challenge = `Bearer scope="${required.join(" ")}" error="insufficient_scope" error_description="the token does not have the required scopes"`;
      return { ok: false, kind: "explicit-deny", headers: { "www-authenticate": challenge } };
    }
    return { ok: true, context: { type: "jwt", claims: flattenClaims(payload), scopes } };
  }
}

function invalid(description: string): AuthResult {
  const challenge = `Bearer scope="" error="invalid_token" error_description="${description}"`;
  return { ok: false, kind: "unauthorized", headers: { "www-authenticate": challenge } };
}

function describe(e: unknown, errors: Jose["errors"]): string {
  if (e instanceof errors.JWTExpired) return "the token has expired";
  if (e instanceof errors.JWTClaimValidationFailed) {
    if (e.claim === "iss") return "the token does not have a valid issuer";
    if (e.claim === "nbf") return "the token is not valid yet";
    return `the token has an invalid ${e.claim} claim`;
  }
  if (e instanceof errors.JWSSignatureVerificationFailed || e instanceof errors.JWKSNoMatchingKey) {
    return "the token has an invalid signature";
  }
  if (e instanceof errors.JOSEError) return "the token is malformed";
  return "the signing keys could not be loaded";
}

function audienceOk(p: JWTPayload, audience: readonly string[]): boolean {
  // `client_id` counts only when `aud` is absent (http-api-troubleshooting-jwt).
  const aud = p.aud ?? (typeof p["client_id"] === "string" ? p["client_id"] : undefined);
  if (aud === undefined) return false;
  const list = Array.isArray(aud) ? aud : [aud];
  return list.some((a) => audience.includes(a));
}

function tokenScopes(p: JWTPayload): string[] | null {
  const raw = p["scope"] ?? p["scp"];
  if (typeof raw === "string") return raw.split(" ").filter(Boolean);
  if (Array.isArray(raw)) return raw.filter((s): s is string => typeof s === "string");
  return null;
}

// API Gateway hands claims on as strings; arrays read `[a b]`.
function flattenClaims(p: JWTPayload): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(p)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) out[k] = `[${v.join(" ")}]`;
    else out[k] = typeof v === "string" ? v : JSON.stringify(v);
  }
  return out;
}

async function loadKeys(def: JwtDef): Promise<JWTVerifyGetKey> {
  const { createLocalJWKSet, createRemoteJWKSet } = await jose();
  const uri = def.jwksUri ?? (await discoverJwksUri(def.issuer));
  if (/^https?:\/\//i.test(uri)) return createRemoteJWKSet(new URL(uri));
  const path = uri.startsWith("file:") ? fileURLToPath(uri) : uri;
  return createLocalJWKSet(JSON.parse(await readFile(path, "utf8")) as Parameters<typeof createLocalJWKSet>[0]);
}

async function discoverJwksUri(issuer: string): Promise<string> {
  const res = await fetch(`${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`, {
    signal: AbortSignal.timeout(5000),
  });
  if (!res.ok) throw new Error(`OIDC discovery for ${issuer} answered ${res.status}`);
  const doc = (await res.json()) as { jwks_uri?: unknown };
  if (typeof doc.jwks_uri !== "string") throw new Error(`OIDC discovery for ${issuer} has no jwks_uri`);
  return doc.jwks_uri;
}
