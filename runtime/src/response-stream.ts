/**
 * Response streaming as the AWS Node.js runtime offers it: the global `awslambda` with
 * `streamifyResponse(handler, options)` and `HttpResponseStream.from(stream, prelude)`, and the
 * Writable a streaming handler receives (`setContentType` before the first write).
 */
import { Writable } from "node:stream";

/** The RIC's marker on a handler made with streamifyResponse (its value is "response"). */
export const HANDLER_STREAMING = Symbol.for("aws.lambda.runtime.handler.streaming");
const HANDLER_HIGHWATERMARK = Symbol.for("aws.lambda.runtime.handler.streaming.highWaterMark");
const STREAM_RESPONSE = "response";
const DEFAULT_CONTENT_TYPE = "application/octet-stream";
const METADATA_PRELUDE_CONTENT_TYPE = "application/vnd.awslambda.http-integration-response";
/** Eight NUL bytes end the JSON prelude of an http-integration-response. */
const DELIMITER_LEN = 8;

type Marked = Record<symbol, unknown>;

/** Whether `handler` was made with awslambda.streamifyResponse. */
export function isStreamingHandler(handler: unknown): boolean {
  return typeof handler === "function" && (handler as unknown as Marked)[HANDLER_STREAMING] === STREAM_RESPONSE;
}

/** The Writable's buffer size the handler asked for, if any. */
export function streamingHighWaterMark(handler: unknown): number | undefined {
  const v = (handler as Marked)[HANDLER_HIGHWATERMARK];
  return typeof v === "number" && Number.isInteger(v) && v > 0 ? v : undefined;
}

/** Where a response stream's bytes go (the channel's side of one streamed answer). */
export interface StreamOutput {
  /** Sends one chunk; `contentType` counts for the first one only. `done` runs once it is handed over. */
  write(chunk: Buffer, contentType: string, done: (err?: Error | null) => void): void;
}

/** The stream a streaming handler writes to, as the RIC's ResponseStream. */
export class LambdaResponseStream extends Writable {
  #contentType = DEFAULT_CONTENT_TYPE;
  #written = false;
  readonly #out: StreamOutput;
  /** HttpResponseStream.from's prelude, written just before the first chunk. */
  _onBeforeFirstWrite: ((write: (chunk: string | Uint8Array) => void) => void) | undefined;

  constructor(out: StreamOutput, highWaterMark?: number) {
    super(highWaterMark === undefined ? {} : { highWaterMark });
    this.#out = out;
  }

  /** As the RIC: only before the first write. */
  setContentType(contentType: string): void {
    if (this.#written) throw new Error("Cannot set content-type, too late.");
    this.#contentType = contentType;
  }

  /** Whether anything was written (the content type is then fixed). */
  get started(): boolean {
    return this.#written;
  }

  /** The content type the stream will be (or was) sent with. */
  get contentType(): string {
    return this.#contentType;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (!this.#written) {
      this.#written = true;
      const before = this._onBeforeFirstWrite;
      if (before) {
        this._onBeforeFirstWrite = undefined;
        before((c) => this.#out.write(Buffer.from(c), this.#contentType, noop));
      }
    }
    this.#out.write(chunk, this.#contentType, callback);
  }
}

function noop(): void {}

/** `awslambda.HttpResponseStream`: a prelude of status, headers and cookies for function URLs. */
export const HttpResponseStream = {
  from(underlying: LambdaResponseStream, prelude: unknown): LambdaResponseStream {
    underlying.setContentType(METADATA_PRELUDE_CONTENT_TYPE);
    const metadataPrelude = JSON.stringify(prelude);
    underlying._onBeforeFirstWrite = (write) => {
      write(metadataPrelude);
      write(new Uint8Array(DELIMITER_LEN));
    };
    return underlying;
  },
};

/** Installs the global `awslambda`, as the AWS Node.js runtime does before loading user code. */
export function installAwsLambdaGlobal(): void {
  const awslambda = {
    streamifyResponse<T extends (...args: never[]) => unknown>(handler: T, options?: { highWaterMark?: number }): T {
      const marked = handler as unknown as Marked;
      marked[HANDLER_STREAMING] = STREAM_RESPONSE;
      if (options?.highWaterMark !== undefined && Number.isInteger(options.highWaterMark)) {
        marked[HANDLER_HIGHWATERMARK] = options.highWaterMark;
      }
      return handler;
    },
    HttpResponseStream,
  };
  (globalThis as unknown as { awslambda: typeof awslambda }).awslambda = awslambda;
}
