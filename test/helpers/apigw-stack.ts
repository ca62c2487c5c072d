/**
 * The API Gateway parts of a node, for tests that drive them with the real AWS CLI v2 and SDK v3:
 * the API server with the API Gateway operations, the ApiService on SQLite, the gateway and an
 * engine running the given handler file's functions; plus a CLI runner and a gateway client.
 */
import assert from "node:assert/strict";
import { chmod, writeFile } from "node:fs/promises";
import { createServer, request, type IncomingHttpHeaders, type Server } from "node:http";
import { join } from "node:path";
import { SqliteApiStore } from "../../src/adapters/sqlite/api-store.js";
import { SqliteUsagePlanStore } from "../../src/adapters/sqlite/usage-plan-store.js";
import { createApiGatewayOperations, createUsagePlanOperations } from "../../src/api/apigateway/index.js";
import { createApiServer, type ApiServer } from "../../src/api/http-server.js";
import { ApiService } from "../../src/control/api-service.js";
import { UsagePlanService } from "../../src/control/usage-plan-service.js";
import { Gateway } from "../../src/gateway/gateway.js";
import { QuotaLedger } from "../../src/gateway/quota-ledger.js";
import { systemClock } from "../../src/shared/clock.js";
import { randomIds } from "../../src/shared/ids.js";
import { adminKey } from "./api-server.js";
import { fixtureSpec, testEngine, type TestEngine } from "./engine.js";
import { tempDir, type TempDir } from "./temp-dir.js";
import { runAwsCli } from "./aws-cli.js";

export const REGION = "us-east-1";
export const ACCOUNT = "000000000000";
const AKID = "AKIAHANEULAPIGWSTACK";
const SECRET = "apigwStackSecret/0123456789abcdefghijkl";

/** A running stack. */
export interface ApigwStack {
  readonly apiUrl: string;
  readonly gatewayPort: number;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** ARN of each function, by handler export. */
  readonly functionArn: (exportName: string) => string;
  readonly service: ApiService;
  /** API keys and usage plans (enforced by the gateway; quotas flushed every 50 ms). */
  readonly usage: UsagePlanService;
  readonly ledger: QuotaLedger;
  readonly home: string;
  close(): Promise<void>;
}

/** Starts the parts; `handlers` is a CommonJS module whose exports become functions `gw-<export>`. */
export async function startApigwStack(handlers: string, exportNames: readonly string[]): Promise<ApigwStack> {
  const homeDir: TempDir = tempDir("apigw-stack");
  const home = homeDir.path;
  await chmod(home, 0o755);
  await writeFile(join(home, "index.js"), handlers, { mode: 0o644 });
  await writeFile(join(home, "package.json"), '{"type":"commonjs"}', { mode: 0o644 });
  const specs = exportNames.map((name) =>
    fixtureSpec("unused", `index.${name}`, { functionName: `gw-${name}`, codeDir: home }),
  );
  const engine: TestEngine = await testEngine(specs, { namespaces: false });
  const usageStore = SqliteUsagePlanStore.open({ path: join(home, "data", "haneul.db") });
  const ledger = new QuotaLedger({ store: usageStore, clock: systemClock, flushMs: 50 });
  const gateway = new Gateway({
    quota: ledger,
    invoker: engine.invoker,
    clock: systemClock,
    ids: randomIds,
    region: REGION,
    accountId: ACCOUNT,
  });
  const gatewayPort = await gateway.listen(0, "127.0.0.1");
  const store = SqliteApiStore.open({ path: join(home, "data", "haneul.db") });
  const service = new ApiService({
    store,
    clock: systemClock,
    ids: randomIds,
    region: REGION,
    accountId: ACCOUNT,
    publish: (apis) => gateway.setApis(apis),
  });
  await service.start();
  const usage = new UsagePlanService({
    ...{ store: usageStore, apis: store, clock: systemClock, ids: randomIds },
    publish: (snapshot) => gateway.setUsage(snapshot),
  });
  await usage.reload();
  ledger.start();
  const operations = [
    ...createApiGatewayOperations({
      service,
      apiEndpoint: (apiId) => `http://${apiId}.execute-api.localhost:${gatewayPort}`,
      region: REGION,
      tester: gateway,
    }),
    ...createUsagePlanOperations(usage),
  ];
  const server: ApiServer = createApiServer({
    operations,
    credentials: adminKey(AKID, SECRET, ACCOUNT),
    regions: [REGION],
    ids: randomIds,
    clock: systemClock,
  });
  const apiUrl = await server.listen(0, "127.0.0.1");
  return {
    apiUrl,
    gatewayPort,
    credentials: { accessKeyId: AKID, secretAccessKey: SECRET },
    functionArn: (name) => `arn:aws:lambda:us-east-1:000000000000:function:gw-${name}`,
    service,
    usage,
    ledger,
    home,
    async close() {
      await server.close();
      await gateway.close();
      await ledger.stop();
      await usageStore.close();
      await store.close();
      await engine.close();
      await homeDir.remove();
    },
  };
}

