import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** The Lambda Runtime API's body limit for responses and errors. */
export const RUNTIME_API_MAX_BODY = 6291556;

/** An event handed out by `GET /invocation/next`. */
export interface RuntimeApiEvent {
  readonly requestId: string;
  readonly payload: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

/** What the runtime sent back for the current event or for its init phase. */
export type RuntimeApiReport =
  | { readonly kind: "next" }
  | { readonly kind: "chunk"; readonly requestId: string; readonly payload: Buffer; readonly contentType: string }
  | { readonly kind: "response"; readonly requestId: string; readonly payload: Buffer }
  | { readonly kind: "error"; readonly requestId: string; readonly payload: Buffer; readonly errorType: string }
  | { readonly kind: "init-error"; readonly payload: Buffer; readonly errorType: string };

const PREFIX = "/2018-06-01/runtime/";

function sendJson(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

function apiError(res: ServerResponse, status: number, errorType: string, errorMessage: string): void {
  sendJson(res, status, { errorMessage, errorType });
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * The Lambda Runtime API (2018-06-01) for one instance: a long-polled `next`, and `response`,
 * `error` and `init/error` posts, with AWS's status codes and error bodies.
 */
export class RuntimeApiServer {
  readonly #server: Server;
  /** A promise for a chunk: the body is read no further until it resolves (back-pressure). */
  readonly #onReport: (r: RuntimeApiReport) => Promise<void> | undefined;
  #parked: ServerResponse | undefined;
  #queued: RuntimeApiEvent | undefined;
  #current: string | undefined;

  constructor(onReport: (r: RuntimeApiReport) => Promise<void> | undefined) {
    this.#onReport = onReport;
    this.#server = createServer((req, res) => void this.#route(req, res));
    this.#server.keepAliveTimeout = 0;
  }

  /** Listens on 127.0.0.1 on a free port; resolves to `host:port` for AWS_LAMBDA_RUNTIME_API. */
  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
    return `127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Hands `event` to the runtime: now if it is waiting in `next`, else at its next poll. */
  deliver(event: RuntimeApiEvent): void {
    this.#current = event.requestId;
    const parked = this.#parked;
    if (parked) {
      this.#parked = undefined;
      this.#send(parked, event);
    } else this.#queued = event;
  }

  close(): void {
    this.#parked?.destroy();
    this.#server.closeAllConnections();
    this.#server.close();
  }

  #send(res: ServerResponse, event: RuntimeApiEvent): void {
    res.writeHead(200, { ...event.headers, "Content-Length": event.payload.length });
    res.end(event.payload);
  }

  async #route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? "";
    if (!url.startsWith(PREFIX)) return apiError(res, 404, "InvalidRequest", "Unknown path");
    const rest = url.slice(PREFIX.length);
    if (req.method === "GET" && rest === "invocation/next") return this.#next(res);
    if (req.method !== "POST") return apiError(res, 405, "InvalidRequest", "Method not allowed");
    if (req.headers["lambda-runtime-function-response-mode"] === "streaming") return this.#streamed(req, res, rest);
    const body = await readBody(req, RUNTIME_API_MAX_BODY);
    if (!body) {
      const msg = `Exceeded maximum allowed payload size (${RUNTIME_API_MAX_BODY} bytes).`;
      return apiError(res, 413, "RequestEntityTooLarge", msg);
    }
    const errorType = String(req.headers["lambda-runtime-function-error-type"] ?? "Unhandled");
    if (rest === "init/error") {
      sendJson(res, 202, { status: "OK" });
      return this.#onReport({ kind: "init-error", payload: body, errorType });
    }
    const m = /^invocation\/([^/]+)\/(response|error)$/.exec(rest);
    if (!m) return apiError(res, 404, "InvalidRequest", "Unknown path");
    const requestId = decodeURIComponent(m[1] ?? "");
    if (requestId !== this.#current) {
      if (this.#current === undefined && requestId) {
        return apiError(res, 403, "InvalidStateTransition", "State transition from Ready to InvocationResponse failed");
      }
      return apiError(res, 400, "InvalidRequestID", "Invalid request ID");
    }
    this.#current = undefined;
    sendJson(res, 202, { status: "OK" });
    if (m[2] === "response") void this.#onReport({ kind: "response", requestId, payload: body });
    else void this.#onReport({ kind: "error", requestId, payload: body, errorType });
  }

  /**
   * A streamed response: each chunk of the request body is reported as it arrives; the end, with
   * the error trailers if the function failed mid-stream, answers the invocation.
   */
  async #streamed(req: IncomingMessage, res: ServerResponse, rest: string): Promise<void> {
    const m = /^invocation\/([^/]+)\/response$/.exec(rest);
    const requestId = decodeURIComponent(m?.[1] ?? "");
    if (!m) return apiError(res, 404, "InvalidRequest", "Unknown path");
    if (requestId !== this.#current) return apiError(res, 400, "InvalidRequestID", "Invalid request ID");
    const contentType = String(req.headers["content-type"] ?? "application/octet-stream");
    let chunks = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      // The invocation may have ended meanwhile (its deadline): the rest is not its answer.
      if (this.#current !== requestId) continue;
      chunks++;
      // While it waits, the body is not read: the runtime's socket fills and its writes wait.
      const wait = this.#onReport({ kind: "chunk", requestId, payload: chunk, contentType });
      if (wait) await wait;
    }
    if (chunks === 0) void this.#onReport({ kind: "chunk", requestId, payload: Buffer.alloc(0), contentType });
    if (this.#current !== requestId) return apiError(res, 400, "InvalidRequestID", "Invalid request ID");
    this.#current = undefined;
    sendJson(res, 202, { status: "OK" });
    const errorType = req.trailers["lambda-runtime-function-error-type"];
    if (errorType === undefined) return this.#onReport({ kind: "response", requestId, payload: Buffer.alloc(0) });
    const body = Buffer.from(req.trailers["lambda-runtime-function-error-body"] ?? "", "base64");
    void this.#onReport({ kind: "error", requestId, payload: body, errorType });
  }

  #next(res: ServerResponse): void {
    void this.#onReport({ kind: "next" });
    const queued = this.#queued;
    if (queued) {
      this.#queued = undefined;
      return this.#send(res, queued);
    }
    this.#parked = res;
  }
}
