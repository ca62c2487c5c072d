/** The API server stops gracefully: in-flight requests finish, new ones are refused. */
import assert from "node:assert/strict";
import { request } from "node:http";
import { describe, it } from "node:test";
import { createApiServer } from "../../src/api/http-server.js";
import { systemClock } from "../../src/shared/clock.js";
import { randomIds } from "../../src/shared/ids.js";
import { adminKey, lambdaOp } from "../helpers/api-server.js";
import { lambdaSigner } from "../helpers/sigv4-signer.js";

const AKID = "AKIAHANEULTEST000002";
const SECRET = "lifecycleSecret";

function get(
  port: number,
  headers: Record<string, string>,
): Promise<{ status: number; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/slow", headers }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("ApiServer.close", () => {
  it("lets an in-flight request finish, then refuses connections", async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const api = createApiServer({
      operations: [
        lambdaOp({
          name: "Slow",
          method: "GET",
          path: "/slow",
          async handle() {
            started();
            await released;
            return { status: 200, body: { done: true } };
          },
        }),
      ],
      credentials: adminKey(AKID, SECRET),
      regions: ["us-east-1"],
      ids: randomIds,
      clock: systemClock,
    });
    const url = await api.listen(0, "127.0.0.1");
    const port = Number(new URL(url).port);
    const signed = await lambdaSigner(AKID, SECRET).sign({
      method: "GET",
      protocol: "http:",
      hostname: "127.0.0.1",
      port,
      path: "/slow",
      query: {},
      headers: { host: `127.0.0.1:${port}` },
    });
    const inFlight = get(port, signed.headers);
    await running;
    let closed = false;
    const closing = api.close().then(() => (closed = true));
    // Closing has begun once new connections are refused; it still waits for the request in flight
    // (which would otherwise fail with a reset, below).
    await assert.rejects(get(port, signed.headers), { code: "ECONNREFUSED" });
    assert.equal(closed, false, "close waits for the in-flight request");
    release();
    const res = await inFlight;
    assert.equal(res.status, 200);
    assert.equal(res.connection, "close");
    await closing;
  });
});
