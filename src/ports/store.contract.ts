import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import type { FunctionConfig, FunctionRecord, PolicyChange, Store } from "./store.js";
import { registerQueueContract } from "./store.queue-contract.js";

/** A config as the control plane would store it; fields overridable. */
export function sampleConfig(over: Partial<FunctionConfig> = {}): FunctionConfig {
  return {
    runtime: "nodejs20.x",
    role: "arn:aws:iam::123456789012:role/r",
    handler: "index.handler",
    description: "",
    timeout: 3,
    memorySize: 128,
    environment: { A: "1" },
    tracingMode: "PassThrough",
    architectures: ["x86_64"],
    ephemeralStorageSize: 512,
    logFormat: "Text",
    logGroup: "/aws/lambda/fn",
    codeSha256: "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=",
    codeSize: 10,
    packageType: "Zip",
    ...over,
  };
}

/** A `$LATEST` record; fields overridable. */
export function sampleFunction(name: string, over: Partial<FunctionRecord> = {}): FunctionRecord {
  return {
    name,
    config: sampleConfig({ logGroup: `/aws/lambda/${name}` }),
    revisionId: `rev-${name}-1`,
    configRevision: `cfg-${name}-1`,
    state: "Active",
    tags: {},
    lastModified: 1_700_000_000_000,
    createdAt: 1_700_000_000_000,
    ...over,
  };
}

/** Per-test access to a fresh store. */
export interface StoreFixture {
  readonly store: () => Store;
}

/**
 * Registers the Store contract as node:test tests. Every adapter runs it; `makeStore` returns a
 * fresh, empty store per test (closed by the suite afterwards).
 */
export function runStoreContract(name: string, makeStore: () => Promise<Store>): void {
  void describe(`Store contract: ${name}`, () => {
    let current: Store | undefined;
    beforeEach(async () => {
      current = await makeStore();
    });
    afterEach(async () => {
      await current?.close();
      current = undefined;
    });
    const fx: StoreFixture = {
      store: () => {
        if (!current) throw new Error("store not open");
        return current;
      },
    };
    registerFunctionContract(fx);
    registerVersionContract(fx);
    registerAliasContract(fx);
    registerSettingsContract(fx);
    registerPolicyContract(fx);
    registerQueueContract(fx);
  });
}

function registerFunctionContract(fx: StoreFixture): void {
  void test("functions: insert, get, list by name, duplicate insert refused", async () => {
    const s = fx.store();
    assert.equal(await s.insertFunction(sampleFunction("b")), true);
    assert.equal(await s.insertFunction(sampleFunction("a", { tags: { team: "x" }, reservedConcurrency: 3 })), true);
    assert.equal(await s.insertFunction(sampleFunction("a")), false);
    assert.deepEqual(await s.getFunction("a"), sampleFunction("a", { tags: { team: "x" }, reservedConcurrency: 3 }));
    assert.equal(await s.getFunction("zzz"), undefined);
    assert.deepEqual(
      (await s.listFunctions()).map((f) => f.name),
      ["a", "b"],
    );
  });

  void test("functions: update is compare-and-set on the RevisionId", async () => {
    const s = fx.store();
    await s.insertFunction(sampleFunction("fn"));
    const next = sampleFunction("fn", {
      revisionId: "rev-2",
      configRevision: "cfg-2",
      config: sampleConfig({ timeout: 9 }),
    });
    assert.equal(await s.updateFunction(next, "wrong"), false);
    assert.equal(await s.updateFunction(next, "rev-fn-1"), true);
    assert.equal((await s.getFunction("fn"))?.config.timeout, 9);
    assert.equal(await s.updateFunction({ ...next, revisionId: "rev-3" }, "rev-fn-1"), false);
    assert.equal(await s.updateFunction(sampleFunction("nope"), "rev-nope-1"), false);
  });

  void test("functions: optional config fields round-trip, absent Environment stays absent", async () => {
    const s = fx.store();
    const config = sampleConfig({ environment: undefined, handler: undefined, runtime: "provided.al2023" });
    await s.insertFunction(sampleFunction("p", { config }));
    const got = await s.getFunction("p");
    assert.equal(got?.config.environment, undefined);
    assert.equal(got?.config.handler, undefined);
    assert.equal(got?.config.runtime, "provided.al2023");
  });

  void test("functions: delete removes versions, aliases and event-invoke configs", async () => {
    const s = fx.store();
    await s.insertFunction(sampleFunction("fn"));
    await publish(s, "fn", "rev-fn-1", "rev-fn-2");
    await s.insertAlias({ functionName: "fn", name: "live", functionVersion: "1", description: "", revisionId: "a1" });
    await s.putEventInvokeConfig({
      functionName: "fn",
      qualifier: "$LATEST",
      maximumRetryAttempts: 1,
      lastModified: 5,
    });
    assert.equal(await s.deleteFunction("fn"), true);
    assert.equal(await s.deleteFunction("fn"), false);
    assert.deepEqual(await s.listVersions("fn"), []);
    assert.deepEqual(await s.listAliases("fn"), []);
    assert.deepEqual(await s.listEventInvokeConfigs("fn"), []);
    // A new function of the same name is a new function: its numbering starts again.
    await s.insertFunction(sampleFunction("fn"));
    const again = await publish(s, "fn", "rev-fn-1", "x");
    assert.equal(again.kind === "published" && again.version.version, 1);
  });
}

