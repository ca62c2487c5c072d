import type { IncomingMessage } from "node:http";

/** The client went away before its request body arrived; there is no one to answer. */
export class ClientAbortedError extends Error {
  constructor() {
    super("client aborted the request");
    this.name = "ClientAbortedError";
  }
}

/**
 * How much of a too-large body is still read (and dropped) so that the client, which is usually
 * still writing, sees the 413 instead of a reset connection. Beyond it the answer goes out at once.
 */
const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;
const EMPTY = Buffer.alloc(0);

/**
 * Reads a request body of at most `limit` bytes. Resolves to undefined when the body is larger;
 * rejects with ClientAbortedError when the client disconnects first.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > limit + DRAIN_LIMIT_BYTES) {
      req.resume();
      resolve(undefined);
      return;
    }
    let tooLarge = declared > limit;
    let first: Buffer | undefined;
    let chunks: Buffer[] | undefined;
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (tooLarge) {
        if (size > limit + DRAIN_LIMIT_BYTES) resolve(undefined);
        return;
      }
      if (size > limit) {
        tooLarge = true;
        first = chunks = undefined;
        return;
      }
      // Most bodies arrive in one chunk: keep it without an array or a copy.
      if (first === undefined) first = chunk;
      else (chunks ??= [first]).push(chunk);
    });
    req.on("end", () => {
      if (tooLarge) resolve(undefined);
      else resolve(chunks ? Buffer.concat(chunks, size) : (first ?? EMPTY));
    });
    req.on("error", () => reject(new ClientAbortedError()));
    req.on("close", () => {
      if (!req.complete) reject(new ClientAbortedError());
    });
  });
}
