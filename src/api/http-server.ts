import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from "node:http";
import {
  createServer as createH2cServer,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type Http2Session,
} from "node:http2";
import type { AddressInfo } from "node:net";
import { pipeline } from "node:stream";
import type { Clock } from "../shared/clock.js";
import { PlatformError, isPlatformError } from "../shared/errors.js";
import type { IdSource } from "../shared/ids.js";
import { checkAccess } from "./access-check.js";
import { createDualServer } from "./h2c.js";
import { ClientAbortedError, readBody } from "./read-body.js";
import { Router } from "./router.js";
import { beginSigV4, sha256Hex, type CredentialLookup, type PendingSignature } from "./sigv4.js";
import type { ApiRequest, ApiResponse, Caller, Operation } from "./types.js";

/** Largest body an operation accepts unless it says otherwise: Lambda's 6 MB synchronous payload limit. */
export const DEFAULT_MAX_BODY_BYTES = 6 * 1024 * 1024;

/** What the API server is built from. */
export interface ApiServerOptions {
  readonly operations: readonly Operation[];
  /** The keys the node accepts and who signs with each (SigV4 is checked before anything runs). */
  readonly credentials: CredentialLookup<Caller>;
  /** Regions a signature may be scoped to: the node's own and the extra ones it is configured to serve. */
  readonly regions: readonly string[];
  readonly ids: IdSource;
  /** The time signatures are checked against. */
  readonly clock: Clock;
  readonly defaultMaxBodyBytes?: number;
  /** Files anyone may GET without a signature (SNS's signing certificate); undefined: not one of them. */
  readonly publicFiles?: ((path: string) => Promise<ApiResponse | undefined>) | undefined;
  /** Where unexpected errors are reported (their details never reach the client). */
  readonly logError?: (message: string, error: unknown) => void;
}

/** A running rest-json API server. */
export interface ApiServer {
  readonly server: Server;
  /** Starts listening; resolves to the base URL (`http://host:port`). */
  listen(port: number, host: string): Promise<string>;
  /** Stops accepting, lets in-flight requests finish (forcing them after `graceMs`), then closes. */
  close(graceMs?: number): Promise<void>;
}

// AWS names Invoke by its older internal name in the 413 message.
const LIMIT_NAMES: Readonly<Record<string, string>> = { Invoke: "InvokeFunction" };

/**
 * Creates the HTTP server of the AWS-compatible control API: routes by method and path template,
 * reads the body within the operation's limit, verifies SigV4, runs the operation and answers in
 * AWS's shape (x-amzn-RequestId on every response, x-amzn-ErrorType and a JSON body on errors).
 */
