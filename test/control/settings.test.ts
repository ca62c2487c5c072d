import assert from "node:assert/strict";
import { beforeEach, describe, test } from "node:test";
import type { Json } from "../../src/control/types.js";
import { arn, createInput, rejectsWith, useControlFixture } from "../helpers/control-fixture.js";

const fx = useControlFixture({ accountConcurrency: 1000 });
beforeEach(async () => {
  await fx.cp.createFunction(createInput("fn", { Publish: true }));
  await fx.cp.createAlias("fn", { Name: "live", FunctionVersion: "1" });
});

describe("Function concurrency", () => {
  test("put, get, delete; the catalog and every version see the reservation", async () => {
    assert.deepEqual(fx.cp.getFunctionConcurrency("fn"), {});
    assert.deepEqual(await fx.cp.putFunctionConcurrency("fn", { ReservedConcurrentExecutions: 0 }), {
      ReservedConcurrentExecutions: 0,
    });
    assert.deepEqual(await fx.cp.putFunctionConcurrency("fn", { ReservedConcurrentExecutions: 7 }), {
      ReservedConcurrentExecutions: 7,
    });
    assert.deepEqual(fx.cp.getFunctionConcurrency("fn"), { ReservedConcurrentExecutions: 7 });
    assert.equal(fx.cp.version("fn", "$LATEST")!.reservedConcurrency, 7);
    assert.equal(fx.cp.version("fn", "1")!.reservedConcurrency, 7);
    assert.equal(fx.cp.reservedTotal(), 7);
    assert.deepEqual(fx.cp.getFunction("fn").Concurrency, { ReservedConcurrentExecutions: 7 });
    await fx.cp.deleteFunctionConcurrency("fn");
    assert.deepEqual(fx.cp.getFunctionConcurrency("fn"), {});
    assert.equal(fx.cp.reservedTotal(), 0);
  });

  test("reservations leave 100 of the account limit unreserved", async () => {
    await fx.cp.createFunction(createInput("other"));
    await fx.cp.putFunctionConcurrency("other", { ReservedConcurrentExecutions: 400 });
    await fx.cp.putFunctionConcurrency("fn", { ReservedConcurrentExecutions: 500 });
    await fx.cp.putFunctionConcurrency("fn", { ReservedConcurrentExecutions: 500 });
    await rejectsWith(
      () => fx.cp.putFunctionConcurrency("fn", { ReservedConcurrentExecutions: 501 }),
      "ERR_INVALID_PARAMETER",
      "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100].",
    );
    assert.equal(fx.cp.reservedTotal(), 900);
  });

  test("errors: not found (with $LATEST on put), qualified names, negative values", async () => {
    await rejectsWith(
      () => fx.cp.putFunctionConcurrency("doesnotexist", { ReservedConcurrentExecutions: 1 }),
      "ERR_FUNCTION_NOT_FOUND",
      `Function not found: ${arn("doesnotexist", "$LATEST")}`,
    );
    await rejectsWith(
      () => fx.cp.getFunctionConcurrency("doesnotexist"),
      "ERR_FUNCTION_NOT_FOUND",
      `Function not found: ${arn("doesnotexist")}`,
    );
    await rejectsWith(
      () => fx.cp.deleteFunctionConcurrency("doesnotexist"),
      "ERR_FUNCTION_NOT_FOUND",
      `Function not found: ${arn("doesnotexist")}`,
    );
    await rejectsWith(
      () => fx.cp.putFunctionConcurrency(arn("fn", "1"), { ReservedConcurrentExecutions: 1 }),
      "ERR_INVALID_PARAMETER",
      "This operation is permitted on Lambda functions only. Aliases and versions do not support this operation. Please specify either a function name or an unqualified function ARN.",
    );
    await rejectsWith(
      () => fx.cp.putFunctionConcurrency("fn", { ReservedConcurrentExecutions: -1 }),
      "ERR_VALIDATION",
      "1 validation error detected: Value '-1' at 'reservedConcurrentExecutions' failed to satisfy constraint: Member must have value greater than or equal to 0",
    );
  });
});

