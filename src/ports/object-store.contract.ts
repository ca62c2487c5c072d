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

    void test("multipart: parts replaced and listed, completed in the order asked, the upload then gone", async () => {
      await store.createBucket({ name: "b", createdAt: 1 });
      await store.createUpload({
        uploadId: "u1",
        bucket: "b",
        key: "big",
        contentType: "application/zip",
        initiated: 5,
      });
      assert.deepEqual(await store.getUpload("u1"), {
        uploadId: "u1",
        bucket: "b",
        key: "big",
        contentType: "application/zip",
        initiated: 5,
      });
      const part = (n: number, body: Buffer) => ({
        uploadId: "u1",
        partNumber: n,
        size: body.length,
        etag: `"p${n}"`,
        lastModified: 7,
      });
      const [one, two, three] = [Buffer.from([1, 0, 255]), Buffer.from("two"), Buffer.from("three")];
      assert.equal(await store.putPart(part(2, Buffer.from("old")), Buffer.from("old")), true);
      assert.equal(await store.putPart(part(2, two), two), true);
      assert.equal(await store.putPart(part(1, one), one), true);
      assert.equal(await store.putPart(part(3, three), three), true);
      assert.equal(await store.putPart({ ...part(1, one), uploadId: "nope" }, one), false);
      assert.deepEqual(await store.listParts("u1", { after: 0, limit: 10 }), [
        part(1, one),
        part(2, two),
        part(3, three),
      ]);
      assert.deepEqual(
        (await store.listParts("u1", { after: 1, limit: 1 })).map((p) => p.partNumber),
        [2],
      );
      const whole = Buffer.concat([one, three]);
      const m = meta("big", whole, { etag: '"x-2"', contentType: "application/zip" });
      assert.equal(await store.completeUpload("u1", m, [1, 3]), true);
      assert.deepEqual(await store.getObject("b", "big"), { meta: m, body: whole });
      assert.equal(await store.getUpload("u1"), undefined);
      assert.deepEqual(await store.listParts("u1", { after: 0, limit: 10 }), []);
      assert.equal(await store.completeUpload("u1", m, [1]), false);
    });

    void test("multipart: a part missing at completion writes nothing; abort removes the parts", async () => {
      await store.createBucket({ name: "b", createdAt: 1 });
      await store.createUpload({ uploadId: "u", bucket: "b", key: "k", initiated: 1 });
      const body = Buffer.from("x");
      await store.putPart({ uploadId: "u", partNumber: 1, size: 1, etag: '"e"', lastModified: 1 }, body);
      assert.equal(await store.completeUpload("u", meta("k", body), [1, 2]), false);
      assert.equal(await store.headObject("b", "k"), undefined);
      assert.equal((await store.getUpload("u"))?.key, "k");
      assert.equal(await store.abortUpload("u"), true);
      assert.equal(await store.abortUpload("u"), false);
      assert.deepEqual(await store.listParts("u", { after: 0, limit: 10 }), []);
    });

    void test("multipart: uploads listed by key then id after a marker; removed with their bucket", async () => {
      await store.createBucket({ name: "b", createdAt: 1 });
      await store.createBucket({ name: "c", createdAt: 1 });
      for (const [id, key] of [
        ["u2", "a"],
        ["u1", "a"],
        ["u3", "dir/x"],
        ["u4", "dir/y"],
      ] as const)
        await store.createUpload({ uploadId: id, bucket: "b", key, initiated: 1 });
      await store.createUpload({ uploadId: "u5", bucket: "c", key: "a", initiated: 1 });
      const ids = async (o: { prefix: string; afterKey: string; afterUploadId: string; limit: number }) =>
        (await store.listUploads("b", o)).map((u) => u.uploadId);
      assert.deepEqual(await ids({ prefix: "", afterKey: "", afterUploadId: "", limit: 10 }), ["u1", "u2", "u3", "u4"]);
      assert.deepEqual(await ids({ prefix: "", afterKey: "a", afterUploadId: "u1", limit: 2 }), ["u2", "u3"]);
      assert.deepEqual(await ids({ prefix: "dir/", afterKey: "", afterUploadId: "", limit: 10 }), ["u3", "u4"]);
      await store.putPart({ uploadId: "u3", partNumber: 1, size: 1, etag: '"e"', lastModified: 1 }, Buffer.from("x"));
      assert.equal(await store.deleteBucket("b"), true);
      assert.equal(await store.getUpload("u3"), undefined);
      assert.deepEqual(await store.listParts("u3", { after: 0, limit: 10 }), []);
      assert.equal((await store.getUpload("u5"))?.bucket, "c");
    });
  });
}