export function createApiServer(options: ApiServerOptions): ApiServer {
  const router = new Router(groupRoutes(options.operations.filter((o) => !o.ownRoutes)));
  // A service whose paths would collide with others' (S3's `/{Bucket}/{Key+}`) is routed on its own,
  // chosen by the service its signature is scoped to.
  const ownRouters = new Map<string, Router<Operation[]>>();
  for (const service of new Set(options.operations.filter((o) => o.ownRoutes).map((o) => o.service))) {
    ownRouters.set(service, new Router(groupRoutes(options.operations.filter((o) => o.service === service))));
  }
  const defaultMax = options.defaultMaxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const logError = options.logError ?? defaultLogError;
  const { credentials, ids, clock } = options;
  const nodeRegions = new Set(options.regions);
  const regionsOf = new Map<Operation, ReadonlySet<string>>();
  for (const op of options.operations) {
    regionsOf.set(op, op.signingRegions ? new Set([...nodeRegions, ...op.signingRegions]) : nodeRegions);
  }
  const keyCache = new Map<string, Buffer>();
  // The peer of an HTTP/2 request: its session's socket is the relay, which has no address.
  const h2Peers = new WeakMap<object, string>();
  let inFlight = 0;
  let closing = false;
  let drained: (() => void) | undefined;

  async function handle(req: IncomingMessage, res: ServerResponse, x: Exchange): Promise<void> {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q < 0 ? url : url.slice(0, q);
    const query = q < 0 ? "" : url.slice(q + 1);
    const method = req.method ?? "GET";
    const file = method === "GET" && options.publicFiles ? await options.publicFiles(path) : undefined;
    if (file !== undefined) return sendResponse(res, x.requestId, file, closing && !x.h2);
    const service = ownRouters.size ? scopeService(req.headers.authorization, query) : undefined;
    const match = ((service !== undefined && ownRouters.get(service)) || router).match(method, path);
    const op = match && pickOperation(match.value, req.headers.authorization, query);
    x.op = op;
    const now = clock.now();
    const head = { method, path, query, headers: req.headers };
    // Everything the headers can prove is checked before a byte of the body is read.
    const scope = op && { service: op.service, regions: regionsOf.get(op) ?? nodeRegions };
    const pending = beginSigV4(head, credentials, { now, scope, keyCache });
    const limit = op?.maxBodyBytes ?? defaultMax;
    // A declared body hash lets the signature be checked before the body is read, too.
    if (pending.declaredHash !== undefined) pending.verify(pending.declaredHash);
    x.bodyRead = true;
    const body = await readBody(req, limit);
    if (body === undefined) {
      const name = op ? (LIMIT_NAMES[op.name] ?? op.name) : "requested";
      const message = `Request must be smaller than ${limit} bytes for the ${name} operation`;
      throw new PlatformError("ERR_REQUEST_TOO_LARGE", message);
    }
    verifyPayload(pending, body);
    if (match === undefined || op === undefined) throw new PlatformError("ERR_UNKNOWN_OPERATION", "Unknown operation");
    const apiRequest: ApiRequest = {
      method,
      path,
      params: match.params,
      query: new URLSearchParams(query),
      headers: req.headers,
      body,
      requestId: x.requestId,
      caller: pending.caller,
      region: pending.region,
    };
    const sourceIp = sourceIpOf(x.h2 ? h2Peers.get(req) : req.socket.remoteAddress);
    await checkAccess(op, apiRequest, { now, sourceIp, region: pending.region });
    sendResponse(res, x.requestId, await op.handle(apiRequest), closing && !x.h2);
  }

  function onRequest(req: IncomingMessage, res: ServerResponse, h2: boolean): void {
    inFlight++;
    const x: Exchange = { requestId: ids.requestId(), op: undefined, bodyRead: false, headers: req.headers, h2 };
    res.once("close", () => {
      if (--inFlight === 0 && drained) drained();
    });
    handle(req, res, x).catch((e: unknown) => {
      if (e instanceof ClientAbortedError) return void res.destroy();
      if (!isPlatformError(e)) logError(`unexpected error in ${req.method} ${req.url} (${x.requestId})`, e);
      // A refused request's body is never read: the connection closes after the answer.
      sendError(res, x, toPlatformError(e), !x.h2 && (closing || !x.bodyRead));
      // An HTTP/2 stream ends once its request side is consumed too: the unread body is dropped.
      if (x.h2 && !x.bodyRead) req.resume();
    });
  }

  const server = createServer({ keepAlive: true, noDelay: true }, (req, res) => onRequest(req, res, false));
  // HTTP/2 requests take the same path: the compatibility API has the members `handle` uses.
  const h2 = createH2cServer((req: Http2ServerRequest, res: Http2ServerResponse) => {
    h2Peers.set(req, front.sessions.get(req.stream.session as Http2Session) ?? "");
    onRequest(req as unknown as IncomingMessage, res as unknown as ServerResponse, true);
  });
  const front = createDualServer(server, h2); // Longer than the SDKs' idle socket lifetime, so a client never reuses a socket the server just closed.
  server.keepAliveTimeout = 65_000;

  return {
    server,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        const listener = front.listener;
        listener.once("error", reject);
        listener.listen(port, host, () => {
          listener.off("error", reject);
          // The HTTP/1.1 server does not listen itself: this starts its connection tracking
          // (idle connections, header and request timeouts) as listening would.
          server.emit("listening");
          const address = listener.address() as AddressInfo;
          const shown = address.family === "IPv6" ? `[${address.address}]` : address.address;
          resolve(`http://${shown}:${address.port}`);
        });
      });
    },
    async close(graceMs = 10_000) {
      closing = true;
      const closed = new Promise<void>((resolve) => front.listener.close(() => resolve()));
      // Closes idle HTTP/1.1 connections and stops the tracking timer (the server itself never listened).
      server.close(() => undefined);
      // An HTTP/2 session finishes its open streams, then closes.
      for (const session of front.sessions.keys()) session.close();
      if (inFlight > 0) {
        const settled = new Promise<void>((resolve) => (drained = resolve));
        let timer: NodeJS.Timeout | undefined;
        const forced = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
        await Promise.race([settled, forced]);
        clearTimeout(timer);
      }
      server.closeAllConnections();
      for (const session of front.sessions.keys()) session.destroy();
      await closed;
    },
  };
}

