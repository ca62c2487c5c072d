/**
 * The open circuit's answer given right after the route is found (a request without a body on a
 * route with nothing before its integration) against the same refusal through the whole request
 * path (the same request with a body, read before the integration): status line, every header in
 * order and case (request ids, trace header, CORS and gateway-response headers) and body byte for
 * byte, the access log line and record, and the refusal counted. Simulated time, fixed ids.
 */
import assert from "node:assert/strict";
import { Agent, createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import type { DeployedApi, DeployedRoute } from "../../src/domain/deployed-api.js";
import { parseResiliencePolicy } from "../../src/domain/resilience-policy.js";
import type { LogEventInput } from "../../src/ports/log-store.js";
import { Gateway, type AccessLogRecord } from "../../src/gateway/gateway.js";
import { TargetResilience } from "../../src/gateway/resilience/target-resilience.js";
import { ManualClock } from "../../src/shared/clock.js";
import type { IdSource } from "../../src/shared/ids.js";

/** The same ids for every request, so that two answers can be compared byte for byte. */
const FIXED_IDS: IdSource = {
  requestId: () => "0f0e8b2c-6b0a-4a61-9a3c-2f1d5e7c9a11",
  hex: (n) => "a1".repeat(n),
};

const CORS = {
  allowOrigins: ["https://app.example"],
  allowMethods: ["GET", "POST"],
  allowHeaders: [],
  exposeHeaders: ["x-total"],
  allowCredentials: true,
};

function proxy(routeKey: string, port: number, resilience: unknown): DeployedRoute {
  const policy = parseResiliencePolicy(resilience);
  if ("error" in policy) throw new Error(policy.error);
  return {
    routeKey,
    integration: {
      type: "HTTP_PROXY",
      uri: `http://127.0.0.1:${port}/`,
      httpMethod: "ANY",
      timeoutMs: 29_000,
      passthroughBehavior: "WHEN_NO_MATCH",
      requestParameters: {},
      requestTemplates: {},
      responses: [],
      resilience: policy,
    },
  };
}

const BREAKER = { circuitBreaker: { consecutiveFailures: 1, openMs: 3_600_000 } };
const FALLBACK = { ...BREAKER, fallback: { statusCode: 200, contentType: "text/plain", body: "cached" } };
const ACCESS_FORMAT =
  '{"requestId":"$context.requestId","status":"$context.status","error":"$context.error.message","resourcePath":"$context.resourcePath","len":"$context.responseLength","ip":"$context.identity.sourceIp"}';

function apis(port: number): DeployedApi[] {
  const rest: DeployedApi = {
    apiId: "restapi001",
    name: "rest",
    protocol: "REST",
    binaryMediaTypes: [],
    stages: [
      {
        stageName: "prod",
        variables: { v: "1" },
        accessLog: { groupName: "access", format: ACCESS_FORMAT },
        deployment: { deploymentId: "d1", routes: [proxy("ANY /x", port, BREAKER), proxy("ANY /f", port, FALLBACK)] },
      },
      {
        // REST's CORS on the gateway's own answers: a DEFAULT_5XX gateway response's headers.
        stageName: "gr",
        variables: { v: "2" },
        deployment: {
          deploymentId: "d2",
          routes: [proxy("ANY /x", port, BREAKER)],
          gatewayResponses: {
            DEFAULT_5XX: {
              statusCode: "503",
              responseParameters: {
                "gatewayresponse.header.Access-Control-Allow-Origin": "method.request.header.origin",
                "gatewayresponse.header.x-stage-v": "stageVariables.v",
              },
              responseTemplates: { "application/json": '{"message":$context.error.messageString}' },
            },
          },
        },
      },
    ],
  };
  const http: DeployedApi = {
    apiId: "httpapi001",
    name: "http",
    protocol: "HTTP",
    binaryMediaTypes: [],
    cors: CORS,
    stages: [
      {
        stageName: "$default",
        variables: {},
        deployment: { deploymentId: "d3", routes: [proxy("ANY /x", port, BREAKER), proxy("ANY /f", port, FALLBACK)] },
      },
    ],
  };
  return [rest, http];
}

interface Raw {
  readonly status: string;
  /** The header lines as sent (name case and order kept), the Date line (Node's clock) left out. */
  readonly headers: readonly string[];
  readonly body: string;
}

function raw(port: number, path: string, o: { api: string; body?: string; headers?: Record<string, string> }) {
  return new Promise<Raw>((resolve, reject) => {
    const agent = new Agent({ keepAlive: false });
    const headers = { host: `${o.api}.execute-api.localhost`, ...o.headers };
    const req = request({ host: "127.0.0.1", port, path, method: "POST", headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const lines: string[] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          if (res.rawHeaders[i] !== "Date") lines.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
        }
        agent.destroy();
        resolve({
          status: `${res.statusCode} ${res.statusMessage}`,
          headers: lines,
          body: Buffer.concat(chunks).toString("latin1"),
        });
      });
    });
    req.on("error", reject);
    req.end(o.body ?? "");
  });
}

