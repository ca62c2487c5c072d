import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, test } from "node:test";
import { arn, createInput, HANDLER_ZIP, ROLE, rejectsWith, useControlFixture } from "../helpers/control-fixture.js";

const fx = useControlFixture();

const sha = (b: Buffer) => createHash("sha256").update(b).digest("base64");

describe("CreateFunction", () => {
  test("returns AWS's FunctionConfiguration with every default", async () => {
    const out = await fx.cp.createFunction(createInput("hello"));
    assert.deepEqual(out, {
      FunctionName: "hello",
      FunctionArn: arn("hello"),
      Runtime: "nodejs20.x",
      Role: ROLE,
      Handler: "index.handler",
      CodeSize: HANDLER_ZIP.length,
      Description: "",
      Timeout: 3,
      MemorySize: 128,
      LastModified: "2024-01-02T03:04:05.678+0000",
      CodeSha256: sha(HANDLER_ZIP),
      Version: "$LATEST",
      TracingConfig: { Mode: "PassThrough" },
      RevisionId: out.RevisionId,
      PackageType: "Zip",
      Architectures: ["x86_64"],
      EphemeralStorage: { Size: 512 },
      SnapStart: { ApplyOn: "None", OptimizationStatus: "Off" },
      LoggingConfig: { LogFormat: "Text", LogGroup: "/aws/lambda/hello" },
      State: "Active",
      LastUpdateStatus: "Successful",
    });
    assert.match(String(out.RevisionId), /^[0-9a-f-]{36}$/);
  });

  test("keeps given settings; Environment appears only when given", async () => {
    const out = await fx.cp.createFunction(
      createInput("full", {
        Description: "d",
        Timeout: 900,
        MemorySize: 10240,
        Environment: { Variables: { A: "1" } },
        TracingConfig: { Mode: "Active" },
        EphemeralStorage: { Size: 1024 },
        Architectures: ["arm64"],
        LoggingConfig: { LogFormat: "JSON" },
        DeadLetterConfig: { TargetArn: "arn:aws:sqs:us-east-1:123456789012:dlq" },
        Tags: { team: "a" },
      }),
    );
    assert.equal(out.Timeout, 900);
    assert.equal(out.MemorySize, 10240);
    assert.deepEqual(out.Environment, { Variables: { A: "1" } });
    assert.deepEqual(out.TracingConfig, { Mode: "Active" });
    assert.deepEqual(out.EphemeralStorage, { Size: 1024 });
    assert.deepEqual(out.Architectures, ["arm64"]);
    assert.deepEqual(out.DeadLetterConfig, { TargetArn: "arn:aws:sqs:us-east-1:123456789012:dlq" });
    assert.deepEqual(out.LoggingConfig, {
      LogFormat: "JSON",
      ApplicationLogLevel: "INFO",
      SystemLogLevel: "INFO",
      LogGroup: "/aws/lambda/full",
    });
    assert.deepEqual(fx.cp.getFunction("full").Tags, { team: "a" });
  });

  test("accepts a partial ARN and a full ARN as the name", async () => {
    assert.equal((await fx.cp.createFunction(createInput("123456789012:function:partial"))).FunctionName, "partial");
    assert.equal((await fx.cp.createFunction(createInput(arn("full")))).FunctionName, "full");
  });

  test("provided runtimes need no handler; Node runtimes do", async () => {
    const out = await fx.cp.createFunction(createInput("custom", { Runtime: "provided.al2023", Handler: undefined }));
    assert.equal(out.Handler, undefined);
    const mandatory = "Runtime and Handler are mandatory parameters for functions created with deployment packages.";
    await rejectsWith(
      () => fx.cp.createFunction(createInput("x", { Handler: undefined })),
      "ERR_INVALID_PARAMETER",
      mandatory,
    );
    await rejectsWith(
      () => fx.cp.createFunction(createInput("x", { Runtime: undefined })),
      "ERR_INVALID_PARAMETER",
      mandatory,
    );
  });

  test("an unknown runtime lists the valid values", async () => {
    await rejectsWith(
      () => fx.cp.createFunction(createInput("x", { Runtime: "python3.12" })),
      "ERR_INVALID_PARAMETER",
      "Value python3.12 at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [nodejs18.x, nodejs20.x, nodejs22.x, nodejs24.x, provided, provided.al2, provided.al2023] or be a valid ARN",
    );
  });

  test("model constraints are ValidationException, several at once", async () => {
    await rejectsWith(
      () => fx.cp.createFunction(createInput("x", { Role: "r1" })),
      "ERR_VALIDATION",
      "1 validation error detected: Value 'r1' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+",
    );
    await rejectsWith(
      () => fx.cp.createFunction(createInput("x", { Timeout: 0, MemorySize: 10241 })),
      "ERR_VALIDATION",
      "2 validation errors detected: Value '0' at 'timeout' failed to satisfy constraint: Member must have value greater than or equal to 1; Value '10241' at 'memorySize' failed to satisfy constraint: Member must have value less than or equal to 10240",
    );
    await rejectsWith(
      () => fx.cp.createFunction(createInput("x", { Timeout: 901 })),
      "ERR_VALIDATION",
      "1 validation error detected: Value '901' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900",
    );
    await rejectsWith(
      () => fx.cp.createFunction(createInput("x", { MemorySize: 127 })),
      "ERR_VALIDATION",
      "1 validation error detected: Value '127' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128",
    );
    await rejectsWith(
      () => fx.cp.createFunction(createInput("x", { Role: undefined })),
      "ERR_VALIDATION",
      "1 validation error detected: Value null at 'role' failed to satisfy constraint: Member must not be null",
    );
    await rejectsWith(
      () => fx.cp.createFunction(createInput("x", { Description: "d".repeat(257) })),
      "ERR_VALIDATION",
      /at 'description' failed to satisfy constraint: Member must have length less than or equal to 256$/,
    );
    await rejectsWith(
      () => fx.cp.createFunction(createInput("x", { Handler: "a b" })),
      "ERR_VALIDATION",
      /at 'handler' failed to satisfy constraint: Member must satisfy regular expression pattern: \[\^\\s\]\+$/,
    );
    await rejectsWith(
      () => fx.cp.createFunction(createInput("x", { TracingConfig: { Mode: "On" } })),
      "ERR_VALIDATION",
      "1 validation error detected: Value 'On' at 'tracingConfig.mode' failed to satisfy constraint: Member must satisfy enum value set: [Active, PassThrough]",
    );
    await rejectsWith(
      () => fx.cp.createFunction(createInput("x", { EphemeralStorage: { Size: 100 } })),
      "ERR_VALIDATION",
      /at 'ephemeralStorage.size'/,
    );
  });

  test("architectures: one of x86_64 and arm64 (AWS's messages)", async () => {
    await rejectsWith(
      () => fx.cp.createFunction(createInput("x", { Architectures: ["x86_64", "arm64"] })),
      "ERR_VALIDATION",
      "1 validation error detected: Value '[x86_64, arm64]' at 'architectures' failed to satisfy constraint: Member must have length less than or equal to 1",
    );
    await rejectsWith(
      () => fx.cp.createFunction(createInput("x", { Architectures: ["X86_64"] })),
      "ERR_VALIDATION",
      "1 validation error detected: Value '[X86_64]' at 'architectures' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64], Member must not be null]",
    );
  });

  test("function names: pattern, length, region and account", async () => {
    const pattern =
      "(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?";
    await rejectsWith(
      () => fx.cp.createFunction(createInput("bad name")),
      "ERR_INVALID_PARAMETER",
      `1 validation error detected: Value 'bad name' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: ${pattern}`,
    );
    await rejectsWith(
      () => fx.cp.createFunction(createInput("a".repeat(65))),
      "ERR_INVALID_PARAMETER",
      `1 validation error detected: Value '${"a".repeat(65)}' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 64`,
    );
    await rejectsWith(
      () => fx.cp.createFunction(createInput("fn:1")),
      "ERR_VALIDATION",
      /Member must satisfy regular expression pattern/,
    );
    await rejectsWith(() => fx.cp.getFunction("fn!"), "ERR_VALIDATION", /Value 'fn!' at 'functionName'/);
    await rejectsWith(
      () => fx.cp.getFunction("arn:aws:lambda:eu-west-1:123456789012:function:fn"),
      "ERR_RESOURCE_NOT_FOUND",
      "Functions from 'eu-west-1' are not reachable in this region ('us-east-1')",
    );
    assert.equal((await fx.cp.createFunction(createInput("a".repeat(64)))).FunctionName, "a".repeat(64));
  });

  test("environment: reserved keys, key pattern and the 4 KB limit", async () => {
    await rejectsWith(
      () => fx.cp.createFunction(createInput("x", { Environment: { Variables: { AWS_REGION: "x" } } })),
      "ERR_INVALID_PARAMETER",
      "Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: AWS_REGION",
    );
    await rejectsWith(
      () => fx.cp.createFunction(createInput("x", { Environment: { Variables: { "bad-key": "x" } } })),
      "ERR_VALIDATION",
      /at 'environment.variables'/,
    );
    const big = { LARGE: "x".repeat(4100) };
    await rejectsWith(
      () => fx.cp.createFunction(createInput("x", { Environment: { Variables: big } })),
      "ERR_INVALID_PARAMETER",
      `Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ${JSON.stringify(big)}`,
    );
  });

  test("code: zip checks, no S3, no images, tags and layers", async () => {
    await rejectsWith(
      () => fx.cp.createFunction(createInput("x", { Code: { ZipFile: Buffer.from("nope") } })),
      "ERR_INVALID_PARAMETER",
      "Could not unzip uploaded file. Please check your file, then try to upload again.",
    );
    await rejectsWith(
      () => fx.cp.createFunction(createInput("x", { Code: { ZipFile: HANDLER_ZIP, S3Bucket: "b" } })),
      "ERR_INVALID_PARAMETER",
      "Please do not provide other FunctionCode parameters when providing a ZipFile.",
    );
    await rejectsWith(
      () => fx.cp.createFunction(createInput("x", { Code: { S3Bucket: "b", S3Key: "k" } })),
      "ERR_INVALID_PARAMETER",
      /NoSuchBucket/,
    );
    await rejectsWith(
      () => fx.cp.createFunction(createInput("x", { Code: undefined })),
      "ERR_VALIDATION",
      "1 validation error detected: Value null at 'code' failed to satisfy constraint: Member must not be null",
    );
    const tags = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"]));
    await rejectsWith(
      () => fx.cp.createFunction(createInput("x", { Tags: tags })),
      "ERR_INVALID_PARAMETER",
      "Number of tags exceeds resource tag limit.",
    );
    const layer = "arn:aws:lambda:us-east-1:123456789012:layer:l:1";
    await rejectsWith(
      () => fx.cp.createFunction(createInput("x", { Layers: [layer] })),
      "ERR_INVALID_PARAMETER",
      `Layer version ${layer} does not exist.`,
    );
    assert.equal(fx.cp.version("x", "$LATEST"), undefined, "nothing was created");
  });

  test("a second function of the same name conflicts", async () => {
    await fx.cp.createFunction(createInput("dup"));
    await rejectsWith(
      () => fx.cp.createFunction(createInput("dup")),
      "ERR_RESOURCE_CONFLICT",
      "Function already exist: dup",
    );
  });

  test("concurrent creates of one name: exactly one wins", async () => {
    const results = await Promise.allSettled([1, 2, 3].map(() => fx.cp.createFunction(createInput("race"))));
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
  });

  test("Publish creates version 1 and answers with it (unqualified ARN, as AWS)", async () => {
    const out = await fx.cp.createFunction(createInput("pub", { Publish: true }));
    assert.equal(out.Version, "1");
    assert.equal(out.FunctionArn, arn("pub"));
    assert.equal(fx.cp.getFunctionConfiguration("pub", "1").Version, "1");
  });
});