function sendResponse(res: ServerResponse, requestId: string, response: ApiResponse, closing: boolean): void {
  if (response.stream) return sendStream(res, requestId, response, closing);
  const headers: OutgoingHttpHeaders = { "x-amzn-RequestId": requestId };
  let payload: Buffer | string | undefined;
  const body = response.body;
  if (body !== undefined && response.status !== 204 && response.status !== 304) {
    payload = typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    headers["Content-Type"] = "application/json";
    headers["Content-Length"] = typeof payload === "string" ? Buffer.byteLength(payload) : payload.length;
  } else if (response.status !== 204 && response.status !== 304) {
    headers["Content-Length"] = 0;
  }
  if (response.headers) Object.assign(headers, response.headers);
  if (closing) headers["Connection"] = "close";
  res.writeHead(response.status, headers);
  res.end(payload);
}

/** A streamed body: the headers now, each chunk as it comes; a client that leaves ends the stream. */
function sendStream(res: ServerResponse, requestId: string, response: ApiResponse, closing: boolean): void {
  const headers: OutgoingHttpHeaders = { "x-amzn-RequestId": requestId, ...response.headers };
  if (closing) headers["Connection"] = "close";
  res.writeHead(response.status, headers);
  res.flushHeaders();
  pipeline(response.stream as NodeJS.ReadableStream, res, () => undefined);
}

function sendError(res: ServerResponse, x: Exchange, e: PlatformError, closing: boolean): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const requestId = x.requestId;
  if (x.op?.renderError) {
    const r = x.op.renderError(e, requestId, x.headers);
    sendResponse(
      res,
      requestId,
      { ...r, headers: { ...r.headers, ...(closing ? { Connection: "close" } : {}) } },
      closing,
    );
    return;
  }
  const status = e.status;
  const payload = JSON.stringify({ Type: status >= 500 ? "Service" : "User", message: e.message, ...e.fields });
  const headers: OutgoingHttpHeaders = {
    "x-amzn-RequestId": requestId,
    "x-amzn-ErrorType": e.awsType,
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(payload),
  };
  if (!x.h2 && (closing || e.code === "ERR_REQUEST_TOO_LARGE")) headers["Connection"] = "close";
  res.writeHead(status, headers);
  res.end(payload);
}

function toPlatformError(e: unknown): PlatformError {
  if (isPlatformError(e)) return e;
  return new PlatformError("ERR_SERVICE", "The AWS Lambda service encountered an internal error.");
}

function defaultLogError(message: string, error: unknown): void {
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`haneul api: ${message}: ${detail}\n`);
}

/** Per-request state the error path needs. */
interface Exchange {
  readonly requestId: string;
  op: Operation | undefined;
  bodyRead: boolean;
  /** The request's headers: a service speaking two protocols answers errors in the caller's. */
  readonly headers: IncomingHttpHeaders;
  /** HTTP/2: no connection-specific header (`Connection: close`) may be sent. */
  readonly h2: boolean;
}

/** Operations sharing a method and path (query-protocol services all POST to `/`) form one route. */
function groupRoutes(operations: readonly Operation[]): { method: string; path: string; value: Operation[] }[] {
  const groups = new Map<string, { method: string; path: string; value: Operation[] }>();
  for (const op of operations) {
    const key = `${op.method} ${op.path}`;
    const group = groups.get(key);
    if (group) group.value.push(op);
    else groups.set(key, { method: op.method, path: op.path, value: [op] });
  }
  return [...groups.values()];
}

const SCOPE_SERVICE = /Credential=[^/\s,]*\/\d{8}\/[^/\s,]*\/([^/\s,]+)\//;

/** Of the operations on one route, the one whose service the signature names (else the first). */
function pickOperation(
  ops: readonly Operation[],
  authorization: string | undefined,
  query: string,
): Operation | undefined {
  if (ops.length === 1) return ops[0];
  const service = scopeService(authorization, query);
  return ops.find((op) => op.service === service) ?? ops[0];
}

/** The service a request's signature (header or presigned query) is scoped to. */
function scopeService(authorization: string | undefined, query: string): string | undefined {
  return SCOPE_SERVICE.exec(authorization ?? query.replaceAll("%2F", "/").replaceAll("%2f", "/"))?.[1];
}

function verifyPayload(pending: PendingSignature<Caller>, body: Buffer): void {
  pending.verify(sha256Hex(body));
}

function sourceIpOf(address: string | undefined): string {
  const ip = address ?? "";
  return ip.startsWith("::ffff:") ? ip.slice(7) : ip;
}
