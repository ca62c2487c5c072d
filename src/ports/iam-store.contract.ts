/**
 * The contract every IamStore adapter passes (SQLite file and memory; PostgreSQL runs it too).
 * `open` gives a fresh, empty store per test.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import type { CustomerPolicyRecord, IamRoleRecord, IamStore, IamUserRecord } from "./iam-store.js";

/** A user record; fields overridable. */
export function sampleUser(userName: string, over: Partial<IamUserRecord> = {}): IamUserRecord {
  return {
    userName,
    userId: `AIDA${userName.toUpperCase().padEnd(17, "X")}`,
    path: "/",
    createdAt: 1_700_000_000_000,
    ...over,
  };
}

/** A role record; fields overridable. */
export function sampleRole(roleName: string, over: Partial<IamRoleRecord> = {}): IamRoleRecord {
  return {
    roleName,
    roleId: `AROA${roleName.toUpperCase().padEnd(17, "X")}`,
    path: "/",
    createdAt: 1_700_000_000_000,
    assumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[]}',
    maxSessionDuration: 3600,
    ...over,
  };
}

/** A customer managed policy record with one version; fields overridable. */
export function samplePolicy(policyName: string, over: Partial<CustomerPolicyRecord> = {}): CustomerPolicyRecord {
  return {
    policyName,
    policyId: `ANPA${policyName.toUpperCase().padEnd(17, "X")}`,
    path: "/",
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    defaultVersionId: "v1",
    versions: [{ versionId: "v1", document: '{"Version":"2012-10-17","Statement":[]}', createdAt: 1_700_000_000_000 }],
    nextVersion: 2,
    tags: [],
    ...over,
  };
}

