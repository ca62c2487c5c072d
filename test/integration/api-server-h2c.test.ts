/**
 * The API port speaks HTTP/1.1 and HTTP/2 with prior knowledge (h2c) side by side: the same
 * operations, SigV4 (`:authority` signed in place of `host`), error shape and graceful close.
 */
import assert from "node:assert/strict";
import { request } from "node:http";
import { connect, type ClientHttp2Session, type IncomingHttpHeaders } from "node:http2";
import { after, before, describe, it } from "node:test";
import { createApiServer, type ApiServer } from "../../src/api/http-server.js";
import { systemClock } from "../../src/shared/clock.js";
import { randomIds } from "../../src/shared/ids.js";
import { adminKey, lambdaOp } from "../helpers/api-server.js";
import { lambdaSigner } from "../helpers/sigv4-signer.js";

const AKID = "AKIAHANEULTEST000003";
const SECRET = "h2cSecret";

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

async function signed(port: number, o: { body: Buffer; hostHeader: string }): Promise<Record<string, string>> {
  const s = await lambdaSigner(AKID, SECRET).sign({
    method: "POST",
    protocol: "http:",
    hostname: "127.0.0.1",
    port,
    path: "/echo",
    query: {},
    headers: { [o.hostHeader]: `127.0.0.1:${port}`, "content-length": String(o.body.length) },
    body: o.body,
  });
  return s.headers;
}

function http1(port: number, headers: Record<string, string>, body: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/echo", method: "POST", headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
      );
    });
    req.on("error", reject);
    req.end(body);
  });
}

function http2(session: ClientHttp2Session, headers: Record<string, string>, body: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ":method": "POST", ":path": "/echo", ...headers });
    const chunks: Buffer[] = [];
    let head: IncomingHttpHeaders = {};
    stream.on("response", (h) => (head = h));
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () =>
      resolve({ status: Number(head[":status"]), headers: head, body: Buffer.concat(chunks).toString() }),
    );
    stream.on("error", reject);
    stream.end(body);
  });
}

describe("API port: HTTP/1.1 and h2c", () => {
  let api: ApiServer;
  let port: number;
  let release: (() => void) | undefined;
  let started: (() => void) | undefined;
  before(async () => {
    api = createApiServer({
      operations: [
        lambdaOp({
          name: "Echo",
          method: "POST",
          path: "/echo",
          async handle(req) {
            if (req.body.toString() === "slow") {
              started?.();
              await new Promise<void>((r) => (release = r));
            }
            return { status: 200, body: { bytes: req.body.length, http2: req.headers[":authority"] !== undefined } };
          },
        }),
      ],
      credentials: adminKey(AKID, SECRET),
      regions: ["us-east-1"],
      ids: randomIds,
      clock: systemClock,
    });
    port = Number(new URL(await api.listen(0, "127.0.0.1")).port);
  });
  after(() => api.close(100));

  it("answers both protocols on one port, with the same signature checks and error shape", async () => {
    const small = Buffer.from("hello");
    const one = await http1(port, await signed(port, { body: small, hostHeader: "host" }), small);
    assert.equal(one.status, 200);
    assert.deepEqual(JSON.parse(one.body), { bytes: 5, http2: false });

    const session = connect(`http://127.0.0.1:${port}`);
    try {
      // A body larger than HTTP/2's initial flow-control window arrives whole.
      const big = Buffer.alloc(1024 * 1024, 7);
      const two = await http2(session, await signed(port, { body: big, hostHeader: ":authority" }), big);
      assert.equal(two.status, 200, two.body);
      assert.deepEqual(JSON.parse(two.body), { bytes: big.length, http2: true });
      assert.ok(two.headers["x-amzn-requestid"]);

      const refused = await http2(session, { "content-length": "5" }, small);
      assert.equal(refused.status, 403);
      assert.equal(refused.headers["x-amzn-errortype"], "MissingAuthenticationTokenException");
      const tampered = await signed(port, { body: small, hostHeader: ":authority" });
      const bad = await http2(session, tampered, Buffer.from("HELLO"));
      assert.equal(bad.status, 403);
      assert.equal(bad.headers["x-amzn-errortype"], "InvalidSignatureException");
      // The session survives refusals: a further request on it is answered.
      const again = await http2(session, await signed(port, { body: small, hostHeader: ":authority" }), small);
      assert.equal(again.status, 200);
    } finally {
      session.close();
    }
  });

  it("close lets an HTTP/2 request in flight finish, then ends the session", async () => {
    const session = connect(`http://127.0.0.1:${port}`);
    const closedSession = new Promise<void>((r) => session.once("close", () => r()));
    const running = new Promise<void>((r) => (started = r));
    const slow = Buffer.from("slow");
    const inFlight = http2(session, await signed(port, { body: slow, hostHeader: ":authority" }), slow);
    await running;
    const closing = api.close(5_000);
    release?.();
    const res = await inFlight;
    assert.equal(res.status, 200);
    await closing;
    await closedSession;
  });
});
