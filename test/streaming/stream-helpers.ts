/**
 * Helpers of the response streaming suites: handler zips, a signal file a handler waits on
 * (written by the test once it holds the first chunk: the handler is provably still running), and
 * reading an InvokeWithResponseStream answer event by event.
 */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { InvokeWithResponseStreamCommandOutput } from "@aws-sdk/client-lambda";
import { zipSync } from "fflate";
import { tempDir, type TempDir } from "../helpers/temp-dir.js";

/** A zip whose `index.handler` is `source` (CommonJS). */
export function zipOf(source: string): Uint8Array {
  return zipSync({ "index.js": new TextEncoder().encode(source) });
}

/** A zip holding the custom runtime `bootstrap` (executable). */
export function bootstrapZip(source: string): Uint8Array {
  return zipSync({ bootstrap: [new TextEncoder().encode(source), { os: 3, attrs: 0o100755 << 16 }] });
}

/**
 * A streaming handler: writes `first\n`, waits until the file named by `event.signal` exists (at
 * most 30 s), writes `second\n` and ends. With `event.prelude` it answers through
 * HttpResponseStream.from (status 201, a header and a cookie); with `event.fail` it throws after
 * the first chunk; with `event.hang` it never ends. Through a function URL, `event` is the query
 * string's parameters.
 */
export const SIGNALLED = zipOf(`
const fs = require("node:fs");
const waitFor = async (path) => {
  const deadline = Date.now() + 30000;
  while (!fs.existsSync(path)) {
    if (Date.now() > deadline) throw new Error("no signal came");
    await new Promise((r) => setTimeout(r, 10));
  }
};
exports.handler = awslambda.streamifyResponse(async (input, responseStream, context) => {
  // Through a function URL the options come in the query string.
  const event = input.queryStringParameters ?? input;
  let stream = responseStream;
  if (event.prelude) {
    stream = awslambda.HttpResponseStream.from(responseStream, {
      statusCode: 201,
      headers: { "x-streamed": "yes", "content-type": "text/plain" },
      cookies: ["flavour=plain; Path=/"],
    });
  } else stream.setContentType("text/plain");
  console.log("streaming for " + context.functionName);
  stream.write("first\\n");
  if (event.fail) throw new Error("broke after the first chunk");
  if (event.hang) await new Promise(() => setInterval(() => undefined, 1000));
  if (event.signal) await waitFor(event.signal);
  stream.write("second\\n");
  stream.end();
});
`);

/** A place for signal files, and a fresh one per call. */
export class Signals {
  readonly #dir: TempDir = tempDir("stream-signals", { inRepo: true });
  #n = 0;

  /** A path that does not exist yet, and the function that creates it. */
  next(): { path: string; send: () => void; sent: () => boolean } {
    const path = join(this.#dir.path, `signal-${++this.#n}`);
    return { path, send: () => writeFileSync(path, "go"), sent: () => existsSync(path) };
  }

  remove(): Promise<void> {
    return this.#dir.remove();
  }
}

/** What an event stream carried, in order. */
export interface StreamRead {
  readonly chunks: string[];
  readonly complete: { ErrorCode?: string; ErrorDetails?: string; LogResult?: string } | undefined;
}

/** Reads every event; `onChunk` runs for each chunk as it arrives (its index and text). */
export async function readEvents(
  out: InvokeWithResponseStreamCommandOutput,
  onChunk: (index: number, text: string) => void = () => undefined,
): Promise<StreamRead> {
  const chunks: string[] = [];
  let complete: StreamRead["complete"];
  for await (const event of out.EventStream ?? []) {
    if (event.PayloadChunk?.Payload) {
      const text = Buffer.from(event.PayloadChunk.Payload).toString("utf8");
      chunks.push(text);
      onChunk(chunks.length - 1, text);
    }
    if (event.InvokeComplete) complete = event.InvokeComplete;
  }
  return { chunks, complete };
}
