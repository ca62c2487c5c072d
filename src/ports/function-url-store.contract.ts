/**
 * The contract every FunctionUrlStore adapter passes (SQLite file and memory, PostgreSQL).
 * `open` gives a fresh, empty store per test.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import type { FunctionUrlRecord, FunctionUrlStore } from "./function-url-store.js";

/** A URL record of function `fn` (qualifier "" unless given). */
export function sampleUrl(urlId: string, over: Partial<FunctionUrlRecord> = {}): FunctionUrlRecord {
  return {
    urlId,
    functionName: "fn",
    qualifier: "",
    authType: "NONE",
    invokeMode: "BUFFERED",
    createdAt: 1_700_000_000_123,
    lastModified: 1_700_000_000_123,
    ...over,
  };
}

/** Runs the FunctionUrlStore contract against the adapter `open` makes. */
export function runFunctionUrlStoreContract(name: string, open: () => Promise<FunctionUrlStore>): void {
  void describe(`FunctionUrlStore contract: ${name}`, () => {
    let store: FunctionUrlStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    void test("insert and get; one URL per function or alias; ids are unique", async () => {
      const cors = { AllowOrigins: ["https://a.example"], AllowMethods: ["GET", "POST"], MaxAge: 60 };
      const a = sampleUrl("a".repeat(32), { cors, authType: "AWS_IAM" });
      assert.equal(await store.insertUrl(a), true);
      assert.deepEqual(await store.getUrl("fn", ""), a);
      assert.equal(await store.insertUrl(sampleUrl("b".repeat(32))), false, "the function has one already");
      assert.equal(await store.insertUrl(sampleUrl("a".repeat(32), { qualifier: "live" })), false, "id taken");
      assert.equal(await store.insertUrl(sampleUrl("c".repeat(32), { qualifier: "live" })), true);
      assert.equal(await store.getUrl("fn", "other"), undefined);
      assert.equal(await store.getUrl("other", ""), undefined);
    });

    void test("update keeps the id; list per function and all, in order; delete", async () => {
      await store.insertUrl(sampleUrl("c".repeat(32), { qualifier: "live" }));
      await store.insertUrl(sampleUrl("a".repeat(32)));
      await store.insertUrl(sampleUrl("d".repeat(32), { functionName: "another" }));
      const changed = sampleUrl("a".repeat(32), { invokeMode: "RESPONSE_STREAM", lastModified: 1_700_000_999_000 });
      assert.equal(await store.updateUrl(changed), true);
      assert.equal(await store.updateUrl(sampleUrl("e".repeat(32), { qualifier: "none" })), false);
      assert.deepEqual(await store.getUrl("fn", ""), changed);
      assert.deepEqual(
        (await store.listUrls("fn")).map((u) => [u.qualifier, u.urlId[0]]),
        [
          ["", "a"],
          ["live", "c"],
        ],
      );
      assert.deepEqual(
        (await store.listAllUrls()).map((u) => u.functionName),
        ["another", "fn", "fn"],
      );
      assert.equal(await store.deleteUrl("fn", "live"), true);
      assert.equal(await store.deleteUrl("fn", "live"), false);
      assert.deepEqual(
        (await store.listUrls("fn")).map((u) => u.qualifier),
        [""],
      );
    });
  });
}
