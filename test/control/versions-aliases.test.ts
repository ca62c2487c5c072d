import assert from "node:assert/strict";
import { beforeEach, describe, test } from "node:test";
import type { Json } from "../../src/control/types.js";
import { arn, createInput, rejectsWith, useControlFixture, zipOf } from "../helpers/control-fixture.js";

const fx = useControlFixture();

const newCode = (n: number) => ({ ZipFile: zipOf({ "index.js": `exports.handler = async () => ${n};` }) });

describe("PublishVersion / ListVersionsByFunction", () => {
  test("publishes snapshots numbered 1, 2, …; nothing changed returns the last version", async () => {
    await fx.cp.createFunction(createInput("fn", { Description: "base" }));
    const v1 = await fx.cp.publishVersion("fn", { Description: "first" });
    assert.deepEqual([v1.Version, v1.FunctionArn, v1.Description], ["1", arn("fn", "1"), "first"]);
    const again = await fx.cp.publishVersion("fn", {});
    assert.deepEqual(again, v1, "no change since version 1");
    await fx.cp.updateFunctionConfiguration("fn", { Timeout: 9 });
    const v2 = await fx.cp.publishVersion("fn", {});
    assert.deepEqual([v2.Version, v2.Description, v2.Timeout], ["2", "base", 9]);
    assert.equal(fx.cp.getFunctionConfiguration("fn", "1").Timeout, 3, "version 1 is immutable");
    assert.equal(fx.cp.version("fn", "2")!.timeoutSec, 9);
  });

  test("publishing changes $LATEST's RevisionId but not its spec revision", async () => {
    const created = await fx.cp.createFunction(createInput("fn"));
    const specRevision = fx.cp.version("fn", "$LATEST")!.revision;
    await fx.cp.publishVersion("fn", {});
    assert.notEqual(fx.cp.getFunctionConfiguration("fn").RevisionId, created.RevisionId);
    assert.equal(fx.cp.version("fn", "$LATEST")!.revision, specRevision, "warm $LATEST instances stay valid");
  });

  test("version numbers are never reused after deletion", async () => {
    await fx.cp.createFunction(createInput("fn", { Publish: true }));
    await fx.cp.updateFunctionCode("fn", { ...newCode(2), Publish: true });
    await fx.cp.deleteFunction("fn", "2");
    const v3 = await fx.cp.updateFunctionCode("fn", { ...newCode(3), Publish: true });
    assert.equal(v3.Version, "3");
    // After the last version was deleted, publishing an unchanged $LATEST makes a new version.
    await fx.cp.deleteFunction("fn", "3");
    assert.equal((await fx.cp.publishVersion("fn", {})).Version, "4");
  });

  test("CodeSha256 and RevisionId preconditions (AWS's texts)", async () => {
    const created = await fx.cp.createFunction(createInput("fn"));
    await rejectsWith(
      () => fx.cp.publishVersion("fn", { CodeSha256: "somenonexistentsha256" }),
      "ERR_INVALID_PARAMETER",
      `CodeSHA256 (somenonexistentsha256) is different from current CodeSHA256 in $LATEST (${created.CodeSha256 as string}). Please try again with the CodeSHA256 in $LATEST.`,
    );
    await rejectsWith(
      () => fx.cp.publishVersion("fn", { RevisionId: "wrong" }),
      "ERR_PRECONDITION_FAILED",
      "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id",
    );
    const ok = await fx.cp.publishVersion("fn", {
      CodeSha256: created.CodeSha256 as string,
      RevisionId: created.RevisionId as string,
    });
    assert.equal(ok.Version, "1");
    await rejectsWith(
      () => fx.cp.publishVersion("none", {}),
      "ERR_FUNCTION_NOT_FOUND",
      `Function not found: ${arn("none")}`,
    );
  });

  test("ListVersionsByFunction: $LATEST first, qualified ARNs, pages", async () => {
    await fx.cp.createFunction(createInput("fn", { Publish: true }));
    for (let i = 2; i <= 4; i++) await fx.cp.updateFunctionCode("fn", { ...newCode(i), Publish: true });
    const p1 = fx.cp.listVersionsByFunction("fn", { MaxItems: 3 });
    assert.deepEqual(
      (p1.Versions as Json[]).map((v) => [v.Version, v.FunctionArn]),
      [
        ["$LATEST", arn("fn", "$LATEST")],
        ["1", arn("fn", "1")],
        ["2", arn("fn", "2")],
      ],
    );
    const p2 = fx.cp.listVersionsByFunction("fn", { MaxItems: 3, Marker: p1.NextMarker as string });
    assert.deepEqual(
      (p2.Versions as Json[]).map((v) => v.Version),
      ["3", "4"],
    );
    assert.equal(p2.NextMarker, undefined);
    await rejectsWith(
      () => fx.cp.listVersionsByFunction("none", {}),
      "ERR_FUNCTION_NOT_FOUND",
      `Function not found: ${arn("none")}`,
    );
  });
});

