/**
 * x-haneul-resilience through a running gateway, against real upstream servers (node:http) that
 * fail, hang and recover: the circuit's states seen over HTTP in simulated time (ManualClock) and
 * once in real time, retries counted at the upstream, and the bulkhead filled by a hanging upstream.
 */
import assert from "node:assert/strict";
import { createServer, type Server, type ServerResponse } from "node:http";
import { after, before, describe, it } from "node:test";
import type { DeployedRoute } from "../../src/domain/deployed-api.js";
import { parseResiliencePolicy } from "../../src/domain/resilience-policy.js";
import { ManualClock, systemClock, type Clock } from "../../src/shared/clock.js";
import { freePort } from "../helpers/free-port.js";
import { waitUntil } from "../helpers/wait.js";
import { httpApi, restApi, send, startGateway, type Harness } from "./helpers.js";

type Mode = "ok" | "fail" | "hang";

/** A backend whose behaviour a test switches; it counts requests by method and keeps hung ones. */
class Upstream {
  mode: Mode = "ok";
  /** Fail this many requests (500) before answering 200, whatever the mode. */
  failFirst = 0;
  hits = 0;
  readonly methods: string[] = [];
  readonly hung: ServerResponse[] = [];
  readonly server: Server;
  port = 0;
  constructor() {
    this.server = createServer((req, res) => {
      req.resume();
      this.hits++;
      this.methods.push(req.method ?? "");
      if (this.failFirst > 0) {
        this.failFirst--;
        return void res.writeHead(500).end("boom");
      }
      if (this.mode === "hang") return void this.hung.push(res);
      if (this.mode === "fail") return void res.writeHead(500, { "content-type": "text/plain" }).end("boom");
      res.writeHead(200, { "content-type": "text/plain" }).end("fine");
    });
  }
  async start(): Promise<void> {
    this.port = await freePort();
    await new Promise<void>((resolve) => this.server.listen(this.port, "127.0.0.1", resolve));
  }
  /** Answers every hung request. */
  release(): void {
    for (const res of this.hung.splice(0)) res.writeHead(200).end("late");
  }
  async close(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function proxyRoute(routeKey: string, u: Upstream, resilience: unknown, timeoutMs = 29_000): DeployedRoute {
  const policy = parseResiliencePolicy(resilience);
  if ("error" in policy) throw new Error(policy.error);
  return {
    routeKey,
    integration: {
      type: "HTTP_PROXY",
      uri: `http://127.0.0.1:${u.port}/`,
      httpMethod: "ANY",
      timeoutMs,
      passthroughBehavior: "WHEN_NO_MATCH",
      requestParameters: {},
      requestTemplates: {},
      responses: [],
      resilience: policy,
    },
  };
}

interface Env {
  readonly up: Upstream;
  readonly gw: Harness;
  readonly events: string[];
}

async function start(clock: Clock, routes: (u: Upstream) => DeployedRoute[], protocol: "REST" | "HTTP" = "REST") {
  const up = new Upstream();
  await up.start();
  const events: string[] = [];
  const api = protocol === "REST" ? restApi("res", routes(up)) : httpApi("res", routes(up));
  const gw = await startGateway([], [api], {
    clock,
    random: () => 0.5,
    onResilienceEvent: (e) => events.push(e.kind === "state" ? `${e.from}->${e.to}` : e.kind),
  });
  return { up, gw, events } satisfies Env;
}

const get = (e: Env, path = "/Prod/x", method = "GET") => send(e.gw.port, path, { api: "res", method });

describe("circuit breaker in simulated time", () => {
  const clock = new ManualClock(1_700_000_000_000);
  let e: Env;
  before(async () => {
    e = await start(clock, (u) => [
      proxyRoute("GET /x", u, {
        circuitBreaker: { consecutiveFailures: 3, openMs: 10_000, halfOpenProbes: 2 },
      }),
    ]);
  });
  after(async () => {
    await e.gw.close();
    await e.up.close();
  });

  it("opens on a failing upstream, answers 503 without calling it, probes after openMs and closes on recovery", async () => {
    e.up.mode = "fail";
    for (let i = 0; i < 3; i++) assert.equal((await get(e)).status, 500, "the upstream's 500 passes through");
    assert.equal(e.up.hits, 3);
    const refused = await get(e);
    assert.equal(refused.status, 503);
    assert.equal(refused.text, '{"message": "Service Unavailable"}');
    assert.equal(refused.headers["x-amzn-errortype"], "ServiceUnavailableException");
    assert.equal(e.up.hits, 3, "an open circuit never calls the upstream");

    clock.advance(9_999);
    assert.equal((await get(e)).status, 503);
    clock.advance(1);
    // Half-open: a failing probe opens the circuit again for another openMs.
    assert.equal((await get(e)).status, 500);
    assert.equal(e.up.hits, 4);
    assert.equal((await get(e)).status, 503);

    e.up.mode = "ok";
    clock.advance(10_000);
    assert.equal((await get(e)).status, 200);
    assert.equal((await get(e)).status, 200);
    assert.equal((await get(e)).status, 200, "two good probes closed the circuit");
    assert.equal(e.up.hits, 7);
    assert.deepEqual(
      e.events.filter((x) => x.includes("->")),
      ["closed->open", "open->half-open", "half-open->open", "open->half-open", "half-open->closed"],
    );
    assert.equal(e.events.filter((x) => x === "rejected").length, 3);
  });
});

describe("a hanging upstream", () => {
  const clock = new ManualClock(1_700_000_000_000);
  let e: Env;
  before(async () => {
    e = await start(clock, (u) => [
      proxyRoute("GET /slow", u, { circuitBreaker: { consecutiveFailures: 1, openMs: 60_000 } }, 5_000),
      proxyRoute("GET /bulk", u, { bulkhead: { maxConcurrent: 2 } }),
    ]);
    e.up.mode = "hang";
  });
  after(async () => {
    await e.gw.close();
    await e.up.close();
  });

  it("times out on the integration timeout, which opens the circuit: the next request is refused at once", async () => {
    const pending = get(e, "/Prod/slow");
    await clock.waitForTimers(1);
    await waitUntil(() => e.up.hits === 1, "the upstream to hold the request", 30_000);
    clock.advance(5_000);
    const timedOut = await pending;
    assert.equal(timedOut.status, 504);
    assert.equal(timedOut.text, '{"message": "Endpoint request timed out"}');
    const refused = await get(e, "/Prod/slow");
    assert.equal(refused.status, 503);
    assert.equal(e.up.hits, 1);
    e.up.release();
  });

  it("a full bulkhead answers 429 at once while its requests hang, and takes requests again once they end", async () => {
    const before = e.up.hits;
    const held = [get(e, "/Prod/bulk"), get(e, "/Prod/bulk")];
    await waitUntil(() => e.up.hits === before + 2, "two requests held by the upstream", 30_000);
    const refused = await get(e, "/Prod/bulk");
    assert.equal(refused.status, 429);
    assert.equal(refused.headers["x-amzn-errortype"], "TooManyRequestsException");
    assert.equal(e.up.hits, before + 2, "the refused request never reached the upstream");
    e.up.release();
    assert.deepEqual(
      (await Promise.all(held)).map((r) => r.status),
      [200, 200],
    );
    e.up.mode = "ok";
    assert.equal((await get(e, "/Prod/bulk")).status, 200);
    assert.ok(e.events.includes("bulkhead-full"));
  });
});

describe("retries", () => {
  const clock = new ManualClock(1_700_000_000_000);
  let e: Env;
  before(async () => {
    const retry = { maxAttempts: 3, baseDelayMs: 0, minRetriesPerWindow: 4, budgetPercent: 20 };
    e = await start(
      clock,
      (u) => [proxyRoute("ANY /r", u, { retry }), proxyRoute("ANY /d", u, { retry: { ...retry, baseDelayMs: 100 } })],
      "HTTP",
    );
  });
  after(async () => {
    await e.gw.close();
    await e.up.close();
  });

  it("retries a failing GET up to maxAttempts and never a POST", async () => {
    e.up.mode = "fail";
    const failed = await get(e, "/r");
    assert.equal(failed.status, 500);
    assert.equal(e.up.hits, 3, "three attempts");
    assert.equal((await get(e, "/r", "POST")).status, 500);
    assert.equal(e.up.hits, 4, "one attempt: POST is not idempotent");
  });

  it("a retry that succeeds answers the success; the budget stops retries once spent", async () => {
    e.up.mode = "ok";
    e.up.failFirst = 1;
    const r = await get(e, "/r", "PUT");
    assert.equal(r.status, 200);
    assert.equal(r.text, "fine");
    // The window allows 4 + 20% of its 3 requests = 4 retries: 2 + 1 are spent, one remains.
    e.up.mode = "fail";
    const hits = e.up.hits;
    await get(e, "/r", "DELETE");
    assert.equal(e.up.hits - hits, 2, "one attempt and the budget's last retry");
  });

  it("waits a jittered delay on the clock between attempts", async () => {
    e.up.mode = "ok";
    e.up.failFirst = 1;
    clock.advance(20_000); // a fresh budget window
    const hits = e.up.hits;
    const pending = get(e, "/d");
    await waitUntil(() => e.up.hits === hits + 1, "the first attempt", 30_000);
    await clock.waitForTimers(1);
    assert.equal(e.up.hits, hits + 1, "the retry waits for its delay");
    clock.advance(50); // random 0.5 × 100 ms
    assert.equal((await pending).status, 200);
    assert.equal(e.up.hits, hits + 2);
  });
});

describe("circuit breaker in real time", () => {
  let e: Env;
  before(async () => {
    e = await start(systemClock, (u) => [
      // 3 s open: the refused request must come while the circuit is still open, which a loaded
      // machine can delay by hundreds of milliseconds.
      proxyRoute("GET /x", u, { circuitBreaker: { consecutiveFailures: 2, openMs: 3000 } }),
    ]);
  });
  after(async () => {
    await e.gw.close();
    await e.up.close();
  });

  it("opens, refuses while open, and closes once the upstream recovers after openMs", async () => {
    e.up.mode = "fail";
    await get(e);
    await get(e);
    const openedAt = performance.now();
    assert.equal((await get(e)).status, 503);
    e.up.mode = "ok";
    let status = 0;
    await waitUntilAsync(async () => (status = (await get(e)).status) === 200, 30_000);
    assert.ok(performance.now() - openedAt >= 2500, "not before the open time");
    assert.equal(status, 200);
    assert.ok(e.events.includes("half-open->closed"));
  });
});

async function waitUntilAsync(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out waiting for the circuit to close");
    await new Promise((r) => setTimeout(r, 20));
  }
}
