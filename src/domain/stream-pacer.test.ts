import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ManualClock } from "../shared/clock.js";
import { LAMBDA_STREAM_LIMITS, PACER_QUEUE_BYTES, StreamPacer, type PacedTarget } from "./stream-pacer.js";

const MiB = 1024 * 1024;
const CHUNK = 64 * 1024;

/** A target that takes everything (or refuses more until `release()`), recording what it got. */
function recordingTarget() {
  let full = false;
  let release: () => void = () => undefined;
  const got = { bytes: 0, writes: 0 };
  const target: PacedTarget = {
    write: (c) => {
      got.bytes += c.length;
      got.writes++;
      return !full;
    },
    drained: () => new Promise((resolve) => (release = resolve)),
  };
  return {
    target,
    got,
    fill: () => (full = true),
    release: () => {
      full = false;
      release();
    },
  };
}

function pushAll(pacer: StreamPacer, bytes: number): (Promise<void> | undefined)[] {
  const waits = [];
  for (let sent = 0; sent < bytes; sent += CHUNK) waits.push(pacer.push(Buffer.alloc(CHUNK)));
  return waits;
}

describe("StreamPacer (Lambda's bandwidth cap on a simulated clock)", () => {
  it("sends the first 6 MiB at once, then 2 MiB per second", async () => {
    const clock = new ManualClock(0);
    const t = recordingTarget();
    const pacer = new StreamPacer(clock, LAMBDA_STREAM_LIMITS, t.target);
    pushAll(pacer, 8 * MiB);
    assert.equal(t.got.bytes, 6 * MiB, "the uncapped part went out without waiting");
    await clock.advanceAsync(500);
    assert.ok(t.got.bytes <= 7 * MiB, `at most 1 MiB in half a second: ${t.got.bytes - 6 * MiB}`);
    assert.ok(t.got.bytes >= 7 * MiB - CHUNK, `about 1 MiB in half a second: ${t.got.bytes - 6 * MiB}`);
    await clock.advanceAsync(490);
    assert.ok(t.got.bytes < 8 * MiB, "the last bytes are not out before a full second");
    const flushed = pacer.flushed();
    assert.ok(flushed, "bytes are still queued");
    await clock.advanceAsync(40);
    await flushed;
    assert.equal(t.got.bytes, 8 * MiB);
    assert.equal(pacer.queued, 0);
    assert.equal(pacer.flushed(), undefined);
  });

  it("a response within the uncapped part never waits, whatever its size up to it", () => {
    const clock = new ManualClock(0);
    const t = recordingTarget();
    const pacer = new StreamPacer(clock, LAMBDA_STREAM_LIMITS, t.target);
    const waits = pushAll(pacer, 6 * MiB);
    assert.equal(t.got.bytes, 6 * MiB);
    assert.ok(
      waits.every((w) => w === undefined),
      "the source was never held back",
    );
    assert.equal(clock.pending, 0, "no timer set");
  });

  it("holds the source back once 1 MiB is queued, and lets it go on when half of it has gone", async () => {
    const clock = new ManualClock(0);
    const t = recordingTarget();
    const pacer = new StreamPacer(clock, { ...LAMBDA_STREAM_LIMITS, uncappedBytes: 0 }, t.target);
    let held: Promise<void> | undefined;
    let pushed = 0;
    while (!held) {
      held = pacer.push(Buffer.alloc(CHUNK));
      pushed += CHUNK;
    }
    assert.ok(pacer.queued >= PACER_QUEUE_BYTES && pushed - t.got.bytes === pacer.queued);
    let released = false;
    void held.then(() => (released = true));
    await clock.advanceAsync(100);
    assert.equal(released, false, "still more than half queued after 100 ms (200 KiB out)");
    await clock.advanceAsync(200);
    assert.equal(released, true, "half of the queue went out within 300 ms at 2 MiB/s");
    assert.ok(pacer.queued <= PACER_QUEUE_BYTES / 2);
  });

  it("sends nothing while the caller is full, and goes on once it has drained", async () => {
    const clock = new ManualClock(0);
    const t = recordingTarget();
    const pacer = new StreamPacer(clock, LAMBDA_STREAM_LIMITS, t.target);
    t.fill();
    assert.equal(pacer.push(Buffer.alloc(CHUNK)), undefined);
    const held = pushAll(pacer, 2 * MiB).find((w) => w !== undefined);
    assert.ok(held, "a caller that takes nothing holds the source back too");
    assert.equal(t.got.writes, 1, "nothing more went to a full caller");
    t.release();
    await held;
    assert.ok(t.got.bytes >= 1.5 * MiB, "the queue went out once the caller drained");
    await pacer.flushed();
    assert.equal(t.got.bytes, 2 * MiB + CHUNK);
  });

  it("never sends more than the rate allows over any second past the uncapped part", async () => {
    const clock = new ManualClock(0);
    const t = recordingTarget();
    const limits = { maxBytes: 100 * MiB, uncappedBytes: MiB, bytesPerSecond: 1 * MiB };
    const pacer = new StreamPacer(clock, limits, t.target);
    const sentAt: number[] = [];
    pushAll(pacer, 4 * MiB);
    for (let ms = 0; ms <= 3000; ms += 250) {
      sentAt.push(t.got.bytes);
      await clock.advanceAsync(250);
    }
    for (let i = 4; i < sentAt.length; i++) {
      const inASecond = (sentAt[i] as number) - (sentAt[i - 4] as number);
      assert.ok(inASecond <= MiB + CHUNK, `${inASecond} bytes in one second`);
    }
    assert.ok(t.got.bytes >= 4 * MiB - CHUNK, "all but a slice out after 3 s");
  });
});