/** What one CLI run gave. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `aws <args>` against the stack; `extraEnv` adds to the CLI's environment (AWS_DATA_PATH …). */
export function awsCli(
  s: Pick<ApigwStack, "apiUrl" | "credentials" | "home">,
  args: readonly string[],
  extraEnv: Readonly<Record<string, string>> = {},
): Promise<CliResult> {
  const target = { endpoint: s.apiUrl, ...s.credentials, region: REGION, home: s.home };
  return runAwsCli(target, args, { env: extraEnv }).then((r) => ({ ...r, code: r.code ?? 1 }));
}

/** `aws apigateway <words…>` that must succeed; its JSON output (`{}` when it printed none). */
export async function apigateway<T = Record<string, unknown>>(s: ApigwStack, ...args: string[]): Promise<T> {
  const r = await awsCli(s, ["apigateway", ...args]);
  assert.equal(r.code, 0, `aws apigateway ${args.join(" ")} failed:\n${r.stderr}`);
  return (r.stdout.trim() ? JSON.parse(r.stdout) : {}) as T;
}

/** A gateway answer. */
export interface GatewayAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** One request through the gateway to `apiId`, addressed by Host. */
export function gatewayCall(
  port: number,
  apiId: string,
  o: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<GatewayAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path: o.path,
        method: o.method ?? "GET",
        headers: { host: `${apiId}.execute-api.localhost:${port}`, ...o.headers },
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end(o.body);
  });
}

/** The root resource id of a REST API. */
export async function rootOf(s: ApigwStack, apiId: string): Promise<string> {
  const r = await apigateway<{ items: { id: string; path: string }[] }>(s, "get-resources", "--rest-api-id", apiId);
  const root = r.items.find((x) => x.path === "/");
  assert.ok(root);
  return root.id;
}

/** A local HTTP backend for HTTP and HTTP_PROXY integrations. */
export interface Upstream {
  readonly server: Server;
  readonly port: number;
}

/** What reached an upstream: the request's path and headers. */
export interface UpstreamRequest {
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

/**
 * A backend that echoes what reached it, answers 404 under /missing and 503 under /broken;
 * `seen` is told of each request.
 */
export function startUpstream(seen?: (r: UpstreamRequest) => void): Promise<Upstream> {
  const server = createServer((req, res) => {
    seen?.({ url: req.url ?? "", headers: req.headers });
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const status = req.url?.startsWith("/missing") ? 404 : req.url?.startsWith("/broken") ? 503 : 200;
      res.writeHead(status, { "content-type": "application/json", "x-upstream": "yes" });
      res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body }));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const a = server.address();
      resolve({ server, port: typeof a === "object" && a ? a.port : 0 });
    }),
  );
}
