/**
 * A RESPONSE_STREAM function URL: the function's chunks go to the HTTP client as they come. A
 * stream of type `application/vnd.awslambda.http-integration-response` opens with a JSON prelude
 * (statusCode, headers, cookies) and eight NUL bytes, as awslambda.HttpResponseStream.from writes
 * it; any other stream is the body itself, sent with its content type and status 200.
 */
import type { OutgoingHttpHeaders } from "node:http";
import { PassThrough } from "node:stream";
import type { InvokeResult, ResponseStreamSink } from "../../domain/invocation.js";
import { drainedOf } from "../drained.js";

const PRELUDE_TYPE = "application/vnd.awslambda.http-integration-response";
const DELIMITER = Buffer.alloc(8);
/** A prelude longer than this without its delimiter is not one. */
const MAX_PRELUDE_BYTES = 64 * 1024;

/** How the streamed answer begins: status and headers; the body follows on `body`. */
export interface StreamHead {
  readonly status: number;
  readonly headers: OutgoingHttpHeaders;
}

/** The status and headers of a prelude; undefined if it is not a JSON object. */
function parsePrelude(text: string, contentType: string): StreamHead | undefined {
  let prelude: unknown;
  try {
    prelude = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof prelude !== "object" || prelude === null) return undefined;
  const p = prelude as { statusCode?: unknown; headers?: unknown; cookies?: unknown };
  const headers: OutgoingHttpHeaders = {};
  if (typeof p.headers === "object" && p.headers !== null) {
    for (const [k, v] of Object.entries(p.headers as Record<string, unknown>)) headers[k.toLowerCase()] = String(v);
  }
  if (Array.isArray(p.cookies) && p.cookies.length > 0) headers["set-cookie"] = p.cookies.map(String);
  // As Lambda's URLs answer a prelude without a content type.
  headers["content-type"] ??= contentType === PRELUDE_TYPE ? "application/octet-stream" : contentType;
  const status = typeof p.statusCode === "number" ? p.statusCode : 200;
  return { status, headers };
}

/**
 * The sink an invocation streams into, the head once known (first chunk, or the prelude once its
 * delimiter came) and the body. A prelude that is not JSON ends the call as a failed one (502).
 */
export class UrlResponseStream implements ResponseStreamSink {
  readonly body = new PassThrough();
  readonly head: Promise<StreamHead | undefined>;
  #resolveHead: (head: StreamHead | undefined) => void = () => undefined;
  #headKnown = false;
  #prelude: Buffer[] | undefined;
  #broken = false;

  constructor() {
    this.head = new Promise((resolve) => (this.#resolveHead = resolve));
  }

  start(): void {}

  write(chunk: Buffer, contentType: string): boolean {
    if (this.#headKnown) return this.#out(chunk);
    if (contentType !== PRELUDE_TYPE) {
      this.#begin({ status: 200, headers: { "content-type": contentType } });
      return this.#out(chunk);
    }
    this.#prelude = this.#prelude ? [...this.#prelude, chunk] : [chunk];
    const all = Buffer.concat(this.#prelude);
    const at = all.indexOf(DELIMITER);
    if (at < 0) {
      if (all.length > MAX_PRELUDE_BYTES) this.#begin(undefined);
      return true;
    }
    this.#begin(parsePrelude(all.subarray(0, at).toString("utf8"), contentType));
    return all.length > at + DELIMITER.length ? this.#out(all.subarray(at + DELIMITER.length)) : true;
  }

  drained(): Promise<void> {
    return drainedOf(this.body);
  }

  /**
   * The call has ended: a body without trouble ends; one cut by an error (the function failed,
   * timed out or exceeded the size limit after the head went out) is broken off, as Lambda does.
   */
  finish(result: InvokeResult): void {
    const ok = result.outcome.kind === "ok";
    if (!this.#headKnown) {
      // Not a streaming handler (its result came whole), or a stream with no bytes.
      const payload = result.outcome.kind === "ok" ? result.outcome.payload : undefined;
      this.#begin(ok ? { status: 200, headers: { "content-type": "application/octet-stream" } } : undefined);
      if (payload && payload.length > 0) this.#out(payload);
    }
    // The bytes already sent still go out; the connection is broken off after them.
    this.#broken = !ok;
    this.body.end();
  }

  /** Whether the call failed after the head went out (the response must not end as complete). */
  get broken(): boolean {
    return this.#broken;
  }

  #begin(head: StreamHead | undefined): void {
    this.#headKnown = true;
    this.#prelude = undefined;
    this.#resolveHead(head);
  }

  /** False when the client has not taken what the body holds (a client gone takes everything). */
  #out(chunk: Buffer): boolean {
    return this.body.destroyed || this.body.write(chunk);
  }
}
