/**
 * The frame decoder as it was before the growing-buffer reader (kept only as the baseline of
 * bench/frame-decoder.bench.ts): it concatenated the whole pending buffer with every chunk, so a
 * frame of n chunks cost about n²/2 chunk copies.
 */
import { frameAt, type Frame } from "../protocol/frames.js";

const EMPTY = Buffer.alloc(0);

export class ConcatFrameDecoder {
  #buf: Buffer = EMPTY;
  readonly #onFrame: (f: Frame) => void;
  constructor(onFrame: (f: Frame) => void) {
    this.#onFrame = onFrame;
  }
  push(chunk: Buffer): void {
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    for (;;) {
      const got = frameAt(this.#buf, 0, this.#buf.length);
      if (!got) return;
      this.#buf = got.next === this.#buf.length ? EMPTY : this.#buf.subarray(got.next);
      this.#onFrame(got.frame);
    }
  }
}
