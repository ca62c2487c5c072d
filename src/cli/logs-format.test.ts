import assert from "node:assert/strict";
import { test } from "node:test";
import { TailPrinter, type TailEvent } from "./logs-format.js";

const STREAM = "2026/12/06/[3]abc";
let id = 0;
const ev = (message: string, logStreamName = STREAM): TailEvent => {
  id++;
  return { timestamp: Date.UTC(2026, 11, 6, 10, 0, 0, id), logStreamName, message, eventId: String(id) };
};

test("a block is held until its REPORT; a timed-out request is marked red on a terminal", () => {
  const p = new TailPrinter(true);
  assert.equal(p.add(ev("START RequestId: r1 Version: 3")), "");
  assert.equal(p.add(ev("2026-12-06T10:00:00.002Z\tr1\tWARN\tslow")), "");
  assert.equal(p.add(ev("2026-12-06T10:00:03.000Z r1 Task timed out after 3.00 seconds")), "");
  assert.equal(p.add(ev("END RequestId: r1")), "");
  const text = p.add(
    ev(
      "REPORT RequestId: r1\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\tStatus: timeout\t",
    ),
  );
  const lines = text.trimEnd().split("\n");
  assert.equal(lines.length, 4);
  assert.equal(lines[0], "\x1b[1m10:00:00.001 START r1  version 3  2026/12/06/[3]abc\x1b[0m");
  assert.equal(lines[1], "\x1b[33m10:00:00.002   WARN  slow\x1b[0m");
  assert.match(lines[2] ?? "", /^\x1b\[31m.*Task timed out after 3\.00 seconds\x1b\[0m$/);
  assert.match(
    lines[3] ?? "",
    /^\x1b\[31m.*REPORT r1 {2}3000\.00 ms {2}billed 3000 ms {2}memory 40 MB of 128 MB {2}status timeout/,
  );
  assert.equal(p.flush(), "");
});

test("JSON log format: platform records open and close the block; an application ERROR is red", () => {
  const p = new TailPrinter(true);
  const start = { time: "x", type: "platform.start", record: { requestId: "r2", version: "$LATEST" } };
  const report = {
    time: "x",
    type: "platform.report",
    record: {
      requestId: "r2",
      status: "success",
      metrics: { durationMs: 1.5, billedDurationMs: 2, memorySizeMB: 128, maxMemoryUsedMB: 30 },
    },
  };
  p.add(ev(JSON.stringify(start)));
  p.add(ev(JSON.stringify({ timestamp: "x", level: "ERROR", requestId: "r2", message: "boom" })));
  const text = p.add(ev(JSON.stringify(report)));
  assert.match(text, /START r2 {2}version \$LATEST/);
  assert.match(text, /\x1b\[31m\S+ {3}ERROR boom\x1b\[0m/);
  assert.match(text, /\x1b\[2m\S+ {3}REPORT r2 {2}1\.5 ms {2}billed 2 ms {2}memory 30 MB of 128 MB\x1b\[0m/);
});

test("without colour, two instances' requests interleaved come out as two whole blocks; an open one is flushed", () => {
  const p = new TailPrinter(false);
  const other = "2026/12/06/[3]def";
  let text = p.add(ev("START RequestId: a Version: 3"));
  text += p.add(ev("START RequestId: b Version: 3", other));
  text += p.add(ev("2026-12-06T10:00:00.010Z\tb\tINFO\tfrom b", other));
  text += p.add(ev("2026-12-06T10:00:00.011Z\ta\tINFO\tfrom a"));
  text += p.add(ev("REPORT RequestId: b\tDuration: 1.00 ms\t", other));
  assert.match(text, /START b[^\n]*\n[^\n]*from b\n[^\n]*REPORT b[^\n]*\n$/);
  assert.doesNotMatch(text, /from a/);
  assert.match(p.flush(), /START a[^\n]*\n[^\n]*from a\n$/);
});
