import { randomBytes, randomUUID } from "node:crypto";

/** Generates identifiers; injected so tests can make them predictable. */
export interface IdSource {
  /** A request id in AWS's UUID form. */
  requestId(): string;
  /** `n` random bytes as lower-case hex. */
  hex(n: number): string;
}

/**
 * Random bytes are drawn from the CSPRNG 4 KiB at a time and handed out once each: a small
 * randomBytes() call costs microseconds, and the gateway takes 31 bytes per request.
 */
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let offset = 0;

function hexFromPool(n: number): string {
  if (n > POOL_BYTES) return randomBytes(n).toString("hex");
  if (offset + n > pool.length) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  offset += n;
  return pool.toString("hex", offset - n, offset);
}

export const randomIds: IdSource = {
  requestId: () => randomUUID(),
  hex: hexFromPool,
};
