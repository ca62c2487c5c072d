import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { Json } from "../../src/control/types.js";
import {
  arn,
  createInput,
  HANDLER_ZIP,
  rejectsWith,
  START,
  useControlFixture,
  zipOf,
} from "../helpers/control-fixture.js";

const fx = useControlFixture();

const sha = (b: Buffer) => createHash("sha256").update(b).digest("base64");

describe("GetFunction / GetFunctionConfiguration / catalog", () => {
  test("unqualified ARN for $LATEST, qualified when asked with a qualifier", async () => {
    await fx.cp.createFunction(createInput("fn", { Publish: true }));
    assert.equal(fx.cp.getFunctionConfiguration("fn").FunctionArn, arn("fn"));
    assert.equal(fx.cp.getFunctionConfiguration("fn", "$LATEST").FunctionArn, arn("fn", "$LATEST"));
    assert.equal(fx.cp.getFunctionConfiguration("fn:1").FunctionArn, arn("fn", "1"));
    const got = fx.cp.getFunction(arn("fn"), "1");
    assert.equal((got.Configuration as Json).Version, "1");
    const code = got.Code as { RepositoryType: string; Location: string };
    assert.equal(code.RepositoryType, "S3");
    const hex = createHash("sha256").update(HANDLER_ZIP).digest("hex");
    assert.equal(code.Location, `file://${join(fx.dataDir, "code", "zips", `${hex}.zip`)}`);
    assert.deepEqual(readFileSync(new URL(code.Location)), HANDLER_ZIP);
  });

  test("not found: unqualified or qualified ARN in the message; qualifier conflicts", async () => {
    await rejectsWith(() => fx.cp.getFunction("nope"), "ERR_FUNCTION_NOT_FOUND", `Function not found: ${arn("nope")}`);
    await rejectsWith(
      () => fx.cp.getFunction("nope", "$LATEST"),
      "ERR_FUNCTION_NOT_FOUND",
      `Function not found: ${arn("nope", "$LATEST")}`,
    );
    await fx.cp.createFunction(createInput("fn"));
    await rejectsWith(
      () => fx.cp.getFunctionConfiguration("fn", "1221"),
      "ERR_FUNCTION_NOT_FOUND",
      `Function not found: ${arn("fn", "1221")}`,
    );
    await rejectsWith(
      () => fx.cp.getFunction("fn", "nosuchalias"),
      "ERR_FUNCTION_NOT_FOUND",
      `Function not found: ${arn("fn", "nosuchalias")}`,
    );
    await rejectsWith(
      () => fx.cp.getFunction("fn:1", "2"),
      "ERR_INVALID_PARAMETER",
      "The derived qualifier from the function name does not match the specified qualifier.",
    );
    await rejectsWith(
      () => fx.cp.getFunction("fn", "bad?q"),
      "ERR_VALIDATION",
      "1 validation error detected: Value 'bad?q' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)",
    );
  });

  test("the catalog serves FunctionSpecs from memory with the extracted code", async () => {
    await fx.cp.createFunction(
      createInput("spec", { Environment: { Variables: { K: "v" } }, Timeout: 7, MemorySize: 256 }),
    );
    const spec = fx.cp.version("spec", "$LATEST");
    assert.ok(spec);
    assert.equal(spec.functionArn, arn("spec"));
    assert.equal(spec.handler, "index.handler");
    assert.deepEqual([spec.timeoutSec, spec.memoryMb, spec.region], [7, 256, "us-east-1"]);
    assert.deepEqual(spec.environment, { K: "v" });
    assert.equal(readFileSync(join(spec.codeDir, "index.js"), "utf8"), "exports.handler = async (e) => e;");
    assert.equal(spec.reservedConcurrency, undefined);
    assert.equal(fx.cp.version("spec", "1"), undefined);
  });

  test("a restart loads everything back, re-extracting missing code", async () => {
    await fx.cp.createFunction(createInput("persist", { Publish: true }));
    await fx.cp.createAlias("persist", { Name: "live", FunctionVersion: "1" });
    const before = fx.cp.getFunction("persist");
    const dir = fx.cp.version("persist", "1")!.codeDir;
    const { removeTree } = await import("../../src/adapters/fs-code-store.js");
    await removeTree(dir);
    const again = await fx.reopen();
    assert.deepEqual(again.getFunction("persist"), before);
    assert.deepEqual(again.alias("persist", "live"), {
      name: "live",
      primaryVersion: "1",
      additionalVersion: undefined,
    });
    assert.equal(existsSync(join(again.version("persist", "1")!.codeDir, "index.js")), true);
  });
});

