import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { describe, it } from "node:test";
import { lambdaSigner } from "../../test/helpers/sigv4-signer.js";
import { PlatformError } from "../shared/errors.js";
import {
  canonicalHeaderValue,
  canonicalHeaders,
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  escapeUri,
} from "./sigv4-canonical.js";
import { beginSigV4, createSigV4Verifier, formatAmzDate, verifySigV4, type SignedRequest } from "./sigv4.js";

const AKID = "AKIDEXAMPLE";
const SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const lookup = (id: string): string | undefined => (id === AKID ? SECRET : undefined);
const T0 = Date.UTC(2015, 7, 30, 12, 36, 0);

function rejectsWith(fn: () => unknown, type: string, message?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof PlatformError, String(e));
    assert.equal(e.awsType, type);
    assert.equal(e.status, 403);
    if (message) assert.match(e.message, message);
    return true;
  });
}

/** Signs with the real @smithy/signature-v4 and returns the request as a server would see it. */
async function smithySigned(
  o: {
    method?: string;
    path: string;
    query?: Record<string, string | string[]>;
    body?: string;
    headers?: Record<string, string>;
  },
  signingDate = new Date(T0),
): Promise<SignedRequest> {
  const signer = lambdaSigner(AKID, SECRET);
  const request = {
    method: o.method ?? "GET",
    protocol: "http:",
    hostname: "localhost",
    port: 3001,
    path: o.path,
    query: o.query ?? {},
    headers: { host: "localhost:3001", ...(o.headers ?? {}) },
    body: o.body,
  };
  const signed = await signer.sign(request, { signingDate });
  const headers: IncomingHttpHeaders = {};
  for (const [k, v] of Object.entries(signed.headers)) headers[k.toLowerCase()] = v;
  // Encoded as the SDKs put it on the wire (RFC 3986, space as %20), not as HTML forms do.
  const query = Object.entries(o.query ?? {})
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${escapeUri(k)}=${escapeUri(x)}`))
    .join("&");
  return { method: signed.method, path: o.path, query, headers, body: Buffer.from(o.body ?? "") };
}

describe("canonical request pieces", () => {
  it("escapes like RFC 3986 (AWS flavour)", () => {
    assert.equal(escapeUri("a b!'()*~-_.:/$"), "a%20b%21%27%28%29%2A~-_.%3A%2F%24");
  });

  it("double-encodes an already %-encoded path (non-S3)", () => {
    const raw =
      "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Amy-fn%3Aprod/configuration";
    assert.equal(
      canonicalUri(raw),
      "/2015-03-31/functions/arn%253Aaws%253Alambda%253Aus-east-1%253A000000000000%253Afunction%253Amy-fn%253Aprod/configuration",
    );
    assert.equal(canonicalUri("/fn/%24LATEST"), "/fn/%2524LATEST");
  });

  it("normalizes empty and dot segments like the signers do, keeping a trailing slash", () => {
    assert.equal(canonicalUri("/"), "/");
    assert.equal(canonicalUri(""), "/");
    assert.equal(canonicalUri("/a//b/./c/../d/"), "/a/b/d/");
    assert.equal(canonicalUri("/2015-03-31/functions/"), "/2015-03-31/functions/");
  });

  it("sorts the query by key then value and re-encodes both", () => {
    assert.equal(canonicalQuery("b=2&a=z&a=y&c"), "a=y&a=z&b=2&c=");
    assert.equal(canonicalQuery("Qualifier=%24LATEST&Marker=a%3Ab"), "Marker=a%3Ab&Qualifier=%24LATEST");
    assert.equal(canonicalQuery("k=a%20b&k2=a+b"), "k=a%20b&k2=a%2Bb");
    assert.equal(canonicalQuery("X-Amz-Signature=abc&X-Amz-Date=1"), "X-Amz-Date=1");
    assert.equal(canonicalQuery("B=1&a=1"), "B=1&a=1"); // upper case sorts first (byte order)
    assert.equal(canonicalQuery(""), "");
  });

  it("trims header values and folds inner whitespace", () => {
    assert.equal(canonicalHeaderValue("  a   b \t c  "), "a b c");
    assert.equal(canonicalHeaderValue(["x", "y"]), "x,y");
    assert.equal(canonicalHeaderValue("a\tb\nc d"), "a b c d");
    assert.equal(canonicalHeaderValue("application/json"), "application/json");
    assert.equal(canonicalHeaderValue(undefined), "");
    assert.equal(
      canonicalHeaders({ host: "h", "x-amz-date": " 1  2 " }, ["host", "x-amz-date"]),
      "host:h\nx-amz-date:1 2\n",
    );
  });

  it("builds the AWS test-suite canonical request for get-vanilla-query-order-key-case", () => {
    const req: SignedRequest = {
      method: "GET",
      path: "/",
      query: "Param2=value2&Param1=value1",
      headers: { host: "example.amazonaws.com", "x-amz-date": "20150830T123600Z" },
      body: Buffer.alloc(0),
    };
    const empty = createHash("sha256").update("").digest("hex");
    assert.equal(
      canonicalRequest(req, "host;x-amz-date", empty),
      `GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n${empty}`,
    );
  });
});

describe("verifySigV4", () => {
  it("accepts the AWS test-suite vector get-vanilla", () => {
    const req: SignedRequest = {
      method: "GET",
      path: "/",
      query: "",
      headers: {
        host: "example.amazonaws.com",
        "x-amz-date": "20150830T123600Z",
        authorization:
          "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, " +
          "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
      },
      body: Buffer.alloc(0),
    };
    assert.deepEqual(verifySigV4(req, lookup, T0), { accessKeyId: AKID });
  });

  it("accepts requests signed by @smithy/signature-v4 with encoded labels, queries and bodies", async () => {
    const verify = createSigV4Verifier(lookup);
    const arn = encodeURIComponent("arn:aws:lambda:us-east-1:000000000000:function:my-fn:prod");
    const get = await smithySigned({
      path: `/2015-03-31/functions/${arn}/configuration`,
      query: { Qualifier: "$LATEST" },
    });
    assert.equal(verify(get, T0).accessKeyId, AKID);
    const post = await smithySigned({
      method: "POST",
      path: "/2015-03-31/functions/fn/invocations",
      query: { b: ["2", "1"], a: "x y" },
      body: '{"hello":"wörld"}',
      headers: { "content-type": "application/json", "x-amz-meta": "  spaced    value " },
    });
    assert.equal(verify(post, T0).accessKeyId, AKID);
  });

  it("rejects a missing signature, an unknown key and a wrong secret", async () => {
    const req = await smithySigned({ path: "/a" });
    const unsigned = { ...req.headers };
    delete unsigned.authorization;
    rejectsWith(() => verifySigV4({ ...req, headers: unsigned }, lookup, T0), "MissingAuthenticationTokenException");
    rejectsWith(() => verifySigV4(req, () => undefined, T0), "UnrecognizedClientException", /security token/);
    rejectsWith(() => verifySigV4(req, () => "not-the-secret", T0), "InvalidSignatureException", /does not match/);
  });

  it("rejects a tampered body even when x-amz-content-sha256 still matches the signature", async () => {
    const req = await smithySigned({ method: "POST", path: "/a", body: "original" });
    assert.ok(req.headers["x-amz-content-sha256"]);
    rejectsWith(() => verifySigV4({ ...req, body: Buffer.from("tampered") }, lookup, T0), "InvalidSignatureException");
  });

  it("rejects tampered paths, queries and signed headers", async () => {
    const req = await smithySigned({ path: "/a/b", query: { q: "1" }, headers: { "x-amz-target": "x" } });
    rejectsWith(() => verifySigV4({ ...req, path: "/a/c" }, lookup, T0), "InvalidSignatureException");
    rejectsWith(() => verifySigV4({ ...req, query: "q=2" }, lookup, T0), "InvalidSignatureException");
    rejectsWith(
      () => verifySigV4({ ...req, headers: { ...req.headers, "x-amz-target": "y" } }, lookup, T0),
      "InvalidSignatureException",
    );
  });

  it("rejects a signature older or newer than 15 minutes with AWS's wording", async () => {
    const req = await smithySigned({ path: "/a" });
    assert.ok(verifySigV4(req, lookup, T0 + 15 * 60_000));
    rejectsWith(
      () => verifySigV4(req, lookup, T0 + 16 * 60_000),
      "InvalidSignatureException",
      /^Signature expired: 20150830T123600Z is now earlier than 20150830T123700Z \(20150830T125200Z - 15 min\.\)$/,
    );
    rejectsWith(
      () => verifySigV4(req, lookup, T0 - 16 * 60_000),
      "InvalidSignatureException",
      /^Signature not yet current: 20150830T123600Z is still later than 20150830T123500Z \(20150830T122000Z \+ 15 min\.\)$/,
    );
  });

  it("rejects a credential scope whose date differs from x-amz-date", async () => {
    const req = await smithySigned({ path: "/a" });
    const authorization = String(req.headers.authorization).replace("/20150830/", "/20150831/");
    const headers = { ...req.headers, authorization };
    rejectsWith(
      () => verifySigV4({ ...req, headers }, lookup, T0),
      "InvalidSignatureException",
      /Date in Credential scope/,
    );
  });

  it("reports an incomplete Authorization header", () => {
    const req: SignedRequest = {
      method: "GET",
      path: "/",
      query: "",
      headers: { authorization: "Bearer x" },
      body: Buffer.alloc(0),
    };
    rejectsWith(() => verifySigV4(req, lookup, T0), "IncompleteSignatureException", /requires 'Credential'/);
  });

  it("accepts presigned URLs from @smithy/signature-v4 and refuses them once expired", async () => {
    const signer = lambdaSigner(AKID, SECRET);
    const presigned = await signer.presign(
      {
        method: "GET",
        protocol: "http:",
        hostname: "localhost",
        path: "/2015-03-31/functions/fn",
        headers: { host: "localhost" },
        query: {},
      },
      { signingDate: new Date(T0), expiresIn: 60 },
    );
    const query = new URLSearchParams(presigned.query as Record<string, string>).toString();
    const req: SignedRequest = {
      method: "GET",
      path: presigned.path,
      query,
      headers: { host: "localhost" },
      body: Buffer.alloc(0),
    };
    assert.equal(verifySigV4(req, lookup, T0 + 30_000).accessKeyId, AKID);
    rejectsWith(() => verifySigV4(req, lookup, T0 + 61_000), "InvalidSignatureException", /Signature expired/);
  });

  it("refuses a scope naming another region, service or terminator, all wrong parts named at once", async () => {
    const rules = { service: "lambda", regions: new Set(["us-east-1"]) };
    const byId = (id: string) => (id === AKID ? { secret: SECRET, caller: id } : undefined);
    const signed = async (scope: string) => {
      const req = await smithySigned({ path: "/a" });
      const authorization = String(req.headers.authorization).replace("/us-east-1/lambda/aws4_request", scope);
      return { ...req, headers: { ...req.headers, authorization } };
    };
    const begin = async (scope: string) => beginSigV4(await signed(scope), byId, { now: T0, scope: rules });
    await assert.rejects(begin("/eu-west-1/lambda/aws4_request"), {
      message: "Credential should be scoped to a valid region. ",
    });
    await assert.rejects(begin("/us-east-1/iam/aws4_request"), {
      message: "Credential should be scoped to correct service: 'lambda'. ",
    });
    await assert.rejects(begin("/eu-west-1/iam/aws4_request"), {
      message:
        "Credential should be scoped to a valid region. Credential should be scoped to correct service: 'lambda'. ",
    });
    await assert.rejects(begin("/us-east-1/lambda/aws5_request"), {
      message: "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. ",
    });
    // The scope is checked before the key: an unknown key in a wrong scope hears about the scope.
    const other = await signed("/eu-west-1/lambda/aws4_request");
    assert.throws(() => beginSigV4(other, () => undefined, { now: T0, scope: rules }), /valid region/);
    const ok = beginSigV4(await signed("/us-east-1/lambda/aws4_request"), byId, { now: T0, scope: rules });
    assert.equal(ok.caller, AKID);
    assert.equal(ok.region, "us-east-1");
  });

  it("requires host among the signed headers", async () => {
    const req = await smithySigned({ path: "/a" });
    const authorization = String(req.headers.authorization).replace("SignedHeaders=host;", "SignedHeaders=");
    rejectsWith(
      () => verifySigV4({ ...req, headers: { ...req.headers, authorization } }, lookup, T0),
      "InvalidSignatureException",
      /^'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization\.$/,
    );
  });

  it("hashes the body even when the signer declared UNSIGNED-PAYLOAD (outside S3 AWS does)", async () => {
    const req = await smithySigned({
      method: "POST",
      path: "/a",
      body: "payload",
      headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" },
    });
    rejectsWith(() => verifySigV4(req, lookup, T0), "InvalidSignatureException", /does not match/);
  });

  it("formats x-amz-date", () => {
    assert.equal(formatAmzDate(T0), "20150830T123600Z");
  });
});
