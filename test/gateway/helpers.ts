/**
 * Gateway test plumbing: a Gateway over a real engine (function processes), listening on port 0,
 * a count of invocations per function (from the invoker's records), access-log records, and a
 * node:http client that can set the Host header (fetch cannot).
 */
import { request as httpRequest, Agent, type IncomingHttpHeaders } from "node:http";
import { join } from "node:path";
import type { DeployedApi, DeployedAuthorizer, DeployedRoute } from "../../src/domain/deployed-api.js";
import type { FunctionSpec } from "../../src/domain/function-spec.js";
import { Gateway, type AccessLogRecord, type GatewayOptions } from "../../src/gateway/gateway.js";
import { systemClock } from "../../src/shared/clock.js";
import { randomIds } from "../../src/shared/ids.js";
import { fixtureSpec, testEngine, type TestEngine } from "../helpers/engine.js";
import { ROOT } from "../helpers/paths.js";

/** Plain-JS application fixtures (third-party frameworks and gateway handlers). */
export const APPS = join(ROOT, "test", "fixtures", "apps");

/** A function whose code is in test/fixtures/apps. */
export function appSpec(name: string, handler: string, overrides: Partial<FunctionSpec> = {}): FunctionSpec {
  return fixtureSpec("apps", handler, {
    functionName: name,
    functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    codeDir: APPS,
    ...overrides,
  });
}

export interface RouteOptions {
  readonly payload?: "1.0" | "2.0";
  readonly timeoutMs?: number;
  readonly authorizer?: DeployedAuthorizer;
  readonly scopes?: readonly string[];
}

/** A route to a function. */
export function route(routeKey: string, functionName: string, o: RouteOptions = {}): DeployedRoute {
  return {
    routeKey,
    integration: { functionName, payloadFormatVersion: o.payload ?? "2.0", timeoutMs: o.timeoutMs ?? 29_000 },
    authorizer: o.authorizer,
    authorizationScopes: o.scopes,
  };
}

/** An HTTP API with one `$default` stage (or the named stages given). */
export function httpApi(apiId: string, routes: DeployedRoute[], extra: Partial<DeployedApi> = {}): DeployedApi {
  return {
    apiId,
    name: apiId,
    protocol: "HTTP",
    stages: [{ stageName: "$default", variables: {}, deployment: { deploymentId: "d1", routes } }],
    binaryMediaTypes: [],
    ...extra,
  };
}

export interface RestExtra extends Partial<DeployedApi> {
  readonly stage?: string;
  readonly variables?: Record<string, string>;
  readonly deploymentId?: string;
}

/** A REST API with one stage (`Prod` unless named); routes are made 1.0. */
export function restApi(apiId: string, routes: DeployedRoute[], extra: RestExtra = {}): DeployedApi {
  const v1 = routes.map((r) => ({ ...r, integration: { ...r.integration, payloadFormatVersion: "1.0" as const } }));
  const { stage = "Prod", variables = {}, deploymentId = "d1", ...rest } = extra;
  return {
    apiId,
    name: apiId,
    protocol: "REST",
    stages: [{ stageName: stage, variables, deployment: { deploymentId, routes: v1 } }],
    binaryMediaTypes: [],
    ...rest,
  };
}

export interface Harness {
  readonly engine: TestEngine;
  readonly gateway: Gateway;
  readonly port: number;
  readonly logs: AccessLogRecord[];
  /** How many times a function has been invoked so far. */
  calls(functionName: string): number;
  close(): Promise<void>;
}

/** Starts an engine for `specs` and a gateway serving `apis`. */
export async function startGateway(
  specs: FunctionSpec[],
  apis: DeployedApi[],
  options: Partial<GatewayOptions> = {},
): Promise<Harness> {
  const counts = new Map<string, number>();
  const engine = await testEngine(specs, {
    // The apps do not bundle express, hono and the adapters: they come as a layer would.
    layerNodeModules: join(ROOT, "node_modules"),
    onRecord: (r) => counts.set(r.functionName, (counts.get(r.functionName) ?? 0) + 1),
  });
  const logs: AccessLogRecord[] = [];
  const gateway = new Gateway({
    invoker: engine.invoker,
    clock: systemClock,
    ids: randomIds,
    region: "us-east-1",
    accountId: "123456789012",
    onAccessLog: (r) => logs.push(r),
    ...options,
  });
  gateway.setApis(apis);
  const port = await gateway.listen(0, "127.0.0.1");
  return {
    engine,
    gateway,
    port,
    logs,
    calls: (name) => counts.get(name) ?? 0,
    async close() {
      await gateway.close();
      agent.destroy();
      await engine.close();
    },
  };
}

const agent = new Agent({ keepAlive: true, maxSockets: 16 });

export interface Sent {
  readonly method?: string;
  /** Host header; defaults to `<apiId>.execute-api.localhost` when `api` is given. */
  readonly host?: string;
  readonly api?: string;
  readonly headers?: Record<string, string | string[]>;
  readonly body?: string | Buffer;
}

/** Parsed JSON in assertions: any shape, read field by field. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary event JSON
export type AnyJson = any;

export interface Received {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly text: string;
  json(): AnyJson;
}

/** Sends one request to the gateway on `port`. */
export function send(port: number, path: string, s: Sent = {}): Promise<Received> {
  const host = s.host ?? (s.api ? `${s.api}.execute-api.localhost:${port}` : `127.0.0.1:${port}`);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: "127.0.0.1", port, path, method: s.method ?? "GET", headers: { host, ...s.headers }, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const body = Buffer.concat(chunks);
          const text = body.toString("utf8");
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            text,
            json: (): AnyJson => JSON.parse(text),
          });
        });
      },
    );
    req.on("error", reject);
    req.end(s.body);
  });
}