describe("ListFunctions", () => {
  test("pages of at most 50, $LATEST only, or every version with FunctionVersion=ALL", async () => {
    for (let i = 0; i < 53; i++) await fx.cp.createFunction(createInput(`f${String(i).padStart(2, "0")}`));
    await fx.cp.publishVersion("f00", {});
    const first = fx.cp.listFunctions({});
    assert.equal((first.Functions as Json[]).length, 50);
    assert.ok(first.NextMarker);
    const second = fx.cp.listFunctions({ Marker: first.NextMarker as string });
    assert.deepEqual(
      (second.Functions as Json[]).map((f) => f.FunctionName),
      ["f50", "f51", "f52"],
    );
    assert.equal(second.NextMarker, undefined);
    const f0 = (first.Functions as Json[])[0]!;
    assert.equal(f0.FunctionArn, arn("f00"));
    assert.equal(f0.State, undefined, "lists leave out State");
    const small = fx.cp.listFunctions({ MaxItems: 2, FunctionVersion: "ALL" });
    assert.deepEqual(
      (small.Functions as Json[]).map((f) => f.FunctionArn),
      [arn("f00", "$LATEST"), arn("f00", "1")],
    );
    const next = fx.cp.listFunctions({ MaxItems: 2, FunctionVersion: "ALL", Marker: small.NextMarker as string });
    assert.deepEqual(
      (next.Functions as Json[]).map((f) => f.FunctionArn),
      [arn("f01", "$LATEST"), arn("f02", "$LATEST")],
    );
    await rejectsWith(
      () => fx.cp.listFunctions({ FunctionVersion: "invalid" }),
      "ERR_VALIDATION",
      "1 validation error detected: Value 'invalid' at 'functionVersion' failed to satisfy constraint: Member must satisfy enum value set: [ALL]",
    );
    await rejectsWith(
      () => fx.cp.listFunctions({ MaxItems: 0 }),
      "ERR_VALIDATION",
      "1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
  });
});

describe("UpdateFunctionCode / UpdateFunctionConfiguration", () => {
  test("new code changes CodeSha256, RevisionId and the spec revision", async () => {
    const created = await fx.cp.createFunction(createInput("up"));
    const specBefore = fx.cp.version("up", "$LATEST")!;
    const zip = zipOf({ "index.js": "exports.handler = async () => 2;" });
    fx.clock.advance(1000);
    const out = await fx.cp.updateFunctionCode("up", { ZipFile: zip });
    assert.equal(out.CodeSha256, sha(zip));
    assert.equal(out.LastModified, "2024-01-02T03:04:06.678+0000");
    assert.notEqual(out.RevisionId, created.RevisionId);
    assert.equal(out.LastUpdateStatus, "Successful");
    const spec = fx.cp.version("up", "$LATEST")!;
    assert.notEqual(spec.revision, specBefore.revision);
    assert.notEqual(spec.codeDir, specBefore.codeDir);
  });

  test("DryRun validates without changing anything; RevisionId must match", async () => {
    const created = await fx.cp.createFunction(createInput("dry"));
    const zip = zipOf({ "index.js": "1" });
    const dry = await fx.cp.updateFunctionCode("dry", { ZipFile: zip, DryRun: true });
    assert.equal(dry.CodeSha256, sha(zip));
    assert.equal(fx.cp.getFunctionConfiguration("dry").CodeSha256, created.CodeSha256);
    assert.equal(await fx.codeStore.has(createHash("sha256").update(zip).digest("hex")), false);
    await rejectsWith(
      () => fx.cp.updateFunctionCode("dry", { ZipFile: zip, RevisionId: "stale" }),
      "ERR_PRECONDITION_FAILED",
      "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id",
    );
    await rejectsWith(
      () => fx.cp.updateFunctionCode("dry", { ImageUri: "x" }),
      "ERR_INVALID_PARAMETER",
      "Please don't provide ImageUri when updating a function with packageType Zip.",
    );
    await rejectsWith(
      () => fx.cp.updateFunctionCode("missing", { ZipFile: zip }),
      "ERR_FUNCTION_NOT_FOUND",
      `Function not found: ${arn("missing")}`,
    );
  });

  test("Publish returns the new version under its qualified ARN", async () => {
    await fx.cp.createFunction(createInput("upd"));
    const out = await fx.cp.updateFunctionCode("upd", { ZipFile: zipOf({ "index.js": "2" }), Publish: true });
    assert.equal(out.Version, "1");
    assert.equal(out.FunctionArn, arn("upd", "1"));
  });

  test("configuration: only given fields change, Variables are replaced wholesale", async () => {
    const created = await fx.cp.createFunction(
      createInput("cfg", { Environment: { Variables: { A: "1", B: "2" } }, Description: "keep" }),
    );
    const out = await fx.cp.updateFunctionConfiguration("cfg", {
      Environment: { Variables: { C: "3" } },
      Timeout: 10,
      RevisionId: created.RevisionId as string,
    });
    assert.deepEqual(out.Environment, { Variables: { C: "3" } });
    assert.equal(out.Timeout, 10);
    assert.equal(out.Description, "keep");
    assert.deepEqual(fx.cp.version("cfg", "$LATEST")!.environment, { C: "3" });
    await rejectsWith(
      () => fx.cp.updateFunctionConfiguration("cfg", { Timeout: 5, RevisionId: created.RevisionId as string }),
      "ERR_PRECONDITION_FAILED",
      /^The Revision Id provided/,
    );
    const cleared = await fx.cp.updateFunctionConfiguration("cfg", { Environment: {} });
    assert.deepEqual(cleared.Environment, { Variables: {} });
    await rejectsWith(
      () => fx.cp.updateFunctionConfiguration("cfg", { Runtime: "nodejs12.x" }),
      "ERR_INVALID_PARAMETER",
      /^Value nodejs12.x at 'runtime'/,
    );
    await rejectsWith(
      () => fx.cp.updateFunctionConfiguration("cfg", { MemorySize: 64 }),
      "ERR_VALIDATION",
      /at 'memorySize'/,
    );
  });
});

describe("DeleteFunction", () => {
  test("deletes the function, its versions and aliases", async () => {
    await fx.cp.createFunction(createInput("del", { Publish: true }));
    await fx.cp.deleteFunction("del");
    assert.equal(fx.cp.version("del", "$LATEST"), undefined);
    assert.equal(fx.cp.version("del", "1"), undefined);
    assert.deepEqual(await fx.store.listVersions("del"), []);
    await rejectsWith(() => fx.cp.deleteFunction("del"), "ERR_FUNCTION_NOT_FOUND", `Function not found: ${arn("del")}`);
    await rejectsWith(
      () => fx.cp.deleteFunction("del", "1"),
      "ERR_FUNCTION_NOT_FOUND",
      `Function not found: ${arn("del")}`,
    );
  });

  test("one version; $LATEST refused first; aliases cannot be deleted this way", async () => {
    await fx.cp.createFunction(createInput("v", { Publish: true }));
    await fx.cp.updateFunctionCode("v", { ZipFile: zipOf({ "index.js": "2" }), Publish: true });
    await rejectsWith(
      () => fx.cp.deleteFunction("nothere", "$LATEST"),
      "ERR_INVALID_PARAMETER",
      "$LATEST version cannot be deleted without deleting the function.",
    );
    await rejectsWith(
      () => fx.cp.deleteFunction("v:$LATEST"),
      "ERR_INVALID_PARAMETER",
      "$LATEST version cannot be deleted without deleting the function.",
    );
    await fx.cp.createAlias("v", { Name: "live", FunctionVersion: "1" });
    await rejectsWith(
      () => fx.cp.deleteFunction("v", "live"),
      "ERR_INVALID_PARAMETER",
      "Deletion of aliases is not currently supported.",
    );
    await rejectsWith(
      () => fx.cp.deleteFunction("v", "1"),
      "ERR_RESOURCE_CONFLICT",
      "Unable to delete version because the following aliases reference it: [live]",
    );
    await fx.cp.deleteFunction("v", "2");
    assert.equal(fx.cp.version("v", "2"), undefined);
    assert.ok(fx.cp.version("v", "1"));
    await fx.cp.deleteFunction("v", "99");
    assert.equal(fx.cp.getFunctionConfiguration("v").FunctionName, "v");
  });
});

test("START is the fixture clock", () => assert.equal(START, Date.UTC(2024, 0, 2, 3, 4, 5, 678)));
