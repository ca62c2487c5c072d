import assert from "node:assert/strict";
import { test } from "node:test";
import { ManualClock } from "../shared/clock.js";
import { AuthorizerCache } from "./authorizer-cache.js";

test("entries live for their TTL on the injected clock; TTL 0 caches nothing", () => {
  const clock = new ManualClock(1000);
  const cache = new AuthorizerCache<string>(clock);
  cache.set("a", "allow", 300);
  cache.set("b", "allow", 0);
  assert.equal(cache.get("a"), "allow");
  assert.equal(cache.get("b"), undefined);
  clock.advance(299_999);
  assert.equal(cache.get("a"), "allow");
  clock.advance(1);
  assert.equal(cache.get("a"), undefined);
});

test("the oldest entry goes when the cache is full", () => {
  const cache = new AuthorizerCache<number>(new ManualClock(0), 2);
  cache.set("1", 1, 60);
  cache.set("2", 2, 60);
  cache.set("3", 3, 60);
  assert.equal(cache.get("1"), undefined);
  assert.equal(cache.get("3"), 3);
});
