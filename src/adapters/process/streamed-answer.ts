import { LIMITS } from "../../domain/function-spec.js";
import { errorBody, streamTooLargeBody, type ResponseStreamSink } from "../../domain/invocation.js";
import { StreamPacer, type StreamLimits } from "../../domain/stream-pacer.js";
import type { Clock } from "../../shared/clock.js";
import type { InvocationOutcome } from "./invocation-slot.js";

const TOO_LARGE_TYPE = "Function.ResponseSizeTooLarge";

/**
 * The chunks of one streamed answer: forwarded to the caller's sink as they come, paced by
 * Lambda's bandwidth cap and the caller's own pace, within the streamed response limit; or
 * gathered into the payload for a caller that did not ask for a stream (a plain Invoke of a
 * streaming function answers the whole body, within the 6 MB limit).
 */
export class StreamedAnswer {
  readonly #pacer: StreamPacer | undefined;
  readonly #limit: number;
  readonly #gathered: Buffer[] = [];
  #bytes = 0;
  #tooLarge = false;
  #contentType = "application/octet-stream";

  constructor(sink: ResponseStreamSink | undefined, clock: Clock, limits: StreamLimits) {
    this.#limit = sink ? limits.maxBytes : LIMITS.syncResponseBytes;
    if (sink) {
      const target = { write: (c: Buffer) => sink.write(c, this.#contentType), drained: () => sink.drained() };
      this.#pacer = new StreamPacer(clock, limits, target);
    }
  }

  /**
   * Takes one chunk; `contentType` comes with the first (later ones may omit it). A promise when
   * the instance should send no more until it resolves (the caller or the cap is behind).
   */
  write(chunk: Buffer, contentType: string | undefined): Promise<void> | undefined {
    if (contentType !== undefined && this.#bytes === 0) this.#contentType = contentType;
    if (this.#tooLarge) return undefined;
    this.#bytes += chunk.length;
    // Past the limit nothing more goes out; the answer ends with the size error.
    if (this.#bytes > this.#limit) {
      this.#tooLarge = true;
      return undefined;
    }
    if (chunk.length === 0) return undefined;
    if (this.#pacer) return this.#pacer.push(chunk);
    this.#gathered.push(chunk);
    return undefined;
  }

  /** Resolves once every chunk taken has gone to the caller (undefined: they all have). */
  flushed(): Promise<void> | undefined {
    return this.#pacer?.flushed();
  }

  /** The outcome of the answer, once the runtime ended it (`outcome` is what it reported). */
  settle(outcome: InvocationOutcome): InvocationOutcome {
    if (outcome.kind !== "ok" && outcome.kind !== "function-error") return outcome;
    if (this.#tooLarge) {
      const payload = this.#pacer
        ? streamTooLargeBody(this.#limit)
        : errorBody(
            TOO_LARGE_TYPE,
            `Response payload size exceeded maximum allowed payload size (${this.#limit + 100} bytes).`,
          );
      return { kind: "function-error", payload, errorType: TOO_LARGE_TYPE, durationMs: outcome.durationMs };
    }
    if (outcome.kind === "ok" && !this.#pacer) {
      return { kind: "ok", payload: Buffer.concat(this.#gathered), durationMs: outcome.durationMs };
    }
    return outcome;
  }
}
