/**
 * The private frame channel on fd 3 (see protocol/frames.ts), used synchronously from JavaScript.
 *
 * Writes go straight to the descriptor with fs.writeSync so that every frame is on its way, in
 * order, before the call returns: log lines written just before process.exit() and the Fatal frame
 * sent right before exiting are never lost, and no write buffer can reorder them.
 *
 * Reads block: waiting for the next event, the process sits in read(2) and its event loop does not
 * turn. That is Lambda's freeze between invocations: timers, I/O callbacks and promise
 * continuations left behind by one invocation run only once the next event has arrived (their log
 * lines belong to that invocation), never while the instance is idle. It also spares each event
 * the event loop's round (epoll, a stream and its buffers) that a socket read would cost. The node
 * closing the channel ends the process at its next read or write.
 */
import { readSync, writeSync } from "node:fs";
import type { Channel, Invocation, StreamedAnswer } from "./channel.js";
import type { RapidError } from "./errors.js";
import {
  encodeFrame,
  frameAt,
  frameSize,
  FrameType,
  type ChunkHeader,
  type Frame,
  type InitHeader,
  type InvokeHeader,
  type ResultHeader,
} from "../../protocol/frames.js";

const FD = 3;
const BUFFER_SIZE = 64 * 1024;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Writes all of `buf`, waiting out EAGAIN should the descriptor have been made non-blocking. */
function writeAll(buf: Buffer): void {
  let offset = 0;
  while (offset < buf.length) {
    try {
      offset += writeSync(FD, buf, offset, buf.length - offset);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EAGAIN") throw e;
      Atomics.wait(sleeper, 0, 0, 1);
    }
  }
}

function maxRssKb(): number {
  return process.resourceUsage().maxRSS;
}

/**
 * Reads the descriptor, blocking; 0 when the node has closed its end. A descriptor that someone
 * made non-blocking is waited on in 1 ms steps.
 */