/** Publishes `$LATEST` of `name` expecting revision `expected`. */
export function publish(s: Store, name: string, expected: string, next: string, description = "") {
  return s.publishVersion({
    functionName: name,
    expectedRevisionId: expected,
    newLatestRevisionId: next,
    version: {
      config: sampleConfig({ description }),
      revisionId: `v-${next}`,
      configRevision: `cfg-${next}`,
      lastModified: 5,
      createdAt: 6,
    },
  });
}

function registerVersionContract(fx: StoreFixture): void {
  void test("versions: numbers increase, RevisionId of $LATEST moves, stale revision conflicts", async () => {
    const s = fx.store();
    await s.insertFunction(sampleFunction("fn"));
    const v1 = await publish(s, "fn", "rev-fn-1", "r2", "one");
    assert.equal(v1.kind, "published");
    assert.equal(v1.kind === "published" && v1.version.version, 1);
    assert.equal((await s.getFunction("fn"))?.revisionId, "r2");
    assert.deepEqual(await publish(s, "fn", "rev-fn-1", "r3"), { kind: "conflict" });
    const v2 = await publish(s, "fn", "r2", "r3", "two");
    assert.equal(v2.kind === "published" && v2.version.version, 2);
    assert.deepEqual(await publish(s, "missing", "x", "y"), { kind: "not-found" });
    const listed = await s.listVersions("fn");
    assert.deepEqual(
      listed.map((v) => [v.version, v.config.description, v.configRevision]),
      [
        [1, "one", "cfg-r2"],
        [2, "two", "cfg-r3"],
      ],
    );
    assert.deepEqual(await s.getVersion("fn", 2), listed[1]);
    assert.equal(await s.getVersion("fn", 3), undefined);
  });

  void test("versions: a deleted number is never handed out again", async () => {
    const s = fx.store();
    await s.insertFunction(sampleFunction("fn"));
    await publish(s, "fn", "rev-fn-1", "r2");
    await publish(s, "fn", "r2", "r3");
    assert.deepEqual(await s.deleteVersion("fn", 2), { kind: "deleted" });
    assert.deepEqual(await s.deleteVersion("fn", 2), { kind: "not-found" });
    const v3 = await publish(s, "fn", "r3", "r4");
    assert.equal(v3.kind === "published" && v3.version.version, 3);
  });

  void test("versions: concurrent publishes on one revision yield one version", async () => {
    const s = fx.store();
    await s.insertFunction(sampleFunction("fn"));
    const results = await Promise.all([publish(s, "fn", "rev-fn-1", "a"), publish(s, "fn", "rev-fn-1", "b")]);
    assert.deepEqual(results.map((r) => r.kind).sort(), ["conflict", "published"]);
    assert.equal((await s.listVersions("fn")).length, 1);
  });

  void test("versions: a version an alias routes to cannot be deleted", async () => {
    const s = fx.store();
    await s.insertFunction(sampleFunction("fn"));
    await publish(s, "fn", "rev-fn-1", "r2");
    await publish(s, "fn", "r2", "r3");
    const extra = { version: "2", weight: 0.1 };
    await s.insertAlias({ functionName: "fn", name: "live", functionVersion: "1", description: "", revisionId: "a" });
    await s.insertAlias({
      functionName: "fn",
      name: "beta",
      functionVersion: "1",
      additionalVersion: extra,
      description: "",
      revisionId: "b",
    });
    assert.deepEqual(await s.deleteVersion("fn", 1), { kind: "referenced", aliases: ["beta", "live"] });
    assert.deepEqual(await s.deleteVersion("fn", 2), { kind: "referenced", aliases: ["beta"] });
    await s.putEventInvokeConfig({ functionName: "fn", qualifier: "2", maximumRetryAttempts: 0, lastModified: 1 });
    await s.deleteAlias("fn", "beta");
    assert.deepEqual(await s.deleteVersion("fn", 2), { kind: "deleted" });
    assert.equal(await s.getEventInvokeConfig("fn", "2"), undefined);
  });
}

