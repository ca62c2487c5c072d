import assert from "node:assert/strict";
import { test } from "node:test";
import { ChangeCursor } from "./change-cursor.js";

test("the floor moves over contiguous numbers; a number is taken once", () => {
  const c = new ChangeCursor(10, 1000);
  assert.equal(c.take(10), false, "at or below the start: handled before");
  assert.equal(c.take(11), true);
  assert.equal(c.take(11), false);
  assert.equal(c.take(12), true);
  c.settle(0);
  assert.equal(c.floor, 12);
});

test("a gap holds the floor until it fills, or until it has been open gapMs", () => {
  const c = new ChangeCursor(0, 1000);
  c.take(2);
  c.take(3);
  c.settle(5000);
  assert.equal(c.floor, 0, "1 may still be committing");
  c.settle(5999);
  assert.equal(c.floor, 0);
  assert.equal(c.take(1), true, "it came late: still handled");
  c.settle(6000);
  assert.equal(c.floor, 3);
  c.take(5);
  c.settle(7000);
  assert.equal(c.floor, 3);
  c.settle(8000);
  assert.equal(c.floor, 5, "4 was rolled back: passed over after gapMs");
  assert.equal(c.take(4), false, "and never handled afterwards");
});

test("reset counts everything up to a number as handled", () => {
  const c = new ChangeCursor(0, 1000);
  c.take(3);
  c.take(9);
  c.reset(5);
  assert.equal(c.floor, 5);
  assert.equal(c.take(4), false);
  assert.equal(c.take(6), true);
  c.settle(0);
  assert.equal(c.floor, 6);
  c.take(7);
  c.take(8);
  c.settle(0);
  assert.equal(c.floor, 9, "9, taken before the reset, still counts");
});
