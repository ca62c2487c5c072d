/**
 * The private channel between the node and a built-in Node.js instance: length-prefixed frames
 * over the instance's fd 3 (a Unix socket pair). It carries exactly what the Lambda Runtime API
 * carries (init, next event, response, error, init error) plus log lines, so both channels pass
 * the same conformance tests.
 *
 * Frame: u32 BE length of the rest | u8 type | u32 BE header length | header JSON | body bytes.
 */

export const FrameType = {
  /** node → instance: take on a function (header: InitHeader). */
  Init: 1,
  /** node → instance: one event (header: InvokeHeader, body: event JSON). */
  Invoke: 2,
  /** instance → node: started and waiting for Init. */
  Ready: 10,
  /** instance → node: handler loaded. */
  InitDone: 11,
  /** instance → node: handler failed to load (header: {errorType}, body: error JSON). */
  InitError: 12,
  /** instance → node: handler result (header: ResultHeader, body: result JSON). */
  Response: 13,
  /** instance → node: handler error (header: ResultHeader & {errorType}, body: error JSON). */
  Error: 14,
  /** instance → node: one formatted log entry (body: UTF-8 text). */
  Log: 15,
  /** instance → node: uncaught exception or unhandled rejection, the process exits next (header: {errorType, exitCode}). */
  Fatal: 16,
  /** instance → node: the process is exiting (header: {maxRssKb}); sent from its "exit" event. */
  Exit: 17,
} as const;
export type FrameTypeValue = (typeof FrameType)[keyof typeof FrameType];

export interface InitHeader {
  /** The complete environment the function sees, reserved variables included. */
  env: Record<string, string>;
  /** LAMBDA_TASK_ROOT; also the working directory. */
  taskRoot: string;
  handler: string;
}

export interface InvokeHeader {
  requestId: string;
  /** The time the event may run, from the moment the instance reads it (its deadline is then fixed). */
  timeoutMs: number;
  invokedFunctionArn: string;
  traceId?: string;
  /** JSON text of the client context, as Lambda-Runtime-Client-Context carries it. */
  clientContext?: string;
  /** JSON text of the Cognito identity. */
  cognitoIdentity?: string;
}

export interface ResultHeader {
  requestId: string;
  /** process.resourceUsage().maxRSS, in KiB. */
  maxRssKb: number;
  /** From reading the event to this answer, as the instance measured it. */
  durationMs?: number;
  errorType?: string;
}

export interface Frame {
  type: number;
  header: unknown;
  body: Buffer;
}

const EMPTY = Buffer.alloc(0);

/** Encodes one frame. */
export function encodeFrame(type: number, header?: unknown, body: Buffer = EMPTY): Buffer {
  const head = header === undefined ? "" : JSON.stringify(header);
  const headLength = Buffer.byteLength(head);
  const out = Buffer.allocUnsafe(9 + headLength + body.length);
  out.writeUInt32BE(5 + headLength + body.length, 0);
  out.writeUInt8(type, 4);
  out.writeUInt32BE(headLength, 5);
  out.write(head, 9);
  body.copy(out, 9 + headLength);
  return out;
}

/**
 * Reads the frame starting at `offset` if all of it is within `end`; returns it with the offset just
 * past it, or undefined when more bytes are needed. The body is a view into `buf`.
 */
export function frameAt(buf: Buffer, offset: number, end: number): { frame: Frame; next: number } | undefined {
  if (end - offset < 4) return undefined;
  const next = offset + 4 + buf.readUInt32BE(offset);
  if (end < next) return undefined;
  const type = buf.readUInt8(offset + 4);
  const headLen = buf.readUInt32BE(offset + 5);
  const headEnd = offset + 9 + headLen;
  const header: unknown = headLen === 0 ? undefined : JSON.parse(buf.toString("utf8", offset + 9, headEnd));
  return { frame: { type, header, body: buf.subarray(headEnd, next) }, next };
}

/** How many bytes the frame starting at `offset` takes in all, once its length prefix is in. */
export function frameSize(buf: Buffer, offset: number, end: number): number | undefined {
  return end - offset < 4 ? undefined : 4 + buf.readUInt32BE(offset);
}

/**
 * Splits a byte stream into frames. Feed it every chunk; it calls `onFrame` per complete frame.
 * @example const d = new FrameDecoder((f) => handle(f)); socket.on("data", (c) => d.push(c));
 */
export class FrameDecoder {
  #buf: Buffer = EMPTY;
  readonly #onFrame: (f: Frame) => void;
  constructor(onFrame: (f: Frame) => void) {
    this.#onFrame = onFrame;
  }
  push(chunk: Buffer): void {
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    for (;;) {
      const got = frameAt(this.#buf, 0, this.#buf.length);
      if (!got) return;
      this.#buf = got.next === this.#buf.length ? EMPTY : this.#buf.subarray(got.next);
      this.#onFrame(got.frame);
    }
  }
}
