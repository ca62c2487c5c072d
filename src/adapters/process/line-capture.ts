import type { Readable } from "node:stream";

/** The longest line kept whole (CloudWatch Logs' event size): a longer one is cut into lines of this size. */
export const MAX_LINE_CHARS = 256 * 1024;

/**
 * Splits a stream into lines and hands each complete line to `onLine`; a final partial line is
 * flushed at end. A line that grows past MAX_LINE_CHARS is handed on in pieces, so that a function
 * printing without newlines cannot make the node hold an unbounded string.
 */
export function captureLines(stream: Readable | null, onLine: (line: string) => void): void {
  if (!stream) return;
  let rest = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    const text = rest + chunk;
    const parts = text.split("\n");
    rest = parts.pop() ?? "";
    for (const p of parts) onLine(p);
    while (rest.length >= MAX_LINE_CHARS) {
      onLine(rest.slice(0, MAX_LINE_CHARS));
      rest = rest.slice(MAX_LINE_CHARS);
    }
  });
  stream.on("end", () => {
    if (rest) onLine(rest);
    rest = "";
  });
}