describe("the open circuit's answer right after the route", () => {
  const clock = new ManualClock(1_765_000_000_000);
  let upstream: Server;
  let upstreamHits = 0;
  let gateway: Gateway;
  let port = 0;
  const records: AccessLogRecord[] = [];
  const lines: LogEventInput[] = [];
  const events: string[] = [];
  /** Refusals answered by the route's early check (the rest went through the whole request path). */
  let early = 0;
  const refusal = Object.getOwnPropertyDescriptor(TargetResilience.prototype, "refusal")?.value as (
    this: TargetResilience,
  ) => ReturnType<TargetResilience["refusal"]>;

  before(async () => {
    TargetResilience.prototype.refusal = function (this: TargetResilience) {
      const r = refusal.call(this);
      if (r) early++;
      return r;
    };
    upstream = createServer((req, res) => {
      upstreamHits++;
      req.resume();
      res.writeHead(500, { "content-type": "text/plain" }).end("down");
    });
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
    gateway = new Gateway({
      invoker: { invoke: () => Promise.reject(new Error("no function behind these routes")) },
      clock,
      ids: FIXED_IDS,
      region: "us-east-1",
      accountId: "123456789012",
      onAccessLog: (r) => records.push(r),
      onStageAccessLog: (e) => lines.push(e),
      onResilienceEvent: (e) => events.push(e.kind),
    });
    gateway.setApis(apis((upstream.address() as AddressInfo).port));
    port = await gateway.listen(0, "127.0.0.1");
    // One failure each opens the circuits (one per target: the fallback routes share the first's URI
    // but not its policy).
    for (const [api, path] of [
      ["restapi001", "/prod/x"],
      ["restapi001", "/prod/f"],
      ["restapi001", "/gr/x"],
      ["httpapi001", "/x"],
      ["httpapi001", "/f"],
    ] as const) {
      const first = await raw(port, path, { api });
      assert.match(first.status, /^5\d\d /, `${api}${path}: the upstream's failure passes through`);
    }
  });

  after(async () => {
    TargetResilience.prototype.refusal = refusal;
    await gateway.close();
    upstream.closeAllConnections();
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
  });

  /** The answer without a body (the early check) and with one (the whole path), compared. */
  async function compare(api: string, path: string, headers: Record<string, string> = {}) {
    const hits = upstreamHits;
    const earlyBefore = early;
    const n = records.length;
    const fast = await raw(port, path, { api, headers });
    assert.equal(early, earlyBefore + 1, "answered by the route's early check");
    const general = await raw(port, path, { api, headers, body: "x" });
    assert.equal(early, earlyBefore + 1, "a request with a body goes through the whole path");
    assert.equal(upstreamHits, hits, "an open circuit never calls the upstream");
    assert.deepEqual(fast, general);
    const [a, b] = records.slice(n);
    assert.deepEqual({ ...a, latencyMs: 0, integrationLatencyMs: 0 }, { ...b, latencyMs: 0, integrationLatencyMs: 0 });
    assert.equal(
      typeof a?.integrationLatencyMs,
      "number",
      "the integration's latency is reported, as on the whole path",
    );
    return fast;
  }

  it("REST: AWS's 503 with the request's ids and trace header, the same access line and record", async () => {
    const l = lines.length;
    const events0 = events.length;
    const r = await compare("restapi001", "/prod/x", { "x-amzn-trace-id": "Root=1-5759e988-bd862e3fe1be46a994272793" });
    assert.equal(r.status, "503 Service Unavailable");
    assert.deepEqual(r.headers.slice(0, 6), [
      "content-type: application/json",
      "x-amzn-ErrorType: ServiceUnavailableException",
      "x-amzn-RequestId: 0f0e8b2c-6b0a-4a61-9a3c-2f1d5e7c9a11",
      "x-amz-apigw-id: oaGhoaGhoaGhoaE=",
      "X-Amzn-Trace-Id: Root=1-5759e988-bd862e3fe1be46a994272793",
      "content-length: 34",
    ]);
    assert.equal(r.body, '{"message": "Service Unavailable"}');
    const [fastLine, generalLine] = lines.slice(l);
    assert.equal(fastLine?.message, generalLine?.message);
    assert.deepEqual(JSON.parse(fastLine?.message ?? ""), {
      requestId: "0f0e8b2c-6b0a-4a61-9a3c-2f1d5e7c9a11",
      status: "503",
      error: "Service Unavailable",
      resourcePath: "/x",
      len: "34",
      ip: "127.0.0.1",
    });
    assert.deepEqual(events.slice(events0), ["rejected", "rejected"], "each refusal is counted");
  });

  it("REST: a DEFAULT_5XX gateway response's CORS and stage-variable headers and template", async () => {
    const r = await compare("restapi001", "/gr/x", { origin: "https://app.example" });
    assert.equal(r.status, "503 Service Unavailable");
    assert.ok(r.headers.includes("Access-Control-Allow-Origin: https://app.example"), r.headers.join("\n"));
    assert.ok(r.headers.includes("x-stage-v: 2"), r.headers.join("\n"));
    assert.equal(r.body, '{"message":"Service Unavailable"}');
  });

  it("REST: a fallback's answer, with the request's ids", async () => {
    const r = await compare("restapi001", "/prod/f");
    assert.equal(r.status, "200 OK");
    assert.ok(r.headers.includes("x-amzn-RequestId: 0f0e8b2c-6b0a-4a61-9a3c-2f1d5e7c9a11"), r.headers.join("\n"));
    assert.equal(r.body, "cached");
  });

  it("HTTP API: the 503 with the API's CORS headers for an allowed origin, none for another", async () => {
    const allowed = await compare("httpapi001", "/x", { origin: "https://app.example" });
    assert.equal(allowed.status, "503 Service Unavailable");
    assert.deepEqual(allowed.headers, [
      "content-type: application/json",
      "access-control-allow-origin: https://app.example",
      "access-control-allow-credentials: true",
      "access-control-expose-headers: x-total",
      "apigw-requestid: oaGhoaGhoaGhoaE=",
      "X-Amzn-Trace-Id: Root=1-6933c340-a1a1a1a1a1a1a1a1a1a1a1a1",
      "content-length: 33",
      "Connection: close",
    ]);
    assert.equal(allowed.body, '{"message":"Service Unavailable"}');
    const other = await compare("httpapi001", "/x", { origin: "https://other.example" });
    assert.ok(!other.headers.some((h) => h.startsWith("access-control-")), other.headers.join("\n"));
  });

  it("HTTP API: a fallback keeps no CORS header of an earlier request", async () => {
    const withOrigin = await compare("httpapi001", "/f", { origin: "https://app.example" });
    assert.ok(withOrigin.headers.includes("access-control-allow-origin: https://app.example"));
    assert.equal(withOrigin.body, "cached");
    const without = await compare("httpapi001", "/f");
    assert.ok(!without.headers.some((h) => h.startsWith("access-control-")), without.headers.join("\n"));
  });
});
