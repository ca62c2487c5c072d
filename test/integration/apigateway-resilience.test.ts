/**
 * `x-haneul-resilience` configured through OpenAPI with the real AWS CLI v2: ImportRestApi with a
 * root default and an operation's own settings, served by the gateway against a failing upstream
 * (the circuit opens, retries reach the upstream), kept by GetExport and a re-import of the export;
 * invalid settings refused with BadRequestException naming the field; an HTTP API's ImportApi and
 * ExportApi alike.
 */
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { apigateway, awsCli, gatewayCall, startApigwStack, type ApigwStack } from "../helpers/apigw-stack.js";
import { freePort } from "../helpers/free-port.js";

const RESILIENCE = "x-haneul-resilience";

describe("x-haneul-resilience through OpenAPI import and export", () => {
  let s: ApigwStack;
  let upstream: Server;
  let port = 0;
  const hits = new Map<string, number>();
  const hitsOf = (path: string) => hits.get(path) ?? 0;

  before(async () => {
    s = await startApigwStack("exports.hello = async () => ({ statusCode: 200, body: 'hi' });", ["hello"]);
    port = await freePort();
    // Fails every request, counting them by path.
    upstream = createServer((req, res) => {
      req.resume();
      hits.set(req.url ?? "", hitsOf(req.url ?? "") + 1);
      res.writeHead(500, { "content-type": "text/plain" }).end("down");
    });
    await new Promise<void>((resolve) => upstream.listen(port, "127.0.0.1", resolve));
  });
  after(async () => {
    upstream.closeAllConnections();
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
    await s.close();
  });

  const file = async (name: string, body: unknown): Promise<string> => {
    const path = join(s.home, name);
    await writeFile(path, typeof body === "string" ? body : JSON.stringify(body));
    return path;
  };
  const proxy = (path: string, extra: Record<string, unknown> = {}) => ({
    type: "http_proxy",
    httpMethod: "GET",
    uri: `http://127.0.0.1:${port}${path}`,
    ...extra,
  });
  const restDoc = (defaults: unknown, own: unknown) => ({
    openapi: "3.0.1",
    info: { title: "resilient", version: "1" },
    [RESILIENCE]: defaults,
    paths: {
      "/flaky": { get: { "x-amazon-apigateway-integration": proxy("/flaky") } },
      "/own": { get: { "x-amazon-apigateway-integration": proxy("/own", { [RESILIENCE]: own }) } },
      "/mock": {
        get: {
          "x-amazon-apigateway-integration": {
            type: "mock",
            requestTemplates: { "application/json": '{"statusCode": 200}' },
            responses: { default: { statusCode: "200" } },
          },
        },
      },
    },
  });
  const defaults = { circuitBreaker: { consecutiveFailures: 2, openMs: 600_000 } };
  const own = { retry: { maxAttempts: 3, baseDelayMs: 0 } };

  it("serves a REST import's settings, keeps them on export, and a re-import of the export serves the same", async () => {
    const path = await file("rest.json", restDoc(defaults, own));
    const api = await apigateway<{ id: string }>(s, "import-rest-api", "--body", `fileb://${path}`);
    await apigateway(s, "create-deployment", "--rest-api-id", api.id, "--stage-name", "live");
    const call = (p: string) => gatewayCall(s.gatewayPort, api.id, { path: `/live${p}` });

    assert.equal((await call("/flaky")).status, 500);
    assert.equal((await call("/flaky")).status, 500);
    const refused = await call("/flaky");
    assert.equal(refused.status, 503, "the root default's breaker opened after two failures");
    assert.equal(refused.body, '{"message": "Service Unavailable"}');
    assert.equal(hitsOf("/flaky"), 2);

    assert.equal((await call("/own")).status, 500);
    assert.equal(hitsOf("/own"), 3, "the operation's own settings retry (and replace the default breaker)");
    assert.equal((await call("/own")).status, 500);
    assert.equal(hitsOf("/own"), 5, "the budget (3 + 20% of 2 requests) had one retry left");
    assert.equal((await call("/mock")).status, 200, "the default passes MOCK integrations by");

    const out = join(s.home, "rest-export.json");
    const args = ["get-export", "--rest-api-id", api.id, "--stage-name", "live", "--export-type", "oas30"];
    await apigateway(s, ...args, "--parameters", "extensions=apigateway", out);
    const exported = JSON.parse(await readFile(out, "utf8")) as {
      paths: Record<string, { get: { "x-amazon-apigateway-integration": Record<string, unknown> } }>;
    };
    const ext = (p: string) => exported.paths[p]?.get["x-amazon-apigateway-integration"][RESILIENCE] as AnyPolicy;
    assert.equal(ext("/flaky").circuitBreaker?.consecutiveFailures, 2);
    assert.equal(ext("/flaky").circuitBreaker?.openMs, 600_000);
    assert.equal(ext("/own").retry?.maxAttempts, 3);
    assert.equal(ext("/own").circuitBreaker, undefined);
    assert.equal(ext("/mock"), undefined);

    const again = await apigateway<{ id: string }>(s, "import-rest-api", "--body", `fileb://${out}`);
    await apigateway(s, "create-deployment", "--rest-api-id", again.id, "--stage-name", "live");
    const before = hitsOf("/flaky");
    for (let i = 0; i < 2; i++) await gatewayCall(s.gatewayPort, again.id, { path: "/live/flaky" });
    assert.equal((await gatewayCall(s.gatewayPort, again.id, { path: "/live/flaky" })).status, 503);
    assert.equal(hitsOf("/flaky"), before + 2, "the re-imported API has the breaker");
    const out2 = join(s.home, "rest-export-2.json");
    await apigateway(
      s,
      ...args.map((a) => (a === api.id ? again.id : a)),
      "--parameters",
      "extensions=apigateway",
      out2,
    );
    const second = JSON.parse(await readFile(out2, "utf8")) as typeof exported;
    assert.deepEqual(second.paths, exported.paths, "export, import and export again keep the settings");
  });

  it("refuses invalid settings with BadRequestException naming the field, creating nothing", async () => {
    const before = await apigateway<{ items: unknown[] }>(s, "get-rest-apis");
    const cases: [unknown, unknown, string][] = [
      [{ circuitBreaker: { consecutiveFailures: "3" } }, own, "x-haneul-resilience.circuitBreaker.consecutiveFailures"],
      [defaults, { retry: { maxAttempts: 3, methods: ["FETCH"] } }, "x-haneul-resilience.retry.methods.0"],
      [defaults, { bulkhead: { maxConcurrent: 0 } }, "x-haneul-resilience.bulkhead.maxConcurrent"],
    ];
    for (const [d, o, field] of cases) {
      const path = await file("bad.json", restDoc(d, o));
      const r = await awsCli(s, ["apigateway", "import-rest-api", "--body", `fileb://${path}`]);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /BadRequestException/);
      assert.ok(r.stderr.includes(field), r.stderr);
    }
    const mock = restDoc(undefined, undefined);
    mock.paths["/mock"].get["x-amazon-apigateway-integration"] = {
      ...mock.paths["/mock"].get["x-amazon-apigateway-integration"],
      [RESILIENCE]: defaults,
    } as never;
    const r = await awsCli(s, ["apigateway", "import-rest-api", "--body", `fileb://${await file("m.json", mock)}`]);
    assert.match(r.stderr, /x-haneul-resilience does not apply to MOCK integrations/);
    const after = await apigateway<{ items: unknown[] }>(s, "get-rest-apis");
    assert.equal(after.items.length, before.items.length);
  });

  it("an HTTP API's ImportApi serves the settings and ExportApi keeps them", async () => {
    const doc = {
      openapi: "3.0.1",
      info: { title: "resilient-http", version: "1" },
      paths: {
        "/h": {
          get: {
            "x-amazon-apigateway-integration": {
              ...proxy("/h"),
              payloadFormatVersion: "1.0",
              [RESILIENCE]: { circuitBreaker: { failureRatePercent: 50, minimumRequests: 3 } },
            },
          },
        },
      },
    };
    const r = await awsCli(s, ["apigatewayv2", "import-api", "--body", `file://${await file("http.json", doc)}`]);
    assert.equal(r.code, 0, r.stderr);
    const api = JSON.parse(r.stdout) as { ApiId: string };
    const stage = ["create-stage", "--api-id", api.ApiId, "--stage-name", "$default", "--auto-deploy"];
    assert.equal((await awsCli(s, ["apigatewayv2", ...stage])).code, 0);
    for (let i = 0; i < 3; i++) assert.equal((await gatewayCall(s.gatewayPort, api.ApiId, { path: "/h" })).status, 500);
    const refused = await gatewayCall(s.gatewayPort, api.ApiId, { path: "/h" });
    assert.equal(refused.status, 503);
    assert.equal(refused.body, '{"message":"Service Unavailable"}');
    assert.equal(hitsOf("/h"), 3);

    const out = join(s.home, "http-export.json");
    const exportArgs = ["export-api", "--api-id", api.ApiId, "--output-type", "JSON", "--specification", "OAS30"];
    assert.equal((await awsCli(s, ["apigatewayv2", ...exportArgs, out])).code, 0);
    const exported = JSON.parse(await readFile(out, "utf8")) as typeof doc;
    const ext = exported.paths["/h"].get["x-amazon-apigateway-integration"][RESILIENCE] as AnyPolicy;
    assert.equal(ext.circuitBreaker?.failureRatePercent, 50);

    const bad = { ...doc, [RESILIENCE]: { retry: { maxAttempts: 1 } } };
    delete (bad.paths["/h"].get["x-amazon-apigateway-integration"] as Record<string, unknown>)[RESILIENCE];
    const refusedImport = await awsCli(s, [
      "apigatewayv2",
      "import-api",
      "--body",
      `file://${await file("b.json", bad)}`,
    ]);
    assert.match(refusedImport.stderr, /BadRequestException/);
    assert.ok(refusedImport.stderr.includes("x-haneul-resilience.retry.maxAttempts"), refusedImport.stderr);
  });
});

interface AnyPolicy {
  readonly circuitBreaker?: { consecutiveFailures?: number; openMs?: number; failureRatePercent?: number };
  readonly retry?: { maxAttempts?: number };
}
