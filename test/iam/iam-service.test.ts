/**
 * The IAM service over a real SQLite store, in simulated time: role-session keys of function
 * instances (expiry, revocation when the role goes, a role recreated under the same name not
 * reviving old sessions), sealed key secrets, and state surviving a reopen.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { SqliteIamStore } from "../../src/adapters/sqlite/iam-store.js";
import { IamService, SESSION_LIFETIME_MS } from "../../src/iam/index.js";
import { ManualClock } from "../../src/shared/clock.js";
import { isPlatformError } from "../../src/shared/errors.js";

const dir = mkdtempSync(join(tmpdir(), "haneul-iam-service-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const TRUST =
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}';
const ALLOW_ALL = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}';

async function open(path: string, clock: ManualClock, nodeSecret = "node-secret-for-tests-0123456789") {
  const store = SqliteIamStore.open({ path });
  const iam = await IamService.open({
    store,
    clock,
    accountId: "123456789012",
    nodeSecret,
    admin: { accessKeyId: "AKIAADMIN00000000000", secretAccessKey: "admin-secret" },
  });
  return { store, iam };
}

describe("IamService", () => {
  test("instance keys: a session of the role, valid for 12 hours, ended with the role", async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const { store, iam } = await open(join(dir, "a.db"), clock);
    await iam.createRole({ roleName: "fn-role", trustPolicy: TRUST });
    await iam.putInlinePolicy("role", "fn-role", "all", ALLOW_ALL);
    const key = iam.sessionCredentials("arn:aws:iam::123456789012:role/fn-role", "my-fn");
    assert.match(key.accessKeyId, /^ASIA[A-Z2-7]{16}$/);
    const found = iam.lookup(key.accessKeyId, key.sessionToken);
    assert.equal(found?.secret, key.secretAccessKey);
    assert.equal(found?.caller.principal.arn, "arn:aws:sts::123456789012:assumed-role/fn-role/my-fn");
    assert.equal((found?.caller.policies as unknown[]).length, 1);
    assert.equal(iam.lookup(key.accessKeyId, undefined), undefined, "a session key needs its token");
    assert.equal(iam.lookup(key.accessKeyId, `${key.sessionToken}x`), undefined, "a forged token is refused");
    // The role deleted and created again: old sessions may do nothing.
    await iam.deleteInlinePolicy("role", "fn-role", "all");
    await iam.deleteRole("fn-role");
    await iam.createRole({ roleName: "fn-role", trustPolicy: TRUST });
    await iam.putInlinePolicy("role", "fn-role", "all", ALLOW_ALL);
    assert.deepEqual(iam.lookup(key.accessKeyId, key.sessionToken)?.caller.policies, []);
    const fresh = iam.sessionCredentials("arn:aws:iam::123456789012:role/fn-role", "my-fn");
    assert.equal((iam.lookup(fresh.accessKeyId, fresh.sessionToken)?.caller.policies as unknown[]).length, 1);
    clock.advance(SESSION_LIFETIME_MS + 1);
    assert.throws(
      () => iam.lookup(fresh.accessKeyId, fresh.sessionToken),
      (e: unknown) => isPlatformError(e) && e.code === "ERR_EXPIRED_TOKEN",
    );
    // A role the node does not know gets a session that can do nothing.
    const unknown = iam.sessionCredentials("arn:aws:iam::123456789012:role/nobody", "f");
    assert.deepEqual(iam.lookup(unknown.accessKeyId, unknown.sessionToken)?.caller.policies, []);
    await store.close();
  });

  test("access key secrets are stored sealed, survive a reopen, and need the node secret", async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const path = join(dir, "b.db");
    const first = await open(path, clock);
    await first.iam.createUser("ci");
    const key = await first.iam.createAccessKey("ci");
    await first.store.close();
    // Closing checkpoints the WAL into the file: everything stored is in it.
    const raw = readFileSync(path).toString("latin1");
    assert.ok(raw.includes(key.accessKeyId), "the key id is stored");
    assert.ok(!raw.includes(key.secretAccessKey), "the secret is not stored in the clear");
    const again = await open(path, clock);
    assert.equal(again.iam.lookup(key.accessKeyId, undefined)?.secret, key.secretAccessKey);
    assert.equal(
      again.iam.lookup(key.accessKeyId, undefined)?.caller.principal.arn,
      "arn:aws:iam::123456789012:user/ci",
    );
    await again.store.close();
    const otherSecret = await open(path, clock, "another-node-secret-0123456789");
    assert.equal(otherSecret.iam.lookup(key.accessKeyId, undefined), undefined);
    await otherSecret.store.close();
  });
});
