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
  /**
   * instance → node: one chunk of a streamed answer (header: ChunkHeader, body: the bytes). The
   * answer ends with a Response frame (empty body) or an Error frame (the error after the chunks).
   */
  Chunk: 18,
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
  /** The answer was streamed (its chunks came in Chunk frames before this one). */
  streamed?: boolean;
}

export interface ChunkHeader {
  requestId: string;
  /** The stream's content type; on the first chunk of an answer only. */
  contentType?: string;
}

export interface Frame {
  type: number;
  header: unknown;
  body: Buffer;
}

const EMPTY = Buffer.alloc(0);

/** The largest frame either side accepts: a length beyond it is a broken stream, not a payload. */
export const MAX_FRAME_BYTES = 2 ** 30;

/** Writes the 9 bytes that open a frame: its length, its type and its header's length. */
function writeFrameStart(out: Buffer, type: number, headLength: number, bodyLength: number): void {
  out.writeUInt32BE(5 + headLength + bodyLength, 0);
  out.writeUInt8(type, 4);
  out.writeUInt32BE(headLength, 5);
}

/**
 * Encodes one frame. A string body is written as UTF-8 straight into the frame, so a payload is
 * copied once on its way out.
 */
export function encodeFrame(type: number, header?: unknown, body: Buffer | string = EMPTY): Buffer {
  const head = header === undefined ? "" : JSON.stringify(header);
  const headLength = Buffer.byteLength(head);
  const bodyLength = typeof body === "string" ? Buffer.byteLength(body) : body.length;
  const out = Buffer.allocUnsafe(9 + headLength + bodyLength);
  writeFrameStart(out, type, headLength, bodyLength);
  out.write(head, 9);
  if (typeof body === "string") out.write(body, 9 + headLength);
  else body.copy(out, 9 + headLength);
  return out;
}

/**
 * The bytes of a frame before its body, for a body of `bodyLength` bytes written right after it
 * as it is: a large payload then goes to the socket without being copied into a frame.
 */
export function encodeFrameHead(type: number, header: unknown, bodyLength: number): Buffer {
  const head = JSON.stringify(header);
  const headLength = Buffer.byteLength(head);
  const out = Buffer.allocUnsafe(9 + headLength);
  writeFrameStart(out, type, headLength, bodyLength);
  out.write(head, 9);
  return out;
}

/**
 * Reads the frame starting at `offset` if all of it is within `end`; returns it with the offset just
 * past it, or undefined when more bytes are needed. The body is a view into `buf`. Throws on a
 * malformed frame (a length that cannot hold its own header).
 */
export function frameAt(buf: Buffer, offset: number, end: number): { frame: Frame; next: number } | undefined {
  if (end - offset < 4) return undefined;
  const length = buf.readUInt32BE(offset);
  const next = offset + 4 + length;
  if (end < next) return undefined;
  const headLen = length < 5 ? -1 : buf.readUInt32BE(offset + 5);
  if (headLen < 0 || headLen > length - 5) throw new Error(`malformed frame (length ${length})`);
  const type = buf.readUInt8(offset + 4);
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
 *
 * Frames that lie within one chunk are read in place. A frame that spans chunks is assembled in a
 * buffer of its own, allocated at its full size once its length is known, so each of its bytes is
 * copied once, however many chunks it arrives in. The decoder never writes over bytes it has
 * handed out: a frame's body belongs to the receiver, which may keep it without copying.
 * `push` throws on a malformed frame or one over MAX_FRAME_BYTES; the stream is then unusable.
 * @example const d = new FrameDecoder((f) => handle(f)); socket.on("data", (c) => d.push(c));
 */
export class FrameDecoder {
  /** The frame being assembled: its first #have bytes; only its 4-byte length until #size is known. */
  #partial: Buffer | undefined;
  #have = 0;
  #size: number | undefined;
  readonly #onFrame: (f: Frame) => void;
  constructor(onFrame: (f: Frame) => void) {
    this.#onFrame = onFrame;
  }

  push(chunk: Buffer): void {
    let offset = 0;
    if (this.#partial) {
      offset = this.#fill(chunk);
      if (this.#have !== this.#size) return;
      const partial = this.#partial;
      this.#partial = undefined;
      this.#have = 0;
      this.#size = undefined;
      this.#onFrame((frameAt(partial, 0, partial.length) as { frame: Frame }).frame);
    }
    for (;;) {
      const got = frameAt(chunk, offset, chunk.length);
      if (!got) break;
      offset = got.next;
      this.#onFrame(got.frame);
    }
    if (offset < chunk.length) {
      this.#partial = Buffer.allocUnsafe(4);
      this.#fill(chunk.subarray(offset));
    }
  }

  /** Copies what the frame being assembled still lacks from `chunk`; returns how much it took. */
  #fill(chunk: Buffer): number {
    const partial = this.#partial as Buffer;
    let taken = 0;
    if (this.#size === undefined) {
      taken = chunk.copy(partial, this.#have, 0, Math.min(chunk.length, 4 - this.#have));
      this.#have += taken;
      if (this.#have < 4) return taken;
      const size = 4 + partial.readUInt32BE(0);
      if (size > MAX_FRAME_BYTES) throw new Error(`frame of ${size} bytes is over the limit`);
      this.#size = size;
      this.#partial = Buffer.allocUnsafe(size);
      partial.copy(this.#partial, 0, 0, 4);
    }
    const frame = this.#partial as Buffer;
    const more = chunk.copy(frame, this.#have, taken, Math.min(chunk.length, taken + this.#size - this.#have));
    this.#have += more;
    return taken + more;
  }
}