function registerAliasContract(fx: StoreFixture): void {
  void test("aliases: insert checks the function, the versions and the name", async () => {
    const s = fx.store();
    const alias = { functionName: "fn", name: "live", functionVersion: "1", description: "d", revisionId: "a1" };
    assert.deepEqual(await s.insertAlias(alias), { kind: "not-found" });
    await s.insertFunction(sampleFunction("fn"));
    assert.deepEqual(await s.insertAlias(alias), { kind: "missing-version", version: "1" });
    await publish(s, "fn", "rev-fn-1", "r2");
    assert.deepEqual(await s.insertAlias(alias), { kind: "ok" });
    assert.deepEqual(await s.insertAlias(alias), { kind: "exists" });
    const latest = { ...alias, name: "edge", functionVersion: "$LATEST" };
    assert.deepEqual(await s.insertAlias(latest), { kind: "ok" });
    const badExtra = { ...alias, name: "x", additionalVersion: { version: "7", weight: 0.5 } };
    assert.deepEqual(await s.insertAlias(badExtra), { kind: "missing-version", version: "7" });
    assert.deepEqual(await s.getAlias("fn", "live"), { ...alias, additionalVersion: undefined });
    assert.deepEqual(
      (await s.listAliases("fn")).map((a) => a.name),
      ["edge", "live"],
    );
  });

  void test("aliases: update is compare-and-set, weights round-trip, delete removes its config", async () => {
    const s = fx.store();
    await s.insertFunction(sampleFunction("fn"));
    await publish(s, "fn", "rev-fn-1", "r2");
    await publish(s, "fn", "r2", "r3");
    await s.insertAlias({ functionName: "fn", name: "live", functionVersion: "1", description: "", revisionId: "a1" });
    const next = {
      functionName: "fn",
      name: "live",
      functionVersion: "1",
      description: "",
      revisionId: "a2",
      additionalVersion: { version: "2", weight: 0.25 },
    };
    assert.deepEqual(await s.updateAlias(next, "nope"), { kind: "conflict" });
    assert.deepEqual(await s.updateAlias(next, "a1"), { kind: "ok" });
    assert.deepEqual((await s.getAlias("fn", "live"))?.additionalVersion, { version: "2", weight: 0.25 });
    assert.deepEqual(await s.updateAlias({ ...next, name: "ghost" }, "a2"), { kind: "not-found" });
    assert.deepEqual(await s.updateAlias({ ...next, functionVersion: "9", revisionId: "a3" }, "a2"), {
      kind: "missing-version",
      version: "9",
    });
    await s.putEventInvokeConfig({ functionName: "fn", qualifier: "live", maximumRetryAttempts: 2, lastModified: 1 });
    assert.equal(await s.deleteAlias("fn", "live"), true);
    assert.equal(await s.deleteAlias("fn", "live"), false);
    assert.equal(await s.getEventInvokeConfig("fn", "live"), undefined);
  });
}

