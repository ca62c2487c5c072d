import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
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

  test("chained links: a link whose text stays inside but leads outside writes nothing outside", async () => {
    const { dataDir, store } = newStore();
    const outside = join(dataDir, "outside");
    // h leads three levels up (still inside by its text); h/esc then climbs eight more from h's
    // real place: lexically the tree root, physically far above it. The last entry writes through both.
    const chain = {
      "a/b/c/d/e/f/g/h": unix("../../..", 0o120777),
      "a/b/c/d/e/f/g/h/esc": unix("../../../../../../../..", 0o120777),
      "a/b/c/d/e/f/g/h/esc/outside/pwned.txt": unix("pwned", 0o100644),
    };
    await rejects(store.put(zip(chain)), "ERR_INVALID_PARAMETER", UNZIP);
    const linksOnly = {
      "a/b/c/d/e/f/g/h": chain["a/b/c/d/e/f/g/h"],
      "a/b/c/d/e/f/g/h/esc": chain["a/b/c/d/e/f/g/h/esc"],
    };
    await rejects(store.put(zip(linksOnly)), "ERR_INVALID_PARAMETER", UNZIP);
    // The same names in the other order: the file first, then the links over its directories.
    const reversed = Object.fromEntries(Object.entries(chain).reverse());
    await rejects(store.put(zip(reversed)), "ERR_INVALID_PARAMETER", UNZIP);
    assert.equal(existsSync(outside), false);
    assert.equal(existsSync(join(dataDir, "code", "outside")), false);
    assert.deepEqual(trees(dataDir), [], "no tree and no temporary directory is left");
  });

  test("links to links inside the package are kept; a loop is refused", async () => {
    const { store } = newStore();
    const ok = await store.put(
      zip({
        "lib/real.js": text("1"),
        "lib/alias.js": unix("real.js", 0o120777),
        "top.js": unix("lib/alias.js", 0o120777),
      }),
    );
    const tree = await store.extract(ok.sha256Hex);
    assert.equal(readFileSync(join(tree, "top.js"), "utf8"), "1");
    await rejects(
      store.put(zip({ "x.js": unix("y.js", 0o120777), "y.js": unix("x.js", 0o120777) })),
      "ERR_INVALID_PARAMETER",
      UNZIP,
    );
  });

  test("a data directory reached through a link extracts against its real path", async () => {
    const { dataDir } = newStore();
    const via = join(mkdtempSync(join(tmpdir(), "haneul-code-link-")), "data");
    dirs.push(dirname(via));
    symlinkSync(dataDir, via);
    const store = new FsCodeStore({ dataDir: via });
    const pkg = await store.put(zip({ "index.js": text("1"), "l.js": unix("index.js", 0o120777) }));
    assert.equal(readFileSync(join(dataDir, "code", "tree", pkg.sha256Hex, "l.js"), "utf8"), "1");
  });

  test("leftovers of a crash (partial extractions, temporary zips) are removed at start", async () => {
    const { dataDir, store } = newStore();
    const pkg = await store.put(app);
    const partial = join(dataDir, "code", "tree", `.tmp-${pkg.sha256Hex}-abcdef`);
    mkdirSync(join(partial, "lib"), { recursive: true });
    writeFileSync(join(partial, "lib", "half.js"), "x");
    chmodSync(join(partial, "lib"), 0o555);
    const tempZip = join(dataDir, "code", "zips", `${pkg.sha256Hex}.zip.0123456789ab.tmp`);
    writeFileSync(tempZip, "partial");
    await store.removeLeftovers();
    assert.equal(existsSync(partial), false);
    assert.equal(existsSync(tempZip), false);
    assert.deepEqual(trees(dataDir), [pkg.sha256Hex], "finished trees stay");
    assert.equal(existsSync(join(dataDir, "code", "zips", `${pkg.sha256Hex}.zip`)), true, "stored zips stay");
    await new FsCodeStore({ dataDir: join(dataDir, "nothing-yet") }).removeLeftovers();
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