describe("Event invoke configs", () => {
  test("put replaces, update merges; LastModified is epoch seconds; FunctionArn is qualified", async () => {
    fx.clock.advance(1500);
    const put = await fx.cp.putFunctionEventInvokeConfig("fn", undefined, {
      MaximumRetryAttempts: 1,
      DestinationConfig: { OnFailure: { Destination: "arn:aws:sqs:us-east-1:123456789012:q" } },
    });
    assert.deepEqual(put, {
      LastModified: fx.clock.now() / 1000,
      FunctionArn: arn("fn", "$LATEST"),
      MaximumRetryAttempts: 1,
      DestinationConfig: { OnSuccess: {}, OnFailure: { Destination: "arn:aws:sqs:us-east-1:123456789012:q" } },
    });
    assert.equal(typeof put.LastModified, "number");
    const merged = await fx.cp.updateFunctionEventInvokeConfig("fn", undefined, { MaximumEventAgeInSeconds: 60 });
    assert.deepEqual([merged.MaximumRetryAttempts, merged.MaximumEventAgeInSeconds], [1, 60]);
    assert.deepEqual((merged.DestinationConfig as Json).OnFailure, {
      Destination: "arn:aws:sqs:us-east-1:123456789012:q",
    });
    const replaced = await fx.cp.putFunctionEventInvokeConfig("fn", "$LATEST", { MaximumRetryAttempts: 0 });
    assert.deepEqual([replaced.MaximumRetryAttempts, replaced.MaximumEventAgeInSeconds], [0, undefined]);
    assert.deepEqual(replaced.DestinationConfig, { OnSuccess: {}, OnFailure: {} });
    assert.deepEqual(fx.cp.getFunctionEventInvokeConfig("fn"), replaced);
  });

  test("per qualifier: versions and aliases; list order and paging; delete", async () => {
    await fx.cp.putFunctionEventInvokeConfig("fn:live", undefined, { MaximumRetryAttempts: 2 });
    await fx.cp.putFunctionEventInvokeConfig("fn", "1", { MaximumRetryAttempts: 1 });
    await fx.cp.putFunctionEventInvokeConfig("fn", undefined, { MaximumRetryAttempts: 0 });
    const list = fx.cp.listFunctionEventInvokeConfigs("fn", {});
    assert.deepEqual(
      (list.FunctionEventInvokeConfigs as Json[]).map((c) => c.FunctionArn),
      [arn("fn", "$LATEST"), arn("fn", "1"), arn("fn", "live")],
    );
    const firstPage = fx.cp.listFunctionEventInvokeConfigs("fn", { MaxItems: 2 });
    const secondPage = fx.cp.listFunctionEventInvokeConfigs("fn", {
      MaxItems: 2,
      Marker: firstPage.NextMarker as string,
    });
    assert.deepEqual(
      (secondPage.FunctionEventInvokeConfigs as Json[]).map((c) => c.FunctionArn),
      [arn("fn", "live")],
    );
    await rejectsWith(
      () => fx.cp.listFunctionEventInvokeConfigs("fn", { MaxItems: 51 }),
      "ERR_VALIDATION",
      /Member must have value less than or equal to 50/,
    );
    await fx.cp.deleteFunctionEventInvokeConfig("fn", "live");
    await rejectsWith(
      () => fx.cp.getFunctionEventInvokeConfig("fn", "live"),
      "ERR_RESOURCE_NOT_FOUND",
      `The function ${arn("fn", "live")} doesn't have an EventInvokeConfig`,
    );
    await rejectsWith(
      () => fx.cp.deleteFunctionEventInvokeConfig("fn", "live"),
      "ERR_RESOURCE_NOT_FOUND",
      `The function ${arn("fn", "live")} doesn't have an EventInvokeConfig`,
    );
  });

  test("errors with AWS's messages", async () => {
    await rejectsWith(
      () => fx.cp.putFunctionEventInvokeConfig("fn", undefined, {}),
      "ERR_INVALID_PARAMETER",
      "You must specify at least one of error handling or destination setting.",
    );
    await rejectsWith(
      () => fx.cp.putFunctionEventInvokeConfig("doesnotexist", undefined, { MaximumRetryAttempts: 1 }),
      "ERR_RESOURCE_NOT_FOUND",
      "The function doesn't exist.",
    );
    await rejectsWith(
      () => fx.cp.putFunctionEventInvokeConfig("fn", "nope", { MaximumRetryAttempts: 1 }),
      "ERR_RESOURCE_NOT_FOUND",
      "The function doesn't exist.",
    );
    await rejectsWith(
      () => fx.cp.putFunctionEventInvokeConfig("fn:live", "1", { MaximumRetryAttempts: 1 }),
      "ERR_INVALID_PARAMETER",
      "The derived qualifier from the function name does not match the specified qualifier.",
    );
    await rejectsWith(
      () => fx.cp.putFunctionEventInvokeConfig("fn", undefined, { MaximumRetryAttempts: 3 }),
      "ERR_VALIDATION",
      "1 validation error detected: Value '3' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 2",
    );
    await rejectsWith(
      () => fx.cp.putFunctionEventInvokeConfig("fn", undefined, { MaximumEventAgeInSeconds: 59 }),
      "ERR_VALIDATION",
      "1 validation error detected: Value '59' at 'maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value greater than or equal to 60",
    );
    await rejectsWith(
      () => fx.cp.putFunctionEventInvokeConfig("fn", undefined, { MaximumEventAgeInSeconds: 21601 }),
      "ERR_VALIDATION",
      /less than or equal to 21600/,
    );
    const self = { DestinationConfig: { OnSuccess: { Destination: arn("fn") } } };
    await rejectsWith(
      () => fx.cp.putFunctionEventInvokeConfig("fn", undefined, self),
      "ERR_INVALID_PARAMETER",
      "You can't specify the function as a destination for itself.",
    );
    const missing = { DestinationConfig: { OnSuccess: { Destination: arn("doesnotexist") } } };
    await rejectsWith(
      () => fx.cp.putFunctionEventInvokeConfig("fn", undefined, missing),
      "ERR_INVALID_PARAMETER",
      `The destination ARN ${arn("doesnotexist")} is invalid.`,
    );
    const iam = "arn:aws:iam:us-east-1:123456789012:function:fn";
    await rejectsWith(
      () =>
        fx.cp.putFunctionEventInvokeConfig("fn", undefined, { DestinationConfig: { OnSuccess: { Destination: iam } } }),
      "ERR_INVALID_PARAMETER",
      `The provided destination config DestinationConfig(onSuccess=OnSuccess(destination=${iam}), onFailure=null) is invalid.`,
    );
    await rejectsWith(
      () =>
        fx.cp.putFunctionEventInvokeConfig("fn", undefined, {
          DestinationConfig: { OnFailure: { Destination: "arn:aws:_-/!lambda:x" } },
        }),
      "ERR_VALIDATION",
      /at 'destinationConfig.onFailure.destination' failed to satisfy constraint: Member must satisfy regular expression pattern/,
    );
    await rejectsWith(
      () => fx.cp.updateFunctionEventInvokeConfig("fn", undefined, { MaximumRetryAttempts: 1 }),
      "ERR_RESOURCE_NOT_FOUND",
      `The function ${arn("fn", "$LATEST")} doesn't have an EventInvokeConfig`,
    );
    await rejectsWith(
      () => fx.cp.getFunctionEventInvokeConfig("doesnotexist"),
      "ERR_RESOURCE_NOT_FOUND",
      `The function ${arn("doesnotexist", "$LATEST")} doesn't have an EventInvokeConfig`,
    );
    await rejectsWith(
      () => fx.cp.listFunctionEventInvokeConfigs("doesnotexist", {}),
      "ERR_RESOURCE_NOT_FOUND",
      "The function doesn't exist.",
    );
    await fx.cp.createFunction(createInput("target"));
    const other = await fx.cp.putFunctionEventInvokeConfig("fn", undefined, {
      DestinationConfig: { OnSuccess: { Destination: arn("target") } },
    });
    assert.deepEqual((other.DestinationConfig as Json).OnSuccess, { Destination: arn("target") });
  });

  test("deleting an alias or version removes its config", async () => {
    await fx.cp.putFunctionEventInvokeConfig("fn", "live", { MaximumRetryAttempts: 2 });
    await fx.cp.deleteAlias("fn", "live");
    assert.deepEqual(fx.cp.listFunctionEventInvokeConfigs("fn", {}).FunctionEventInvokeConfigs, []);
    assert.equal(await fx.store.getEventInvokeConfig("fn", "live"), undefined);
  });
});