function registerPolicyContract(fx: StoreFixture): void {
  void test("tags: merge, overwrite, remove, limit counts the result, RevisionId changes", async () => {
    const s = fx.store();
    assert.equal(await s.updateTags("fn", { set: { a: "1" }, remove: [] }, 50, "r"), "not-found");
    await s.insertFunction(sampleFunction("fn", { tags: { a: "1", b: "2" } }));
    assert.equal(await s.updateTags("fn", { set: { b: "3", c: "4" }, remove: ["a", "zz"] }, 50, "rev-t1"), "ok");
    let got = await s.getFunction("fn");
    assert.deepEqual(got?.tags, { b: "3", c: "4" });
    assert.equal(got?.revisionId, "rev-t1");
    assert.equal(got?.configRevision, sampleFunction("fn").configRevision);
    assert.equal(await s.updateTags("fn", { set: { d: "5" }, remove: [] }, 2, "rev-t2"), "limit");
    assert.equal(await s.updateTags("fn", { set: { d: "5" }, remove: ["b"] }, 2, "rev-t3"), "ok");
    got = await s.getFunction("fn");
    assert.deepEqual(got?.tags, { c: "4", d: "5" });
    assert.equal(got?.revisionId, "rev-t3");
  });

  void test("policies: per qualifier, in order, duplicates and missing statements refused, RevisionId checked and changed", async () => {
    const s = fx.store();
    const add = (qualifier: string, sid: string, extra: Partial<PolicyChange> = {}) =>
      s.changePolicy({
        functionName: "fn",
        qualifier,
        sid,
        statement: `{"Sid":"${sid}"}`,
        newRevisionId: `r-${sid}`,
        ...extra,
      });
    assert.equal(await add("", "s1"), "not-found");
    await s.insertFunction(sampleFunction("fn"));
    await publish(s, "fn", "rev-fn-1", "rev-fn-2");
    await s.insertAlias({ functionName: "fn", name: "live", functionVersion: "1", description: "", revisionId: "a1" });
    assert.equal(await add("", "s1", { expectedRevisionId: "stale" }), "conflict");
    assert.equal(await add("", "s1", { expectedRevisionId: "rev-fn-2" }), "ok");
    assert.equal((await s.getFunction("fn"))?.revisionId, "r-s1");
    assert.equal(await add("", "s0"), "ok");
    assert.equal(await add("", "s1"), "exists");
    const versionRevision = (await s.getVersion("fn", 1))?.revisionId;
    assert.equal(await add("1", "s1"), "ok");
    assert.equal((await s.getVersion("fn", 1))?.revisionId, versionRevision);
    assert.equal(await add("live", "s1", { expectedRevisionId: "a1" }), "ok");
    assert.equal((await s.getAlias("fn", "live"))?.revisionId, "r-s1");
    assert.equal(await add("2", "s1"), "not-found");
    assert.equal(await add("nope", "s1"), "not-found");
    assert.deepEqual(await s.listPolicyStatements("fn", ""), [
      { sid: "s1", statement: '{"Sid":"s1"}' },
      { sid: "s0", statement: '{"Sid":"s0"}' },
    ]);
    const remove = (qualifier: string, sid: string) =>
      s.changePolicy({ functionName: "fn", qualifier, sid, newRevisionId: "r-removed" });
    assert.equal(await remove("", "zz"), "no-statement");
    assert.equal(await remove("", "s1"), "ok");
    assert.equal((await s.getFunction("fn"))?.revisionId, "r-removed");
    assert.deepEqual(
      (await s.listPolicyStatements("fn", "")).map((p) => p.sid),
      ["s0"],
    );
    // A deleted alias or version takes its policy along; a new one of the same name starts empty.
    assert.equal(await s.deleteAlias("fn", "live"), true);
    await s.insertAlias({ functionName: "fn", name: "live", functionVersion: "1", description: "", revisionId: "a2" });
    assert.deepEqual(await s.listPolicyStatements("fn", "live"), []);
    assert.equal((await s.deleteVersion("fn", 1)).kind, "referenced");
    await s.deleteAlias("fn", "live");
    assert.equal((await s.deleteVersion("fn", 1)).kind, "deleted");
    assert.deepEqual(await s.listPolicyStatements("fn", "1"), []);
    assert.equal(await s.deleteFunction("fn"), true);
    await s.insertFunction(sampleFunction("fn"));
    assert.deepEqual(await s.listPolicyStatements("fn", ""), []);
  });
}

