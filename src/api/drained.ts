import type { Writable } from "node:stream";

/**
 * Resolves once `out` has drained what it held, or has been closed (a caller that went away holds
 * nothing back): what a streamed answer's sink waits on before it takes more.
 */
export function drainedOf(out: Writable): Promise<void> {
  if (!out.writableNeedDrain || out.destroyed || out.writableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      out.off("drain", done);
      out.off("close", done);
      resolve();
    };
    out.on("drain", done);
    out.on("close", done);
  });
}
