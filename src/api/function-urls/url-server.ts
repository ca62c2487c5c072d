/**
 * The data plane of function URLs, on the gateway's port: address → URL → (CORS preflight) →
 * authorization (NONE or AWS_IAM) → body → payload 2.0 event → invoke → the function's answer
 * (payload 2.0 response mapping) with the URL's CORS headers. Answered from memory: the URL
 * table and compiled resource policies (re-read after the function changes).
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { Readable } from "node:stream";
import type { FunctionUrlService } from "../../control/index.js";
import { mapResponseV2 } from "../../gateway/index.js";
import type { CompiledPolicy } from "../../iam/index.js";
import type { FunctionUrlRecord } from "../../ports/function-url-store.js";
import type { InvokeService } from "../../ports/invoke-service.js";
import type { Clock } from "../../shared/clock.js";
import type { IdSource } from "../../shared/ids.js";
import { ClientAbortedError, readBody } from "../read-body.js";
import type { CredentialLookup } from "../sigv4.js";
import type { Caller } from "../types.js";
import { resolveUrl } from "./url-address.js";
import {
  beginIamSignature,
  compileResourcePolicy,
  finishIamSignature,
  publicAccessAllowed,
  type UrlTarget,
} from "./url-auth.js";
import { applyCors, isPreflight, preflightHeaders } from "./url-cors.js";
import { buildUrlEvent, type IamCaller, type UrlRequest } from "./url-event.js";
import { UrlResponseStream } from "./url-stream.js";

/** Lambda's synchronous payload limit, for the request event and the response. */
export const URL_PAYLOAD_BYTES = 6 * 1024 * 1024;

export interface FunctionUrlServerOptions {
  readonly urls: FunctionUrlService;
  readonly invoker: InvokeService;
  /** The keys the node accepts (AWS_IAM URLs). */
  readonly credentials: CredentialLookup<Caller>;
  /** A function's (or alias's) resource-based policy text, or undefined when it has none. */
  readonly policyText: (functionName: string, qualifier: string | undefined) => Promise<string | undefined>;
  /** Real time: signatures and the event's timestamps. */
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly region: string;
  readonly accountId: string;
  /** Regions a signature may be scoped to. */
  readonly regions: readonly string[];
}

/** A plain answer: status, headers and body (or, for RESPONSE_STREAM URLs, a body sent as it comes). */
interface Answer {
  status: number;
  headers: OutgoingHttpHeaders;
  body: Buffer;
  stream?: Readable;
  /** For a stream: whether it ended cut short by an error (the connection is then broken off). */
  broken?: () => boolean;
}

const json = (status: number, body: string): Answer => ({
  status,
  headers: { "content-type": "application/json" },
  body: Buffer.from(body),
});
const FORBIDDEN = () => json(403, '{"Message":"Forbidden"}');
const TOO_LARGE = () => json(413, '{"Message":"Request Entity Too Large"}');
const THROTTLED = () => json(429, '{"Message":"Rate Exceeded."}');
const FUNCTION_FAILED = () => json(502, '{"Message":"Internal Server Error"}');

/** Serves function URLs; `handle` takes the requests that address one. */
export class FunctionUrlServer {
  readonly #o: FunctionUrlServerOptions;
  readonly #regions: ReadonlySet<string>;
  readonly #policies = new Map<string, Promise<CompiledPolicy | undefined>>();

  constructor(options: FunctionUrlServerOptions) {
    this.#o = options;
    this.#regions = new Set(options.regions);
  }

  /** Serves `req` when it addresses a function URL (true), else leaves it alone (false). */
  readonly handle = (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const address = resolveUrl(req.headers.host, q < 0 ? url : url.slice(0, q));
    if (!address) return false;
    const requestId = this.#o.ids.requestId();
    this.#serve(req, { urlId: address.urlId, path: address.path, rawQuery: q < 0 ? "" : url.slice(q + 1), requestId })
      .catch((e: unknown) => {
        if (e instanceof ClientAbortedError) return undefined;
        return FUNCTION_FAILED();
      })
      .then(
        (answer) => (answer ? send(res, requestId, answer) : res.destroy()),
        () => res.destroy(),
      );
    return true;
  };

