/**
 * The node's frame decoder in-process, against the one it replaced (bench/concat-frame-decoder.ts)
 * in the same run: a 1 MiB and a 6 MiB response arriving in 64 KiB
 * chunks (as a socket delivers them), and a stream of small frames (log lines and small answers),
 * which both read in place. The node then copied each body once more (Buffer.from); that copy is
 * counted for the old decoder, as the new one's bodies are the receiver's to keep.
 * Run: npm run build && node dist/bench/frame-decoder.bench.js
 */
import { encodeFrame, FrameDecoder, FrameType, type Frame } from "../protocol/frames.js";
import { ConcatFrameDecoder } from "./concat-frame-decoder.js";
import { fmt, median } from "./stats.js";

const CHUNK = 64 * 1024;
const MIB = 1024 * 1024;

interface Decoder {
  push(chunk: Buffer): void;
}

function chunks(stream: Buffer): Buffer[] {
  const out: Buffer[] = [];
  // Copies, as a socket hands out fresh buffers.
  for (let i = 0; i < stream.length; i += CHUNK) out.push(Buffer.from(stream.subarray(i, i + CHUNK)));
  return out;
}

/** Median milliseconds to decode `parts` with a fresh decoder, over `rounds` rounds. */
function time(make: (onFrame: (f: Frame) => void) => Decoder, parts: Buffer[], rounds: number, copy: boolean): number {
  const samples: number[] = [];
  let kept = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    const d = make((f) => (kept += (copy ? Buffer.from(f.body) : f.body).length));
    for (const c of parts) d.push(c);
    samples.push(performance.now() - t0);
  }
  if (kept === 0) throw new Error("nothing decoded");
  return median(samples);
}

function main(): void {
  const cases: [string, Buffer[], number, number][] = [];
  for (const mib of [1, 6]) {
    const frame = encodeFrame(FrameType.Response, { requestId: "r", maxRssKb: 1 }, Buffer.alloc(mib * MIB, "x"));
    cases.push([`${mib} MiB response`, chunks(frame), mib * MIB, mib === 1 ? 40 : 10]);
  }
  const small = Buffer.concat(
    Array.from({ length: 20_000 }, (_, i) =>
      i % 2
        ? encodeFrame(FrameType.Log, undefined, `line ${i}`)
        : encodeFrame(FrameType.Response, { requestId: `r${i}`, maxRssKb: 1 }, '{"ok":true}'),
    ),
  );
  cases.push(["20 000 small frames", chunks(small), small.length, 40]);
  console.log(
    "case".padEnd(22),
    "old ms".padStart(9),
    "new ms".padStart(9),
    "old MB/s".padStart(9),
    "new MB/s".padStart(9),
    "speed-up".padStart(9),
  );
  for (const [name, parts, bytes, rounds] of cases) {
    time((f) => new FrameDecoder(f), parts, 3, false); // warm up
    time((f) => new ConcatFrameDecoder(f), parts, 3, true);
    const older = time((f) => new ConcatFrameDecoder(f), parts, rounds, true);
    const newer = time((f) => new FrameDecoder(f), parts, rounds, false);
    const mbps = (ms: number) => fmt(bytes / 1e6 / (ms / 1000), 0);
    console.log(
      name.padEnd(22),
      fmt(older).padStart(9),
      fmt(newer).padStart(9),
      mbps(older).padStart(9),
      mbps(newer).padStart(9),
      fmt(older / newer, 1).padStart(9),
    );
  }
}

main();