describe("Aliases", () => {
  beforeEach(async () => {
    await fx.cp.createFunction(createInput("fn", { Publish: true }));
    await fx.cp.updateFunctionCode("fn", { ...newCode(2), Publish: true });
  });

  test("create / get / list / update / delete with AWS's shapes", async () => {
    const created = await fx.cp.createAlias("fn", {
      Name: "live",
      FunctionVersion: "1",
      Description: "d",
      RoutingConfig: { AdditionalVersionWeights: { "2": 0.1 } },
    });
    assert.deepEqual(created, {
      AliasArn: arn("fn", "live"),
      Name: "live",
      FunctionVersion: "1",
      Description: "d",
      RoutingConfig: { AdditionalVersionWeights: { "2": 0.1 } },
      RevisionId: created.RevisionId,
    });
    assert.deepEqual(fx.cp.getAlias("fn", "live"), created);
    assert.deepEqual(fx.cp.alias("fn", "live"), {
      name: "live",
      primaryVersion: "1",
      additionalVersion: { version: "2", weight: 0.1 },
    });
    const plain = await fx.cp.createAlias("fn", { Name: "edge", FunctionVersion: "$LATEST" });
    assert.equal(plain.RoutingConfig, undefined);
    assert.equal(plain.Description, "");
    assert.deepEqual(
      (fx.cp.listAliases("fn", {}).Aliases as Json[]).map((a) => a.Name),
      ["edge", "live"],
    );
    assert.deepEqual(
      (fx.cp.listAliases("fn", { FunctionVersion: "1" }).Aliases as Json[]).map((a) => a.Name),
      ["live"],
    );
    const updated = await fx.cp.updateAlias("fn", "live", {
      FunctionVersion: "2",
      RoutingConfig: {},
      RevisionId: created.RevisionId as string,
    });
    assert.equal(updated.FunctionVersion, "2");
    assert.equal(updated.RoutingConfig, undefined, "empty RoutingConfig removes the weights");
    assert.notEqual(updated.RevisionId, created.RevisionId);
    await rejectsWith(
      () => fx.cp.updateAlias("fn", "live", { Description: "x", RevisionId: created.RevisionId as string }),
      "ERR_PRECONDITION_FAILED",
      "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id",
    );
    await fx.cp.deleteAlias("fn", "live");
    await fx.cp.deleteAlias("fn", "live");
    assert.equal(fx.cp.alias("fn", "live"), undefined);
    await rejectsWith(
      () => fx.cp.getAlias("fn", "live"),
      "ERR_RESOURCE_NOT_FOUND",
      `Cannot find alias arn: ${arn("fn", "live")}`,
    );
    await rejectsWith(
      () => fx.cp.updateAlias("fn", "live", {}),
      "ERR_RESOURCE_NOT_FOUND",
      `Alias not found: ${arn("fn", "live")}`,
    );
  });

  test("an alias is an invocation qualifier that resolves to its primary version", async () => {
    await fx.cp.createAlias("fn", { Name: "live", FunctionVersion: "1" });
    const got = fx.cp.getFunctionConfiguration("fn", "live");
    assert.deepEqual([got.FunctionArn, got.Version], [arn("fn", "live"), "1"]);
    assert.deepEqual(fx.cp.resolveInvocation("fn:live"), {
      functionName: "fn",
      qualifier: "live",
      functionArn: arn("fn", "live"),
    });
    await rejectsWith(
      () => fx.cp.resolveInvocation("fn:nope"),
      "ERR_FUNCTION_NOT_FOUND",
      `Function not found: ${arn("fn", "nope")}`,
    );
  });

  test("routing rules: one extra version, weight 0..1, not the primary, published, not with $LATEST", async () => {
    const create = (name: string, version: string, weights: Record<string, number>) =>
      fx.cp.createAlias("fn", {
        Name: name,
        FunctionVersion: version,
        RoutingConfig: { AdditionalVersionWeights: weights },
      });
    await rejectsWith(
      () => create("a", "1", { "2": 0.1, "3": 0.1 }),
      "ERR_INVALID_PARAMETER",
      "Number of items in AdditionalVersionWeights cannot be greater than 1",
    );
    await rejectsWith(
      () => create("a", "1", { "2": 2 }),
      "ERR_VALIDATION",
      "1 validation error detected: Value '{2=2.0}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0, Member must not be null]",
    );
    await rejectsWith(() => create("a", "1", { "2": -1 }), "ERR_VALIDATION", /Value '\{2=-1\.0\}'/);
    await rejectsWith(
      () => create("a", "1", { "1": 0.5 }),
      "ERR_INVALID_PARAMETER",
      "Invalid function version 1. Function version 1 is already included in routing configuration.",
    );
    await rejectsWith(
      () => create("a", "$LATEST", { "1": 0.5 }),
      "ERR_INVALID_PARAMETER",
      "$LATEST is not supported for an alias pointing to more than 1 version",
    );
    await rejectsWith(
      () => create("a", "1", { $LATEST: 0.5 }),
      "ERR_VALIDATION",
      "1 validation error detected: Value '{$LATEST=0.5}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 1024, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [0-9]+, Member must not be null]",
    );
    await rejectsWith(
      () => create("a", "1", { "10": 0.5 }),
      "ERR_FUNCTION_NOT_FOUND",
      `Function not found: ${arn("fn", "10")}`,
    );
    await rejectsWith(
      () => fx.cp.createAlias("fn", { Name: "a", FunctionVersion: "10" }),
      "ERR_FUNCTION_NOT_FOUND",
      `Function not found: ${arn("fn", "10")}`,
    );
    await rejectsWith(
      () => fx.cp.createAlias("none", { Name: "a", FunctionVersion: "1" }),
      "ERR_FUNCTION_NOT_FOUND",
      `Function not found: ${arn("none", "1")}`,
    );
    assert.equal((await create("ok", "1", { "2": 1 })).Name, "ok", "a weight of 1.0 is allowed");
    await rejectsWith(
      () => fx.cp.createAlias("fn", { Name: "ok", FunctionVersion: "1" }),
      "ERR_RESOURCE_CONFLICT",
      `Alias already exists: ${arn("fn", "ok")}`,
    );
    await rejectsWith(
      () => fx.cp.updateAlias("fn", "ok", { FunctionVersion: "2" }),
      "ERR_INVALID_PARAMETER",
      "Invalid function version 2. Function version 2 is already included in routing configuration.",
    );
  });

  test("alias names and versions are validated as AWS does", async () => {
    const pattern = "(?!^[0-9]+$)([a-zA-Z0-9-_]+)";
    await rejectsWith(
      () => fx.cp.createAlias("fn", { Name: "123", FunctionVersion: "1" }),
      "ERR_VALIDATION",
      `1 validation error detected: Value '123' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ${pattern}`,
    );
    await rejectsWith(
      () => fx.cp.createAlias("fn", { Name: "a b", FunctionVersion: "1" }),
      "ERR_VALIDATION",
      /Value 'a b' at 'name'/,
    );
    await rejectsWith(
      () => fx.cp.createAlias("fn", { Name: "x".repeat(129), FunctionVersion: "1" }),
      "ERR_VALIDATION",
      /Member must have length less than or equal to 128/,
    );
    await rejectsWith(
      () => fx.cp.createAlias("fn", { Name: "a" }),
      "ERR_VALIDATION",
      /Value null at 'functionVersion'/,
    );
    await rejectsWith(
      () => fx.cp.createAlias("fn", { Name: "a", FunctionVersion: "v1" }),
      "ERR_VALIDATION",
      /Value 'v1' at 'functionVersion'/,
    );
  });

  test("a version an alias routes to (primary or weighted) cannot be deleted", async () => {
    await fx.cp.createAlias("fn", {
      Name: "canary",
      FunctionVersion: "1",
      RoutingConfig: { AdditionalVersionWeights: { "2": 0.5 } },
    });
    await rejectsWith(
      () => fx.cp.deleteFunction("fn", "2"),
      "ERR_RESOURCE_CONFLICT",
      "Unable to delete version because the following aliases reference it: [canary]",
    );
    await fx.cp.updateAlias("fn", "canary", { RoutingConfig: { AdditionalVersionWeights: {} } });
    await fx.cp.deleteFunction("fn", "2");
    assert.equal(fx.cp.version("fn", "2"), undefined);
  });
});
