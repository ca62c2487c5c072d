import { LIMITS } from "../../domain/function-spec.js";
import { errorBody, streamTooLargeBody, type ResponseStreamSink } from "../../domain/invocation.js";
import type { InvocationOutcome } from "./invocation-slot.js";

const TOO_LARGE_TYPE = "Function.ResponseSizeTooLarge";

/**
 * The chunks of one streamed answer: forwarded to the caller's sink as they come (within Lambda's
 * streamed response limit), or gathered into the payload for a caller that did not ask for a
 * stream (a plain Invoke of a streaming function answers the whole body, within the 6 MB limit).
 */
export class StreamedAnswer {
  readonly #sink: ResponseStreamSink | undefined;
  readonly #limit: number;
  readonly #gathered: Buffer[] = [];
  #bytes = 0;
  #tooLarge = false;
  #contentType = "application/octet-stream";

  constructor(sink: ResponseStreamSink | undefined) {
    this.#sink = sink;
    this.#limit = sink ? LIMITS.streamedResponseBytes : LIMITS.syncResponseBytes;
  }

  /** Takes one chunk; `contentType` comes with the first (later ones may omit it). */
  write(chunk: Buffer, contentType: string | undefined): void {
    if (contentType !== undefined && this.#bytes === 0) this.#contentType = contentType;
    if (this.#tooLarge) return;
    this.#bytes += chunk.length;
    // Past the limit nothing more goes out; the answer ends with the size error.
    if (this.#bytes > this.#limit) {
      this.#tooLarge = true;
      return;
    }
    if (chunk.length === 0) return;
    if (this.#sink) this.#sink.write(chunk, this.#contentType);
    else this.#gathered.push(chunk);
  }

  /** The outcome of the answer, once the runtime ended it (`outcome` is what it reported). */
  settle(outcome: InvocationOutcome): InvocationOutcome {
    if (outcome.kind !== "ok" && outcome.kind !== "function-error") return outcome;
    if (this.#tooLarge) {
      const payload = this.#sink
        ? streamTooLargeBody(this.#limit)
        : errorBody(
            TOO_LARGE_TYPE,
            `Response payload size exceeded maximum allowed payload size (${this.#limit + 100} bytes).`,
          );
      return { kind: "function-error", payload, errorType: TOO_LARGE_TYPE, durationMs: outcome.durationMs };
    }
    if (outcome.kind === "ok" && !this.#sink) {
      return { kind: "ok", payload: Buffer.concat(this.#gathered), durationMs: outcome.durationMs };
    }
    return outcome;
  }
}
