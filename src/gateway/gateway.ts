/**
 * The public HTTP listener for REST and HTTP APIs (the data plane). Route tables are compiled
 * once per `setApis()` and swapped in one assignment, so a request sees either the old or the
 * new set, never a mix, and no request touches the store.
 *
 * @example
 * const gw = new Gateway({ invoker, clock: systemClock, ids: randomIds, region: "us-east-1", accountId: "000000000000" });
 * gw.setApis(apis);
 * const port = await gw.listen(0, "127.0.0.1");
 */
import { randomBytes } from "node:crypto";
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { DeployedApi } from "../domain/deployed-api.js";
import type { UsageSnapshot } from "../domain/usage-plans.js";
import { ApiCompiler } from "./compile.js";
import type { CompiledApi } from "./model.js";
import type { GatewayOptions } from "./options.js";
import { ResilienceRegistry } from "./resilience/registry.js";
import { CANARY_PROBE_HEADER, CANARY_PROBE_MISSED, serve, type Served } from "./serve.js";
import {
  testInvokeAuthorizer,
  testInvokeMethod,
  type TestAuthorizerResult,
  type TestMethod,
  type TestMethodResult,
  type TestRequest,
} from "./test-invoke.js";
import { UsageLimits } from "./usage-limits.js";

export { apiUrls } from "./addressing.js";
export type { AccessLogRecord, GatewayOptions } from "./options.js";

/** Serves deployed APIs over HTTP. */
export class Gateway {
  readonly #o: GatewayOptions;
  readonly #compiler: ApiCompiler;
  #served: Served;
  #server: Server | undefined;
  readonly #targets: ResilienceRegistry;

  constructor(options: GatewayOptions) {
    this.#o = options;
    this.#compiler = new ApiCompiler(options);
    this.#targets = new ResilienceRegistry({
      clock: options.clock,
      random: options.random ?? Math.random,
      onEvent: options.onResilienceEvent,
    });
    this.#served = {
      apis: new Map<string, CompiledApi>(),
      usage: new UsageLimits({ keys: [], plans: [], planKeys: [] }),
      // Access log lines of this node go to one stream per log group, named by an id as API Gateway's are.
      // (not drawn from `ids`, so that seeded request ids stay the same with or without access logs).
      accessLogStream: randomBytes(16).toString("hex"),
      canaryProbeSecret: randomBytes(16).toString("hex"),
    };
  }

  /** Replaces the served APIs. Throws (leaving the old set in place) when an API does not compile. */
  setApis(apis: readonly DeployedApi[]): void {
    const live = new Set(apis.map((a) => a.apiId));
    const compiled = this.#targets.rebuild((targets) => this.#compiler.compile(apis, targets), live);
    this.#served = { ...this.#served, apis: compiled };
  }

  /** Replaces the API keys and usage plans (the buckets of unchanged throttles go on). */
  setUsage(snapshot: UsageSnapshot): void {
    this.#served = { ...this.#served, usage: new UsageLimits(snapshot, this.#served.usage) };
  }

  /** TestInvokeMethod: the method's integration run for a simulated request, with its execution log. */
  testMethod(method: TestMethod, request: TestRequest): Promise<TestMethodResult> {
    return testInvokeMethod(this.#o, method, request);
  }

  /** TestInvokeAuthorizer: the authorizer's function called past its cache, with its execution log. */
  testAuthorizer(
    target: Parameters<typeof testInvokeAuthorizer>[1],
    request: TestRequest,
  ): Promise<TestAuthorizerResult> {
    return testInvokeAuthorizer(this.#o, target, request);
  }

  /**
   * Sends one request to `stage` of REST API `apiId` through this gateway's listener, pinned to the
   * stage's canary deployment `deploymentId` (a stage canary's test event); resolves to the answer's
   * status, or undefined when the stage's canary no longer serves that deployment. Rejects when the
   * gateway does not listen or the answer does not come within `timeoutMs`.
   */
  probeCanary(p: {
    apiId: string;
    stage: string;
    deploymentId: string;
    method: string;
    /** Below the stage, with the query string. */
    path: string;
    headers: Readonly<Record<string, string>>;
    body: Buffer | undefined;
    timeoutMs?: number;
  }): Promise<number | undefined> {
    const address = this.#server?.address();
    if (!address || typeof address === "string") return Promise.reject(new Error("the gateway does not listen"));
    const host = address.address === "0.0.0.0" ? "127.0.0.1" : address.address === "::" ? "::1" : address.address;
    const headers: Record<string, string | number> = {
      ...p.headers,
      [CANARY_PROBE_HEADER]: `${this.#served.canaryProbeSecret} ${p.deploymentId}`,
      "content-length": p.body?.length ?? 0,
    };
    const path = `/_api/${encodeURIComponent(p.apiId)}/${encodeURIComponent(p.stage)}${p.path}`;
    return new Promise((resolve, reject) => {
      const req = request({ host, port: address.port, method: p.method, path, headers, agent: false }, (res) => {
        res.resume();
        res.on("error", reject);
        res.on("end", () => resolve(res.headers[CANARY_PROBE_MISSED] ? undefined : res.statusCode));
      });
      req.setTimeout(p.timeoutMs ?? 60_000, () => req.destroy(new Error("the canary probe timed out")));
      req.on("error", reject);
      req.end(p.body);
    });
  }

  /** A node:http request listener, for mounting the gateway on a server of one's own. */
  readonly handler = (req: IncomingMessage, res: ServerResponse): void => {
    if (this.#o.serveFirst?.(req, res) === true) return;
    serve(this.#served, this.#o, req, res);
  };

  /** Starts listening; resolves with the bound port (pass 0 for any free port). */
  async listen(port: number, host = "127.0.0.1"): Promise<number> {
    const server = createServer({ keepAlive: true }, this.handler);
    // Clients such as load balancers and wrk keep connections open between requests.
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    return (server.address() as AddressInfo).port;
  }

  /** Stops accepting requests and closes idle keep-alive connections. */
  async close(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  }
}
