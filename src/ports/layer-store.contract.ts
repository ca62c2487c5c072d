/**
 * The contract every LayerStore adapter passes (SQLite in memory; PostgreSQL runs it too).
 * `open` gives a fresh, empty store per test.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import type { LayerStore, NewLayerVersion } from "./layer-store.js";

const version = (layerName: string, over: Partial<NewLayerVersion> = {}): NewLayerVersion => ({
  layerName,
  description: "d",
  compatibleRuntimes: ["nodejs20.x"],
  compatibleArchitectures: [],
  codeSha256: "c2hh",
  codeSize: 10,
  unzippedSize: 20,
  createdAt: 1_700_000_000_000,
  revisionId: "r1",
  ...over,
});

/** Runs the LayerStore contract against the adapter `open` makes. */
export function runLayerStoreContract(name: string, open: () => Promise<LayerStore>): void {
  void describe(`LayerStore contract: ${name}`, () => {
    let store: LayerStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    void test("versions are numbered from 1 per layer and read back whole", async () => {
      const a1 = await store.publish(version("a", { licenseInfo: "MIT", compatibleArchitectures: ["arm64"] }));
      const a2 = await store.publish(version("a"));
      const b1 = await store.publish(version("b"));
      assert.deepEqual([a1.version, a2.version, b1.version], [1, 2, 1]);
      assert.deepEqual(await store.get("a", 1), {
        ...version("a", { licenseInfo: "MIT", compatibleArchitectures: ["arm64"] }),
        version: 1,
        policy: undefined,
      });
      assert.equal(await store.get("a", 3), undefined);
      assert.deepEqual(
        (await store.listVersions("a")).map((v) => v.version),
        [2, 1],
      );
      assert.deepEqual(
        (await store.listAll()).map((v) => `${v.layerName}:${v.version}`),
        ["a:2", "a:1", "b:1"],
      );
    });

    void test("a number never repeats after delete, even when every version is gone", async () => {
      await store.publish(version("a"));
      await store.publish(version("a"));
      assert.equal(await store.delete("a", 2), true);
      assert.equal(await store.delete("a", 2), false);
      assert.equal((await store.publish(version("a"))).version, 3);
      await store.delete("a", 1);
      await store.delete("a", 3);
      assert.deepEqual(await store.listVersions("a"), []);
      assert.equal((await store.publish(version("a"))).version, 4);
    });

    void test("concurrent publishes take distinct numbers", async () => {
      const done = await Promise.all(Array.from({ length: 8 }, () => store.publish(version("c"))));
      assert.deepEqual(
        done.map((v) => v.version).sort((x, y) => x - y),
        [1, 2, 3, 4, 5, 6, 7, 8],
      );
    });

    void test("the policy changes only from the expected revision", async () => {
      await store.publish(version("a"));
      assert.equal(await store.setPolicy("a", 1, { policy: "{}", expectedRevision: "other", revisionId: "r2" }), false);
      assert.equal(await store.setPolicy("a", 1, { policy: "{}", expectedRevision: "r1", revisionId: "r2" }), true);
      const v = await store.get("a", 1);
      assert.equal(v?.policy, "{}");
      assert.equal(v?.revisionId, "r2");
      assert.equal(
        await store.setPolicy("a", 1, { policy: undefined, expectedRevision: "r2", revisionId: "r3" }),
        true,
      );
      assert.equal((await store.get("a", 1))?.policy, undefined);
      assert.equal(await store.setPolicy("a", 9, { policy: "{}", expectedRevision: "r1", revisionId: "r2" }), false);
    });
  });
}
