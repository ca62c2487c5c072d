import { randomBytes, randomUUID } from "node:crypto";

/** Generates identifiers; injected so tests can make them predictable. */
export interface IdSource {
  /** A request id in AWS's UUID form. */
  requestId(): string;
  /** `n` random bytes as lower-case hex. */
  hex(n: number): string;
}

export const randomIds: IdSource = {
  requestId: () => randomUUID(),
  hex: (n) => randomBytes(n).toString("hex"),
};
