import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { zipSync, type Zippable } from "fflate";
import { isPlatformError } from "../shared/errors.js";
import { FsCodeStore, removeTree } from "./fs-code-store.js";

const UNZIP = "Could not unzip uploaded file. Please check your file, then try to upload again.";
const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await removeTree(d);
});

function newStore(limits: { maxZippedBytes?: number; maxUnzippedBytes?: number; maxTotalBytes?: number } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), "haneul-code-"));
  dirs.push(dataDir);
  return { dataDir, store: new FsCodeStore({ dataDir, ...limits }) };
}

const text = (s: string) => new TextEncoder().encode(s);
/** A zip entry made on unix with permission bits `mode` (and file type bits). */
const unix = (data: string, mode: number): [Uint8Array, { os: number; attrs: number }] => [
  text(data),
  { os: 3, attrs: mode << 16 },
];
const zip = (files: Zippable) => Buffer.from(zipSync(files));
const mode = (p: string) => statSync(p).mode & 0o777;
/** Extracted trees (the scope-boundary package.json left out). */
const trees = (dataDir: string) => readdirSync(join(dataDir, "code", "tree")).filter((n) => n !== "package.json");

async function rejects(p: Promise<unknown>, code: string, message: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => isPlatformError(e) && e.code === code && e.message === message);
}