  /** Forgets a function's compiled policies (its permissions may have changed). */
  forget(functionName: string): void {
    for (const key of this.#policies.keys()) if (key.startsWith(`${functionName}\u0000`)) this.#policies.delete(key);
  }

  async #serve(
    req: IncomingMessage,
    a: { urlId: string; path: string; rawQuery: string; requestId: string },
  ): Promise<Answer> {
    const record = this.#o.urls.byId(a.urlId);
    if (!record) return FORBIDDEN();
    const method = req.method ?? "GET";
    if (record.cors && isPreflight(method, req.headers)) {
      return { status: 200, headers: preflightHeaders(record.cors, req.headers), body: Buffer.alloc(0) };
    }
    const target = await this.#target(record);
    const now = this.#o.clock.now();
    const pending =
      record.authType === "AWS_IAM"
        ? beginIamSignature(req, { credentials: this.#o.credentials, now, regions: this.#regions })
        : undefined;
    if (record.authType === "AWS_IAM" ? !pending : !publicAccessAllowed(target))
      return withConnectionClose(FORBIDDEN());
    const body = await readBody(req, URL_PAYLOAD_BYTES);
    if (!body) return withConnectionClose(TOO_LARGE());
    let caller: IamCaller | undefined;
    if (pending) {
      caller = finishIamSignature(pending, body, target);
      if (!caller) return FORBIDDEN();
    }
    const request: UrlRequest = {
      urlId: a.urlId,
      method,
      path: a.path,
      rawQuery: a.rawQuery,
      rawHeaders: req.rawHeaders,
      contentType: req.headers["content-type"],
      userAgent: req.headers["user-agent"] ?? "",
      body,
      sourceIp: sourceIp(req),
      port: req.socket.localPort ?? 0,
      domainName: domainOf(req.headers.host, a.urlId, this.#o.region),
      requestId: a.requestId,
      timeEpoch: now,
      traceHeader: `Root=1-${Math.floor(now / 1000).toString(16)}-${this.#o.ids.hex(12)};Sampled=0`,
    };
    const answer = await this.#invoke(record, buildUrlEvent(request, this.#o.accountId, caller));
    if (record.cors) applyCors(record.cors, req.headers.origin, answer.headers);
    return answer;
  }

  async #invoke(record: FunctionUrlRecord, event: Record<string, unknown>): Promise<Answer> {
    const payload = Buffer.from(JSON.stringify(event));
    if (payload.length > URL_PAYLOAD_BYTES) return TOO_LARGE();
    const target = { functionName: record.functionName, qualifier: record.qualifier || undefined };
    if (record.invokeMode === "RESPONSE_STREAM") return this.#stream(target, payload);
    const { outcome } = await this.#o.invoker.invoke(target, payload);
    if (outcome.kind === "throttled") return THROTTLED();
    if (outcome.kind !== "ok" || outcome.payload.length > URL_PAYLOAD_BYTES) return FUNCTION_FAILED();
    return mapResponseV2(outcome.payload) ?? FUNCTION_FAILED();
  }

  /** RESPONSE_STREAM: the head once the function's first bytes (or its prelude) came, then the body as it comes. */
  async #stream(target: { functionName: string; qualifier: string | undefined }, payload: Buffer): Promise<Answer> {
    const response = new UrlResponseStream();
    const done = this.#o.invoker.invoke(target, payload, { responseStream: response });
    done.then(
      (result) => response.finish(result),
      () => response.body.destroy(),
    );
    const first = await Promise.race([response.head, done]);
    if (first && "outcome" in first && first.outcome.kind === "throttled") return THROTTLED();
    const head = await response.head;
    if (!head) {
      response.body.destroy();
      return FUNCTION_FAILED();
    }
    const broken = () => response.broken;
    return { status: head.status, headers: head.headers, body: EMPTY_BODY, stream: response.body, broken };
  }

  #target(record: FunctionUrlRecord): Promise<UrlTarget> {
    const key = `${record.functionName}\u0000${record.qualifier}`;
    let policy = this.#policies.get(key);
    if (!policy) {
      policy = this.#o
        .policyText(record.functionName, record.qualifier || undefined)
        .then(compileResourcePolicy)
        .catch(() => undefined);
      this.#policies.set(key, policy);
    }
    const { region, accountId } = this.#o;
    const base = `arn:aws:lambda:${region}:${accountId}:function:${record.functionName}`;
    const functionArn = record.qualifier ? `${base}:${record.qualifier}` : base;
    return policy.then((p) => ({ functionArn, authType: record.authType, policy: p }));
  }
}

function withConnectionClose(a: Answer): Answer {
  // The body was not read: the connection closes after the answer.
  a.headers["connection"] = "close";
  return a;
}

const EMPTY_BODY = Buffer.alloc(0);

/** A streamed answer: chunked, each chunk on its way as it comes; an error mid-stream breaks the connection off. */
function sendStream(res: ServerResponse, requestId: string, a: Answer, stream: Readable): void {
  a.headers["x-amzn-RequestId"] = requestId;
  try {
    res.writeHead(a.status, a.headers);
  } catch {
    stream.destroy();
    return send(res, requestId, FUNCTION_FAILED());
  }
  res.flushHeaders();
  stream.pipe(res, { end: false });
  // Cut short: the bytes already written go out (end, not destroy, of the socket), the closing chunk does not.
  stream.once("end", () => (a.broken?.() ? breakOff(res) : res.end()));
  stream.once("error", () => res.destroy());
  res.once("close", () => stream.destroy());
}

function breakOff(res: ServerResponse): void {
  const socket = res.socket;
  if (!socket) return void res.destroy();
  // The last chunks may still be corked until the next tick (Node.js 24 then drops them on an
  // immediate end): end the socket once they are written. An empty write adds no chunk framing.
  res.write("", () => socket.end());
}

function send(res: ServerResponse, requestId: string, a: Answer): void {
  if (a.stream) return sendStream(res, requestId, a, a.stream);
  const h = a.headers;
  h["x-amzn-RequestId"] = requestId;
  h["content-length"] = a.body.length;
  try {
    res.writeHead(a.status, h);
    res.end(a.body);
  } catch {
    // A header the function set that HTTP cannot carry.
    if (!res.headersSent) {
      const f = FUNCTION_FAILED();
      res.writeHead(f.status, { ...f.headers, "x-amzn-RequestId": requestId, "content-length": f.body.length });
      res.end(f.body);
    }
  }
}

function sourceIp(req: IncomingMessage): string {
  const ip = req.socket.remoteAddress ?? "";
  return ip.startsWith("::ffff:") ? ip.slice(7) : ip;
}

/** The host without its port; the path form reports the host-based name the URL also has. */
function domainOf(host: string | undefined, urlId: string, region: string): string {
  const name = host?.startsWith(urlId) ? host : undefined;
  if (name === undefined) return `${urlId}.lambda-url.${region}.localhost`;
  const colon = name.indexOf(":");
  return colon < 0 ? name : name.slice(0, colon);
}
