import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { randomIds } from "./ids.js";

describe("randomIds", () => {
  it("hands out each random byte once, across refills of its pool", () => {
    const seen = new Set<string>();
    // 31 bytes a time (the gateway's draw) for well over one 4 KiB pool.
    for (let i = 0; i < 1000; i++) {
      const h = randomIds.hex(31);
      assert.match(h, /^[0-9a-f]{62}$/);
      assert.ok(!seen.has(h), "a value came out twice");
      seen.add(h);
    }
  });

  it("serves sizes larger than its pool", () => {
    assert.match(randomIds.hex(5000), /^[0-9a-f]{10000}$/);
    assert.equal(randomIds.hex(0), "");
  });

  it("makes request ids in AWS's UUID form, each once, with every variant digit", () => {
    const seen = new Set<string>();
    const variants = new Set<string>();
    // Past several refills of the pool the ids are drawn from.
    for (let i = 0; i < 2000; i++) {
      const id = randomIds.requestId();
      assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.ok(!seen.has(id), "an id came out twice");
      seen.add(id);
      variants.add(id.charAt(19));
    }
    assert.deepEqual([...variants].sort(), ["8", "9", "a", "b"]);
  });
});
