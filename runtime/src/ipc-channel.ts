/**
 * The private frame channel on fd 3 (see protocol.ts). Reads go through a net.Socket; writes go
 * straight to the descriptor with fs.writeSync so that every frame is on its way, in order, before
 * the call returns: log lines written just before process.exit() and the Fatal frame sent right
 * before exiting are never lost, and no write buffer can reorder them.
 */
import { writeSync } from "node:fs";
import { Socket } from "node:net";
import type { Channel, Invocation } from "./channel.js";
import type { RapidError } from "./errors.js";
import {
  encodeFrame,
  FrameDecoder,
  FrameType,
  type Frame,
  type InitHeader,
  type InvokeHeader,
  type ResultHeader,
} from "./protocol.js";

const FD = 3;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Writes all of `buf`, waiting out EAGAIN (libuv made the descriptor non-blocking). */
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

export class IpcChannel implements Channel {
  readonly #socket: Socket;
  readonly #invokes: Frame[] = [];
  #waiting: ((f: Frame) => void) | undefined;
  #onInit: ((h: InitHeader) => void) | undefined;

  constructor() {
    this.#socket = new Socket({ fd: FD, readable: true, writable: true });
    const decoder = new FrameDecoder((f) => this.#onFrame(f));
    this.#socket.on("data", (chunk: Buffer) => decoder.push(chunk));
    // The node closed its end: nobody is left to answer to.
    this.#socket.on("end", () => process.exit(0));
    this.#socket.on("error", () => process.exit(0));
  }

  /** Announces the process and waits for its function. Keeps the process alive while waiting. */
  waitForInit(): Promise<InitHeader> {
    const init = new Promise<InitHeader>((resolve) => (this.#onInit = resolve));
    this.#send(FrameType.Ready);
    return init.then((h) => {
      // Loading user code must not be kept alive by us: a top-level await that never settles
      // ends the process (exit code 13), as it would on Lambda.
      this.#socket.unref();
      return h;
    });
  }

  next(): Promise<Invocation> {
    this.#socket.ref();
    const frame = this.#invokes.shift();
    const got = frame ? Promise.resolve(frame) : new Promise<Frame>((resolve) => (this.#waiting = resolve));
    return got.then((f) => {
      // While the handler runs only its own work may keep the loop alive (callbackWaitsForEmptyEventLoop).
      this.#socket.unref();
      const h = f.header as InvokeHeader;
      const inv: Invocation = {
        requestId: h.requestId,
        deadlineMs: h.deadlineMs,
        invokedFunctionArn: h.invokedFunctionArn,
        body: f.body.toString("utf8"),
      };
      if (h.traceId !== undefined) inv.traceId = h.traceId;
      if (h.clientContext !== undefined) inv.clientContext = h.clientContext;
      if (h.cognitoIdentity !== undefined) inv.cognitoIdentity = h.cognitoIdentity;
      return inv;
    });
  }

  respond(requestId: string, body: string, then: () => void): void {
    const header: ResultHeader = { requestId, maxRssKb: maxRssKb() };
    this.#send(FrameType.Response, header, Buffer.from(body, "utf8"));
    this.#socket.ref();
    then();
  }

  fail(requestId: string, error: RapidError, then: () => void): void {
    const header: ResultHeader = { requestId, maxRssKb: maxRssKb(), errorType: error.errorType };
    this.#send(FrameType.Error, header, Buffer.from(JSON.stringify(error), "utf8"));
    this.#socket.ref();
    then();
  }

  initDone(): void {
    this.#send(FrameType.InitDone);
    this.#socket.ref();
  }

  /** The process stays up afterwards; the node decides when to end it. */
  initError(error: RapidError, then: () => void): void {
    this.#send(FrameType.InitError, { errorType: error.errorType }, Buffer.from(JSON.stringify(error), "utf8"));
    this.#socket.ref();
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
    this.#send(FrameType.Fatal, header, Buffer.from(JSON.stringify(error), "utf8"));
    process.exit(exitCode);
  }

  log(entry: string): void {
    this.#send(FrameType.Log, undefined, Buffer.from(entry, "utf8"));
  }

  #send(type: number, header?: unknown, body?: Buffer): void {
    try {
      writeAll(encodeFrame(type, header, body));
    } catch {
      // The node is gone (EPIPE and the like).
      process.exit(0);
    }
  }

  #onFrame(f: Frame): void {
    if (f.type === FrameType.Init) {
      const onInit = this.#onInit;
      this.#onInit = undefined;
      onInit?.(f.header as InitHeader);
    } else if (f.type === FrameType.Invoke) {
      const waiting = this.#waiting;
      this.#waiting = undefined;
      if (waiting) waiting(f);
      else this.#invokes.push(f);
    }
  }
}