function readSome(buf: Buffer, offset: number): number {
  for (;;) {
    try {
      return readSync(FD, buf, offset, buf.length - offset, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EAGAIN") Atomics.wait(sleeper, 0, 0, 1);
      else if (code !== "EINTR") return 0;
    }
  }
}

export class IpcChannel implements Channel {
  /** Bytes read and not yet consumed are buf[start, end). */
  #buf = Buffer.allocUnsafe(BUFFER_SIZE);
  /**
   * process.hrtime.bigint() when the current event was read. (Not performance.now(): its first use
   * loads a module, about a millisecond of every cold start.)
   */
  #takenAt = 0n;
  #start = 0;
  #end = 0;

  constructor() {
    // However the process ends on its own (process.exit() in a handler, a fatal error), the node
    // learns its peak memory for the REPORT line of the invocation it was running, and its exact
    // exit code (a sandbox reports only a shell-style status, in which 129 could be a signal).
    process.once("exit", (exitCode) => {
      try {
        writeAll(encodeFrame(FrameType.Exit, { maxRssKb: maxRssKb(), exitCode }));
      } catch {
        // The node is gone.
      }
    });
  }

  /** Announces the process and waits (blocking) for its function. */
  waitForInit(): Promise<InitHeader> {
    this.#send(FrameType.Ready);
    return Promise.resolve(this.#read(FrameType.Init).header as InitHeader);
  }

  next(): Promise<Invocation> {
    const f = this.#read(FrameType.Invoke);
    this.#takenAt = process.hrtime.bigint();
    const h = f.header as InvokeHeader;
    const inv: Invocation = {
      requestId: h.requestId,
      deadlineMs: Date.now() + h.timeoutMs,
      invokedFunctionArn: h.invokedFunctionArn,
      body: f.body.toString("utf8"),
    };
    if (h.traceId !== undefined) inv.traceId = h.traceId;
    if (h.clientContext !== undefined) inv.clientContext = h.clientContext;
    if (h.cognitoIdentity !== undefined) inv.cognitoIdentity = h.cognitoIdentity;
    return Promise.resolve(inv);
  }

  respond(requestId: string, body: string, then: () => void): void {
    const header: ResultHeader = { requestId, maxRssKb: maxRssKb(), durationMs: this.#duration() };
    this.#send(FrameType.Response, header, body);
    then();
  }

  /** Each chunk is one Chunk frame, written at once (the node forwards it as it comes). */
  stream(requestId: string): StreamedAnswer {
    let first = true;
    const chunk = (body: Buffer, contentType: string): void => {
      const header: ChunkHeader = first ? { requestId, contentType } : { requestId };
      first = false;
      this.#send(FrameType.Chunk, header, body);
    };
    return {
      write: (body, contentType, done) => {
        chunk(body, contentType);
        done();
      },
      end: (contentType, error, then) => {
        // An answer without chunks still tells its content type.
        if (first) chunk(Buffer.alloc(0), contentType);
        if (error) return this.fail(requestId, error, then, true);
        const header: ResultHeader = { requestId, maxRssKb: maxRssKb(), durationMs: this.#duration(), streamed: true };
        this.#send(FrameType.Response, header);
        then();
      },
    };
  }

  fail(requestId: string, error: RapidError, then: () => void, streamed?: boolean): void {
    const header: ResultHeader = {
      requestId,
      maxRssKb: maxRssKb(),
      durationMs: this.#duration(),
      errorType: error.errorType,
    };
    if (streamed) header.streamed = true;
    this.#send(FrameType.Error, header, JSON.stringify(error));
    then();
  }

  initDone(): void {
    this.#send(FrameType.InitDone);
  }

  /** The process stays up afterwards; the node decides when to end it. */
  initError(error: RapidError, then: () => void): void {
    this.#send(FrameType.InitError, { errorType: error.errorType }, JSON.stringify(error));
    then();
  }

  fatal(error: RapidError, exitCode: number, requestId: string | undefined, inFlight: boolean): void {
    const header: { errorType: string; exitCode: number; requestId?: string; maxRssKb: number } = {
      errorType: error.errorType,
      exitCode,
      maxRssKb: maxRssKb(),
    };
    // Only name the invocation if it is still waiting for its answer.
    if (requestId !== undefined && inFlight) header.requestId = requestId;
    this.#send(FrameType.Fatal, header, JSON.stringify(error));
    process.exit(exitCode);
  }

  log(entry: string): void {
    this.#send(FrameType.Log, undefined, entry);
  }

  /** Milliseconds since the current event was read, to the microsecond. */
  #duration(): number {
    return Number((process.hrtime.bigint() - this.#takenAt) / 1000n) / 1000;
  }

  /** A string body is encoded straight into the frame: one copy of a response on its way out. */
  #send(type: number, header?: unknown, body?: Buffer | string): void {
    try {
      writeAll(encodeFrame(type, header, body));
    } catch {
      // The node is gone (EPIPE and the like).
      process.exit(0);
    }
  }

  /**
   * Blocks until a frame of `type` has arrived (others are skipped) and returns it. Its body is a
   * view into the read buffer, valid until the next read. Exits when the node has gone.
   */
  #read(type: number): Frame {
    for (;;) {
      const got = frameAt(this.#buf, this.#start, this.#end);
      if (got) {
        this.#start = got.next;
        if (this.#start === this.#end) {
          this.#start = this.#end = 0;
          // After a large event, give the memory back (the frame's body is a view of the old buffer).
          if (this.#buf.length > BUFFER_SIZE) this.#buf = Buffer.allocUnsafe(BUFFER_SIZE);
        }
        if (got.frame.type === type) return got.frame;
        continue;
      }
      this.#makeRoom(frameSize(this.#buf, this.#start, this.#end) ?? 4);
      const n = readSome(this.#buf, this.#end);
      if (n === 0) process.exit(0);
      this.#end += n;
    }
  }

  /** Makes sure `size` bytes from #start fit in the buffer, moving or growing it as needed. */
  #makeRoom(size: number): void {
    if (this.#buf.length - this.#start >= size && this.#end < this.#buf.length) return;
    const target = size > this.#buf.length ? Buffer.allocUnsafe(Math.max(size, this.#buf.length * 2)) : this.#buf;
    this.#buf.copy(target, 0, this.#start, this.#end);
    this.#end -= this.#start;
    this.#start = 0;
    this.#buf = target;
  }
}
