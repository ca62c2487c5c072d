/**
 * JWT authorizers with real tokens signed by jose and keys served from a local JWKS endpoint
 * (also found through OIDC discovery, and read from a file): valid, expired, wrong audience,
 * client_id, wrong key, missing scope, and the claims the function sees.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from "jose";
import type { DeployedAuthorizer } from "../../src/domain/deployed-api.js";
import { tempDir } from "../helpers/temp-dir.js";
import { appSpec, httpApi, route, send, startGateway, type Harness } from "./helpers.js";

const AUDIENCE = "api://haneul";
let issuer = "";
let signingKey: CryptoKey;
let otherKey: CryptoKey;
let jwks: Server;
let jwksHits = 0;
let h: Harness;
const dir = tempDir("jwks");

function jwt(def: Partial<DeployedAuthorizer & { type: "JWT" }>): DeployedAuthorizer {
  return {
    type: "JWT",
    authorizerId: "jwt",
    name: "jwt",
    identitySource: ["$request.header.Authorization"],
    issuer,
    audience: [AUDIENCE],
    ...def,
  };
}

before(async () => {
  const kp = await generateKeyPair("RS256");
  signingKey = kp.privateKey;
  otherKey = (await generateKeyPair("RS256")).privateKey;
  const publicJwk = { ...(await exportJWK(kp.publicKey)), kid: "k1", alg: "RS256", use: "sig" };
  jwks = createServer((req, res) => {
    jwksHits++;
    res.setHeader("content-type", "application/json");
    if (req.url === "/.well-known/openid-configuration")
      res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks.json` }));
    else if (req.url === "/jwks.json") res.end(JSON.stringify({ keys: [publicJwk] }));
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => jwks.listen(0, "127.0.0.1", r));
  issuer = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}`;
  const file = join(dir.path, "jwks.json");
  writeFileSync(file, JSON.stringify({ keys: [publicJwk] }));
  h = await startGateway(
    [appSpec("echo", "gateway-handlers.echo")],
    [
      httpApi("jwtapi", [
        route("GET /me", "echo", { authorizer: jwt({ jwksUri: `${issuer}/jwks.json` }) }),
        route("GET /admin", "echo", {
          authorizer: jwt({ jwksUri: `${issuer}/jwks.json` }),
          scopes: ["admin:write", "root"],
        }),
        route("GET /me10", "echo", { authorizer: jwt({ jwksUri: `${issuer}/jwks.json` }), payload: "1.0" }),
        route("GET /discovered", "echo", { authorizer: jwt({ authorizerId: "disc" }) }),
        route("GET /file", "echo", { authorizer: jwt({ authorizerId: "file", jwksUri: file }) }),
      ]),
    ],
  );
});
after(async () => {
  await h.close();
  jwks.closeAllConnections();
  await new Promise((r) => jwks.close(r));
  await dir.remove();
});

async function token(claims: JWTPayload, o: { key?: CryptoKey; exp?: string | number; aud?: string | null } = {}) {
  const t = new SignJWT({ ...claims })
    .setProtectedHeader({ alg: "RS256", kid: "k1" })
    .setIssuer(issuer)
    .setIssuedAt()
    .setSubject("user-7");
  if (o.aud !== null) t.setAudience(o.aud ?? AUDIENCE);
  t.setExpirationTime(o.exp ?? "5m");
  return t.sign(o.key ?? signingKey);
}

const call = (path: string, auth?: string) =>
  send(h.port, path, { api: "jwtapi", headers: auth ? { authorization: auth } : {} });

test("a valid token: claims (as strings) and scopes reach requestContext.authorizer.jwt", async () => {
  const res = await call(
    "/me",
    `Bearer ${await token({ scope: "read admin:write", name: "Ann", groups: ["x", "y"] })}`,
  );
  assert.equal(res.status, 200, res.text);
  const { jwt: j } = res.json().requestContext.authorizer;
  assert.equal(j.claims.name, "Ann");
  assert.equal(j.claims.sub, "user-7");
  assert.equal(j.claims.aud, AUDIENCE);
  assert.equal(j.claims.iss, issuer);
  assert.match(j.claims.exp, /^\d+$/);
  assert.equal(j.claims.groups, "[x y]");
  assert.deepEqual(j.scopes, ["read", "admin:write"]);
});

test("the token works without the Bearer prefix too; payload 1.0 sees claims and scopes", async () => {
  const t = await token({ scope: "read" });
  assert.equal((await call("/me", t)).status, 200);
  const v1 = (await call("/me10", `Bearer ${t}`)).json().requestContext.authorizer;
  assert.equal(v1.claims.sub, "user-7");
  assert.deepEqual(v1.scopes, ["read"]);
});

test("expired token: 401 with an invalid_token challenge", async () => {
  const res = await call("/me", `Bearer ${await token({}, { exp: Math.floor(Date.now() / 1000) - 60 })}`);
  assert.equal(res.status, 401);
  assert.equal(res.text, '{"message":"Unauthorized"}');
  assert.equal(
    res.headers["www-authenticate"],
    'Bearer scope="" error="invalid_token" error_description="the token has expired"',
  );
});

test("wrong audience: 401 with AWS's description; client_id counts only when aud is absent", async () => {
  const wrong = await call("/me", `Bearer ${await token({}, { aud: "api://other" })}`);
  assert.equal(wrong.status, 401);
  assert.equal(
    wrong.headers["www-authenticate"],
    'Bearer scope="" error="invalid_token" error_description="the token does not have a valid audience"',
  );
  const clientId = await call("/me", `Bearer ${await token({ client_id: AUDIENCE }, { aud: null })}`);
  assert.equal(clientId.status, 200, clientId.text);
  const both = await call("/me", `Bearer ${await token({ client_id: AUDIENCE }, { aud: "api://other" })}`);
  assert.equal(both.status, 401);
});

test("a token signed with another key: 401", async () => {
  const res = await call("/me", `Bearer ${await token({}, { key: otherKey })}`);
  assert.equal(res.status, 401);
  assert.match(String(res.headers["www-authenticate"]), /error="invalid_token"/);
});

test("no token or garbage: 401", async () => {
  assert.equal((await call("/me")).status, 401);
  assert.equal((await call("/me", "Bearer not.a.jwt")).status, 401);
});

test("scopes: one of the route's scopes is needed (scope string or scp list), else 403", async () => {
  const missing = await call("/admin", `Bearer ${await token({ scope: "read" })}`);
  assert.equal(missing.status, 403);
  assert.equal(missing.text, '{"message":"Forbidden"}');
  assert.match(String(missing.headers["www-authenticate"]), /error="insufficient_scope"/);
  assert.equal((await call("/admin", `Bearer ${await token({ scope: "read admin:write" })}`)).status, 200);
  assert.equal((await call("/admin", `Bearer ${await token({ scp: ["root"] })}`)).status, 200);
  assert.equal((await call("/admin", `Bearer ${await token({})}`)).status, 403);
});

test("keys found through the issuer's OIDC discovery, and keys read from a file", async () => {
  const t = `Bearer ${await token({})}`;
  const hits = jwksHits;
  assert.equal((await call("/discovered", t)).status, 200);
  assert.ok(jwksHits > hits, "discovery and JWKS were fetched");
  assert.equal((await call("/discovered", `Bearer ${await token({}, { key: otherKey })}`)).status, 401);
  assert.equal((await call("/file", t)).status, 200);
  assert.equal((await call("/file", `Bearer ${await token({}, { aud: "nope" })}`)).status, 401);
});
