import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import {
  credentialsFile,
  formatCredentialsFile,
  generateAccessKey,
  loadNodeCredentials,
  loadNodeSecret,
  nodeSecretFile,
} from "./credentials.js";

describe("loadNodeCredentials", async () => {
  const root = await mkdtemp(join(tmpdir(), "haneul-creds-"));
  after(() => rm(root, { recursive: true, force: true }));

  it("generates a key in a fresh data directory, mode 0600, then loads the same key", async () => {
    const dataDir = join(root, "fresh", ".haneul");
    const first = await loadNodeCredentials({ dataDir });
    assert.equal(first.generatedFile, credentialsFile(dataDir));
    assert.match(first.primary.accessKeyId, /^AKIA[A-Z0-9]{16}$/);
    assert.match(first.primary.secretAccessKey, /^[A-Za-z0-9+/]{40}$/);
    const file = credentialsFile(dataDir);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.equal(await readFile(file, "utf8"), formatCredentialsFile(first.primary));
    assert.match(await readFile(file, "utf8"), /^\[haneul\]\naws_access_key_id = AKIA/);

    const second = await loadNodeCredentials({ dataDir });
    assert.equal(second.generatedFile, undefined);
    assert.deepEqual(second.primary, first.primary);
  });

  it("generates the node secret once, mode 0600, and prefers a configured one", async () => {
    const dataDir = join(root, "secret");
    const first = await loadNodeSecret(dataDir, undefined);
    assert.ok(first.length >= 40);
    assert.equal((await stat(nodeSecretFile(dataDir))).mode & 0o777, 0o600);
    assert.equal(await loadNodeSecret(dataDir, undefined), first);
    assert.equal(await loadNodeSecret(dataDir, "configured-secret-0123"), "configured-secret-0123");
  });

  it("uses a configured key without touching the data directory", async () => {
    const dataDir = join(root, "configured");
    const configured = { accessKeyId: "AKIACONFIGURED000000", secretAccessKey: "s3cret" };
    const c = await loadNodeCredentials({ dataDir, configured });
    assert.deepEqual(c.primary, configured);
    assert.equal(c.generatedFile, undefined);
    await assert.rejects(stat(dataDir), { code: "ENOENT" });
  });

  it("reads a hand-written file with comments and other profiles", async () => {
    const dataDir = join(root, "hand");
    await loadNodeCredentials({ dataDir });
    await writeFile(
      credentialsFile(dataDir),
      "# mine\n[default]\naws_access_key_id = AKIAOTHER\n\n[haneul]\r\naws_access_key_id=AKIAHAND0000000000000\r\n aws_secret_access_key = abc/def \n",
    );
    const c = await loadNodeCredentials({ dataDir });
    assert.deepEqual(c.primary, { accessKeyId: "AKIAHAND0000000000000", secretAccessKey: "abc/def" });
  });

  it("generates keys from the injected randomness", () => {
    const k = generateAccessKey("AKIA", (n) => Buffer.alloc(n, 1));
    assert.equal(k.accessKeyId, "AKIABBBBBBBBBBBBBBBB");
    assert.equal(k.secretAccessKey.length, 40);
  });
});