function registerSettingsContract(fx: StoreFixture): void {
  void test("reserved concurrency: set, replace, remove, account limit excludes the function's own value", async () => {
    const s = fx.store();
    assert.equal(await s.setReservedConcurrency("fn", 5, 900), "not-found");
    await s.insertFunction(sampleFunction("fn"));
    await s.insertFunction(sampleFunction("other"));
    assert.equal(await s.setReservedConcurrency("other", 400, 900), "ok");
    assert.equal(await s.setReservedConcurrency("fn", 500, 900), "ok");
    assert.equal(await s.setReservedConcurrency("fn", 500, 900), "ok");
    assert.equal(await s.setReservedConcurrency("fn", 501, 900), "limit");
    assert.equal((await s.getFunction("fn"))?.reservedConcurrency, 500);
    assert.equal(await s.setReservedConcurrency("fn", 0), "ok");
    assert.equal((await s.getFunction("fn"))?.reservedConcurrency, 0);
    assert.equal(await s.setReservedConcurrency("fn", undefined), "ok");
    assert.equal((await s.getFunction("fn"))?.reservedConcurrency, undefined);
  });

  void test("recursive loop setting: absent until set, kept across updates of the function", async () => {
    const s = fx.store();
    assert.equal(await s.setRecursiveLoop("fn", "Allow"), false);
    await s.insertFunction(sampleFunction("fn"));
    assert.equal((await s.getFunction("fn"))?.recursiveLoop, undefined);
    assert.equal(await s.setRecursiveLoop("fn", "Allow"), true);
    assert.equal((await s.getFunction("fn"))?.recursiveLoop, "Allow");
    await s.setRecursiveLoop("fn", "Terminate");
    assert.equal((await s.listFunctions()).find((f) => f.name === "fn")?.recursiveLoop, "Terminate");
  });

  void test("event-invoke configs: put replaces, per qualifier, list and delete", async () => {
    const s = fx.store();
    await s.insertFunction(sampleFunction("fn"));
    const base = { functionName: "fn", qualifier: "$LATEST", lastModified: 1 };
    await s.putEventInvokeConfig({
      ...base,
      maximumRetryAttempts: 1,
      onFailure: "arn:aws:sqs:us-east-1:123456789012:q",
    });
    await s.putEventInvokeConfig({ ...base, maximumEventAgeInSeconds: 60, lastModified: 2 });
    assert.deepEqual(await s.getEventInvokeConfig("fn", "$LATEST"), {
      ...base,
      maximumEventAgeInSeconds: 60,
      maximumRetryAttempts: undefined,
      onFailure: undefined,
      onSuccess: undefined,
      lastModified: 2,
    });
    await s.putEventInvokeConfig({ ...base, qualifier: "live", onSuccess: "arn:aws:sns:us-east-1:123456789012:t" });
    assert.deepEqual((await s.listEventInvokeConfigs("fn")).map((c) => c.qualifier).sort(), ["$LATEST", "live"]);
    assert.equal(await s.deleteEventInvokeConfig("fn", "live"), true);
    assert.equal(await s.deleteEventInvokeConfig("fn", "live"), false);
    assert.equal(await s.getEventInvokeConfig("fn", "live"), undefined);
  });
}
