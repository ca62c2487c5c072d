/**
 * The contract every ObjectStore adapter passes (SQLite file and memory; PostgreSQL runs it too).
 * `open` gives a fresh, empty store per test.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import type { ObjectMeta, ObjectStore } from "./object-store.js";

const meta = (key: string, body: Buffer, over: Partial<ObjectMeta> = {}): ObjectMeta => ({
  bucket: "b",
  key,
  size: body.length,
  etag: '"e"',
  lastModified: 1_700_000_000_000,
  ...over,
});

/** Runs the ObjectStore contract against the adapter `open` makes. */
export function runObjectStoreContract(name: string, open: () => Promise<ObjectStore>): void {
  void describe(`ObjectStore contract: ${name}`, () => {
    let store: ObjectStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    void test("buckets: created once, listed by name, deleted only when empty", async () => {
      assert.equal(await store.createBucket({ name: "b", createdAt: 1 }), true);
      assert.equal(await store.createBucket({ name: "b", createdAt: 2 }), false);
      assert.equal(await store.createBucket({ name: "a", createdAt: 3 }), true);
      assert.deepEqual(await store.getBucket("b"), { name: "b", createdAt: 1 });
      assert.deepEqual(
        (await store.listBuckets()).map((x) => x.name),
        ["a", "b"],
      );
      await store.putObject(meta("k", Buffer.from("x")), Buffer.from("x"));
      assert.equal(await store.deleteBucket("b"), false);
      assert.equal(await store.deleteObject("b", "k"), true);
      assert.equal(await store.deleteBucket("b"), true);
      assert.equal(await store.getBucket("b"), undefined);
    });

    void test("objects: binary content kept whole, replaced, listed by prefix after a key, deleted", async () => {
      await store.createBucket({ name: "b", createdAt: 1 });
      const bytes = Buffer.from([0, 1, 2, 255, 254, 10, 13]);
      await store.putObject(meta("dir/a.zip", bytes, { contentType: "application/zip" }), bytes);
      assert.deepEqual(await store.getObject("b", "dir/a.zip"), {
        meta: meta("dir/a.zip", bytes, { contentType: "application/zip" }),
        body: bytes,
      });
      const other = Buffer.from("second");
      await store.putObject(meta("dir/a.zip", other, { etag: '"f"' }), other);
      assert.equal((await store.headObject("b", "dir/a.zip"))?.etag, '"f"');
      assert.deepEqual((await store.getObject("b", "dir/a.zip"))?.body, other);
      for (const k of ["dir/b", "dir/c", "other"]) await store.putObject(meta(k, other), other);
      assert.deepEqual(
        (await store.listObjects("b", { prefix: "dir/", after: "dir/a.zip", limit: 10 })).map((m) => m.key),
        ["dir/b", "dir/c"],
      );
      assert.deepEqual(
        (await store.listObjects("b", { prefix: "", after: "", limit: 2 })).map((m) => m.key),
        ["dir/a.zip", "dir/b"],
      );
      assert.equal(await store.deleteObject("b", "other"), true);
      assert.equal(await store.deleteObject("b", "other"), false);
      assert.equal(await store.headObject("b", "other"), undefined);
    });
  });
}
