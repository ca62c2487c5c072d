import type { Readable } from "node:stream";

/** Splits a stream into lines and hands each complete line to `onLine`; a final partial line is flushed at end. */
export function captureLines(stream: Readable | null, onLine: (line: string) => void): void {
  if (!stream) return;
  let rest = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    const text = rest + chunk;
    const parts = text.split("\n");
    rest = parts.pop() ?? "";
    for (const p of parts) onLine(p);
  });
  stream.on("end", () => {
    if (rest) onLine(rest);
    rest = "";
  });
}
