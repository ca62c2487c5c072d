/** The private frame protocol between the node and a built-in Node.js instance (protocol/frames.ts). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  encodeFrame,
  encodeFrameHead,
  FrameDecoder,
  FrameType,
  MAX_FRAME_BYTES,
  type Frame,
} from "../../protocol/frames.js";

/** Feeds `stream` to a decoder in chunks of `size` bytes; returns the frames. */
function decode(stream: Buffer, size: number): Frame[] {
  const frames: Frame[] = [];
  const decoder = new FrameDecoder((f) => frames.push(f));
  for (let i = 0; i < stream.length; i += size) decoder.push(stream.subarray(i, i + size));
  return frames;
}

const summary = (frames: Frame[]) => frames.map((f) => [f.type, f.header, f.body.toString()]);

describe("frame encoding", () => {
  it("writes a string body as UTF-8, the same bytes as a Buffer body", () => {
    const text = 'caf\u00e9 \u{1F600} "quoted"';
    assert.deepEqual(
      encodeFrame(FrameType.Response, { requestId: "r" }, text),
      encodeFrame(FrameType.Response, { requestId: "r" }, Buffer.from(text)),
    );
  });

  it("a frame's head followed by its body is the frame", () => {
    const body = Buffer.from('{"big":true}');
    const header = { requestId: "r", timeoutMs: 3000 };
    assert.deepEqual(
      Buffer.concat([encodeFrameHead(FrameType.Invoke, header, body.length), body]),
      encodeFrame(FrameType.Invoke, header, body),
    );
  });
});

describe("FrameDecoder", () => {
  const stream = Buffer.concat([
    encodeFrame(FrameType.Ready),
    encodeFrame(FrameType.Log, undefined, "a line"),
    encodeFrame(FrameType.Response, { requestId: "r1", maxRssKb: 1 }, '{"answer":42}'),
    encodeFrame(FrameType.Log, undefined, "x".repeat(300)),
    encodeFrame(FrameType.Error, { requestId: "r2", maxRssKb: 2, errorType: "E" }, "{}"),
  ]);
  const expected = summary(decode(stream, stream.length));

  it("reads the same frames however the stream is cut", () => {
    assert.equal(expected.length, 5);
    assert.deepEqual(expected[2], [FrameType.Response, { requestId: "r1", maxRssKb: 1 }, '{"answer":42}']);
    for (let size = 1; size <= 40; size++)
      assert.deepEqual(summary(decode(stream, size)), expected, `chunks of ${size}`);
    assert.deepEqual(summary(decode(stream, 333)), expected);
  });

  it("assembles a large frame at its full size once and never writes over a body it handed out", () => {
    const big = Buffer.alloc(6 * 1024 * 1024, "b");
    const all = Buffer.concat([
      encodeFrame(FrameType.Log, undefined, "before"),
      encodeFrame(FrameType.Response, { requestId: "big", maxRssKb: 1 }, big),
      encodeFrame(FrameType.Log, undefined, "after"),
      encodeFrame(FrameType.Response, { requestId: "next", maxRssKb: 1 }, Buffer.alloc(100_000, "n")),
    ]);
    const frames = decode(all, 64 * 1024);
    assert.deepEqual(
      frames.map((f) => f.body.length),
      [6, big.length, 5, 100_000],
    );
    const body = frames[1]!.body;
    assert.ok(body.equals(big));
    assert.equal(body.buffer.byteLength, body.length + body.byteOffset, "the frame's own buffer, at its size");
    assert.ok(frames[3]!.body.equals(Buffer.alloc(100_000, "n")), "the next frame did not reuse the first's buffer");
    assert.equal(frames[0]!.body.toString(), "before");
  });

  it("refuses a frame too short to hold its header, and one over the size limit", () => {
    const short = Buffer.from([0, 0, 0, 2, 1, 0]);
    assert.throws(() => new FrameDecoder(() => undefined).push(short), /malformed frame/);
    const huge = Buffer.alloc(8);
    huge.writeUInt32BE(MAX_FRAME_BYTES, 0);
    assert.throws(() => new FrameDecoder(() => undefined).push(huge), /over the limit/);
  });
});