describe("FsCodeStore", () => {
  const app = zip({
    "index.js": unix("exports.handler = async () => 1;", 0o100644),
    bootstrap: unix("#!/bin/sh\necho hi\n", 0o100755),
    "lib/": [new Uint8Array(0), { os: 3, attrs: 0o040755 << 16 }],
    "lib/util.js": unix("module.exports = 2;", 0o100644),
  });

  test("stores by SHA-256, extracts with the zip's modes, then seals the tree read-only", async () => {
    const { dataDir, store } = newStore();
    const pkg = await store.put(app);
    const digest = createHash("sha256").update(app).digest();
    assert.deepEqual(pkg, {
      sha256Hex: digest.toString("hex"),
      codeSha256: digest.toString("base64"),
      size: app.length,
      unzippedSize: "exports.handler = async () => 1;#!/bin/sh\necho hi\nmodule.exports = 2;".length,
    });
    const zipPath = join(dataDir, "code", "zips", `${pkg.sha256Hex}.zip`);
    assert.deepEqual(readFileSync(zipPath), app);
    const tree = await store.extract(pkg.sha256Hex);
    assert.equal(tree, join(dataDir, "code", "tree", pkg.sha256Hex));
    assert.equal(store.treeDir(pkg.sha256Hex), tree);
    assert.equal(readFileSync(join(tree, "lib", "util.js"), "utf8"), "module.exports = 2;");
    assert.equal(mode(join(tree, "bootstrap")), 0o555, "bootstrap keeps its executable bit");
    assert.equal(mode(join(tree, "index.js")), 0o444);
    assert.equal(mode(join(tree, "lib")), 0o555);
    assert.equal(mode(tree), 0o555);
    assert.equal(await store.has(pkg.sha256Hex), true);
    assert.equal(store.location(pkg.sha256Hex), `file://${zipPath}`);
  });

  test("a package.json above the trees keeps code without one CommonJS, whatever encloses the data directory", async () => {
    const { dataDir, store } = newStore();
    await store.put(app);
    const boundary = JSON.parse(readFileSync(join(dataDir, "code", "tree", "package.json"), "utf8")) as Record<
      string,
      unknown
    >;
    assert.equal(boundary.type, undefined);
    assert.equal(boundary.private, true);
  });

  test("the same bytes are stored and extracted once, also when put concurrently", async () => {
    const { dataDir, store } = newStore();
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => store.put(app)));
    assert.equal(new Set(results.map((r) => r.sha256Hex)).size, 1);
    assert.deepEqual(trees(dataDir), [results[0]!.sha256Hex]);
    assert.equal(readdirSync(join(dataDir, "code", "zips")).length, 1);
    await store.put(app);
    assert.deepEqual(trees(dataDir), [results[0]!.sha256Hex]);
  });

  test("a second store on the same directory racing the first one ends with one tree", async () => {
    const { dataDir, store } = newStore();
    const other = new FsCodeStore({ dataDir });
    const [a, b] = await Promise.all([store.put(app), other.put(app)]);
    assert.equal(a.sha256Hex, b.sha256Hex);
    assert.deepEqual(trees(dataDir), [a.sha256Hex]);
  });

  test("a missing tree is extracted again from the stored zip", async () => {
    const { store } = newStore();
    const pkg = await store.put(app);
    await removeTree(store.treeDir(pkg.sha256Hex));
    const tree = await store.extract(pkg.sha256Hex);
    assert.equal(mode(join(tree, "bootstrap")), 0o555);
  });

  test("inspect validates and hashes without writing anything", async () => {
    const { dataDir, store } = newStore();
    const pkg = await store.inspect(app);
    assert.equal(pkg.size, app.length);
    assert.equal(existsSync(join(dataDir, "code")), false);
  });

  test("not a zip, or a truncated one, is InvalidParameterValueException with AWS's text", async () => {
    const { store } = newStore();
    await rejects(store.put(Buffer.from("hello, not a zip")), "ERR_INVALID_PARAMETER", UNZIP);
    await rejects(store.put(app.subarray(0, app.length - 30)), "ERR_INVALID_PARAMETER", UNZIP);
    await rejects(store.put(Buffer.alloc(0)), "ERR_INVALID_PARAMETER", UNZIP);
  });

  test("corrupt compressed data fails at extraction and leaves no tree or temporary directory", async () => {
    const { dataDir, store } = newStore();
    const big = zipSync({ "a.txt": [text("x".repeat(5000) + "y".repeat(5000)), { level: 9 }] });
    const damaged = Buffer.from(big);
    for (let i = 40; i < 60; i++) damaged[i] = 0xff;
    await rejects(store.put(damaged), "ERR_INVALID_PARAMETER", UNZIP);
    assert.deepEqual(trees(dataDir), []);
    assert.equal(existsSync(join(dataDir, "code", "zips")), false, "the corrupt zip is not kept");
  });

  test("zip-slip: entries outside the root are refused and nothing is written outside", async () => {
    const { dataDir, store } = newStore();
    await rejects(store.put(zip({ "../evil.txt": text("x") })), "ERR_INVALID_PARAMETER", UNZIP);
    await rejects(store.put(zip({ "a/../../evil.txt": text("x") })), "ERR_INVALID_PARAMETER", UNZIP);
    await rejects(store.put(zip({ "/etc/evil.txt": text("x") })), "ERR_INVALID_PARAMETER", UNZIP);
    assert.equal(existsSync(join(dataDir, "code", "evil.txt")), false);
    assert.equal(existsSync(join(dataDir, "evil.txt")), false);
  });

  test("symlinks are kept when they point inside the package, refused when they escape", async () => {
    const { store } = newStore();
    const ok = await store.put(zip({ "real.js": text("1"), "link.js": unix("real.js", 0o120777) }));
    const tree = await store.extract(ok.sha256Hex);
    assert.equal(lstatSync(join(tree, "link.js")).isSymbolicLink(), true);
    assert.equal(readlinkSync(join(tree, "link.js")), "real.js");
    await rejects(store.put(zip({ "up.js": unix("../../../etc/passwd", 0o120777) })), "ERR_INVALID_PARAMETER", UNZIP);
    await rejects(store.put(zip({ "abs.js": unix("/etc/passwd", 0o120777) })), "ERR_INVALID_PARAMETER", UNZIP);
  });

  test("a zip made without unix modes gets 0444 files", async () => {
    const { store } = newStore();
    const pkg = await store.put(zip({ "index.js": [text("1"), { os: 0 }] }));
    assert.equal(mode(join(store.treeDir(pkg.sha256Hex), "index.js")), 0o444);
  });

  test("size limits: unzipped is InvalidParameterValueException, zipped is RequestEntityTooLarge", async () => {
    const { store } = newStore({ maxUnzippedBytes: 1000, maxZippedBytes: 5000 });
    const unzippedTooBig = zip({ "a.txt": text("a".repeat(600)), "b.txt": text("b".repeat(600)) });
    await rejects(store.put(unzippedTooBig), "ERR_INVALID_PARAMETER", "Unzipped size must be smaller than 1000 bytes");
    const random = Buffer.from(Array.from({ length: 6000 }, (_, i) => (i * 7919) % 251));
    const zippedTooBig = Buffer.from(zipSync({ "r.bin": [random, { level: 0 }] }));
    await rejects(store.put(zippedTooBig), "ERR_REQUEST_TOO_LARGE", "Zipped size must be smaller than 5000 bytes");
  });

  test("total code storage: a new zip over the account limit is CodeStorageExceededException", async () => {
    const first = zip({ "a.js": text("1") });
    const second = zip({ "b.js": text("2") });
    const { dataDir, store } = newStore({ maxTotalBytes: first.length + second.length - 1 });
    await store.put(first);
    await store.put(first);
    await rejects(store.put(second), "ERR_CODE_STORAGE_EXCEEDED", "Code storage limit exceeded.");
    const reopened = new FsCodeStore({ dataDir, maxTotalBytes: first.length + second.length });
    assert.equal((await reopened.put(second)).size, second.length, "the total is counted from disk");
  });
});
