import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, describe, test } from "node:test";
import { zipSync } from "fflate";
import { pgFixture } from "../../../test/helpers/postgres.js";
import { isPlatformError } from "../../shared/errors.js";
import { FsCodeStore, removeTree } from "../fs-code-store.js";
import type { PgDatabase } from "./database.js";
import { PgZipStore } from "./pg-zip-store.js";

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await removeTree(d);
});
const dataDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), "haneul-node-"));
  dirs.push(d);
  return d;
};
const hex = (zip: Uint8Array) => createHash("sha256").update(zip).digest("hex");
const appZip = (body: string) =>
  Buffer.from(zipSync({ "index.js": new TextEncoder().encode(`exports.handler = async () => ${body};`) }));

/** A database per test (the fixture's own, emptied), with a handle that ends it. */
const open = pgFixture((db: PgDatabase) => {
  db.retain();
  return { db, zips: new PgZipStore(db), close: () => db.release() };
});

describe("PgZipStore", () => {
  test("stores a package once per digest and hands its bytes back", async () => {
    const { zips, close } = await open();
    const zip = appZip("1");
    assert.equal(await zips.has(hex(zip)), false);
    assert.equal(await zips.get(hex(zip)), undefined);
    assert.equal(await zips.put(hex(zip), zip, 1), true);
    assert.equal(await zips.put(hex(zip), zip, 2), false);
    assert.equal(await zips.has(hex(zip)), true);
    assert.deepEqual(await zips.get(hex(zip)), zip);
    const other = appZip("22");
    await zips.put(hex(other), other, 3);
    assert.equal(await zips.totalBytes(), zip.length + other.length);
    await close();
  });

  test("two nodes: code stored through one is extracted by the other from the database", async () => {
    const { zips, close } = await open();
    const first = new FsCodeStore({ dataDir: dataDir(), shared: zips });
    const secondDir = dataDir();
    const second = new FsCodeStore({ dataDir: secondDir, shared: zips });
    const zip = appZip("'from node one'");
    const pkg = await first.put(zip);
    assert.equal(await second.has(pkg.sha256Hex), true);
    assert.equal(existsSync(second.treeDir(pkg.sha256Hex)), false);
    const tree = await second.extract(pkg.sha256Hex);
    assert.equal(tree, join(secondDir, "code", "tree", pkg.sha256Hex));
    assert.match(readFileSync(join(tree, "index.js"), "utf8"), /from node one/);
    // GetFunction's Code.Location on the second node: its own cached copy of the zip.
    assert.deepEqual(readFileSync(fileURLToPath(second.location(pkg.sha256Hex))), zip);
    // Stored once: putting the same bytes through the second node adds nothing.
    await second.put(zip);
    assert.equal(await zips.totalBytes(), zip.length);
    await close();
  });

  test("the code storage limit counts every node's packages", async () => {
    const { zips, close } = await open();
    const a = appZip("'a'");
    const b = appZip("'b'");
    const one = new FsCodeStore({ dataDir: dataDir(), shared: zips, maxTotalBytes: a.length + b.length - 1 });
    const two = new FsCodeStore({ dataDir: dataDir(), shared: zips, maxTotalBytes: a.length + b.length - 1 });
    await one.put(a);
    await assert.rejects(two.put(b), (e: unknown) => isPlatformError(e) && e.code === "ERR_CODE_STORAGE_EXCEEDED");
    await close();
  });
});