/** Runs the IamStore contract against the adapter `open` makes. */
export function runIamStoreContract(name: string, open: () => Promise<IamStore>): void {
  void describe(`IamStore contract: ${name}`, () => {
    let store: IamStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    void test("users: insert once per name without regard to case, list in order, delete", async () => {
      assert.equal(await store.insertUser(sampleUser("alice")), true);
      assert.equal(await store.insertUser(sampleUser("Alice", { userId: "AIDAOTHER" })), false);
      assert.equal(await store.insertUser(sampleUser("bob", { path: "/ci/" })), true);
      assert.deepEqual(await store.listUsers(), [sampleUser("alice"), sampleUser("bob", { path: "/ci/" })]);
      assert.equal(await store.deleteUser("ALICE"), true);
      assert.equal(await store.deleteUser("alice"), false);
      assert.deepEqual(
        (await store.listUsers()).map((u) => u.userName),
        ["bob"],
      );
    });

    void test("roles keep their trust policy, description and session duration", async () => {
      const role = sampleRole("fn-role", { description: "for f", maxSessionDuration: 7200 });
      assert.equal(await store.insertRole(role), true);
      assert.equal(await store.insertRole(sampleRole("FN-ROLE")), false);
      assert.deepEqual(await store.listRoles(), [role]);
      assert.equal(await store.deleteRole("fn-role"), true);
      assert.deepEqual(await store.listRoles(), []);
    });

    void test("access keys belong to a user and keep their sealed secret", async () => {
      await store.insertUser(sampleUser("ci"));
      const key = {
        accessKeyId: "AKIAEXAMPLE000000001",
        userName: "ci",
        status: "Active" as const,
        createdAt: 5,
        sealedSecret: "v1.abc",
      };
      await store.insertAccessKey(key);
      assert.deepEqual(await store.listAccessKeys(), [key]);
      assert.equal(await store.deleteAccessKey("other", key.accessKeyId), false);
      assert.equal(await store.deleteAccessKey("ci", key.accessKeyId), true);
      assert.deepEqual(await store.listAccessKeys(), []);
    });

    void test("inline policies are replaced by name and deleted per owner", async () => {
      const owner = { kind: "user" as const, name: "ci" };
      const roleOwner = { kind: "role" as const, name: "ci" };
      await store.putInlinePolicy({ owner, policyName: "p", document: "{1}" });
      await store.putInlinePolicy({ owner, policyName: "p", document: "{2}" });
      await store.putInlinePolicy({ owner: roleOwner, policyName: "p", document: "{3}" });
      assert.deepEqual(await store.listInlinePolicies(), [
        { owner, policyName: "p", document: "{2}" },
        { owner: roleOwner, policyName: "p", document: "{3}" },
      ]);
      assert.equal(await store.deleteInlinePolicy(owner, "p"), true);
      assert.equal(await store.deleteInlinePolicy(owner, "p"), false);
      assert.equal((await store.listInlinePolicies()).length, 1);
    });

    void test("managed policy attachments: once per owner and ARN, in order, detachable", async () => {
      const owner = { kind: "role" as const, name: "r" };
      const arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
      assert.equal(await store.attachPolicy(owner, arn), true);
      assert.equal(await store.attachPolicy(owner, arn), false);
      assert.equal(await store.attachPolicy(owner, "arn:aws:iam::aws:policy/AWSLambdaRole"), true);
      assert.deepEqual(
        (await store.listAttachments()).map((a) => a.policyArn),
        [arn, "arn:aws:iam::aws:policy/AWSLambdaRole"],
      );
      assert.equal(await store.detachPolicy(owner, arn), true);
      assert.equal(await store.detachPolicy(owner, arn), false);
      assert.deepEqual(await store.listAttachments(), [{ owner, policyArn: "arn:aws:iam::aws:policy/AWSLambdaRole" }]);
    });

    void test("role tags are kept by replacing the role's record", async () => {
      const role = sampleRole("tagged");
      await store.insertRole(role);
      const tagged = {
        ...role,
        tags: [
          { Key: "team", Value: "a" },
          { Key: "Env", Value: "prod" },
        ],
      };
      assert.equal(await store.updateRole({ ...tagged, roleName: "TAGGED" }), true);
      assert.deepEqual((await store.listRoles())[0]?.tags, tagged.tags);
      assert.equal(await store.updateRole(sampleRole("missing")), false);
    });

    void test("customer managed policies: once per name without regard to case, versions and tags replaced, deleted", async () => {
      const p = samplePolicy("AppPolicy", { path: "/app/", description: "d", tags: [{ Key: "k", Value: "v" }] });
      assert.equal(await store.insertPolicy(p), true);
      assert.equal(await store.insertPolicy(samplePolicy("apppolicy", { path: "/other/" })), false);
      assert.equal(await store.insertPolicy(samplePolicy("Second")), true);
      assert.deepEqual(await store.listPolicies(), [p, samplePolicy("Second")]);
      const v2 = {
        versionId: "v2",
        document: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
        createdAt: 9,
      };
      const changed = { ...p, versions: [...p.versions, v2], defaultVersionId: "v2", nextVersion: 3, updatedAt: 9 };
      assert.equal(await store.updatePolicy(changed), true);
      assert.deepEqual((await store.listPolicies())[0], changed);
      assert.equal(await store.updatePolicy(samplePolicy("missing")), false);
      assert.equal(await store.deletePolicy("APPPOLICY"), true);
      assert.equal(await store.deletePolicy("AppPolicy"), false);
      assert.deepEqual(
        (await store.listPolicies()).map((x) => x.policyName),
        ["Second"],
      );
    });

    void test("customer policy ARNs attach like AWS managed ones", async () => {
      const owner = { kind: "user" as const, name: "u" };
      const arn = "arn:aws:iam::123456789012:policy/app/AppPolicy";
      assert.equal(await store.attachPolicy(owner, arn), true);
      assert.deepEqual(await store.listAttachments(), [{ owner, policyArn: arn }]);
      assert.equal(await store.detachPolicy({ kind: "user", name: "U" }, arn), true);
    });
  });
}
