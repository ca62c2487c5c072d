import assert from "node:assert/strict";
import { test } from "node:test";
import { PlatformError } from "../../shared/errors.js";
import { parseParameterOverrides, readSamConfig, samConfigOverrides, splitWords } from "./overrides.js";
import { displayedParameters, readParameterDeclarations, resolveParameters } from "./parameters.js";

const DECLS = readParameterDeclarations({
  Stage: { Type: "String", Default: "dev", AllowedValues: ["dev", "prod"] },
  Memory: { Type: "Number", Default: 128, MinValue: 128, MaxValue: 1024 },
  Name: { Type: "String", AllowedPattern: "[a-z]+", MinLength: 2, MaxLength: 5 },
  Subnets: { Type: "CommaDelimitedList", Default: "a, b" },
  Ports: { Type: "List<Number>", Default: "80,443" },
  Secret: { Type: "String", NoEcho: true, Default: "s3cr3t" },
  Image: { Type: "AWS::SSM::Parameter::Value<String>", Default: "/app/image" },
  Code: { Type: "String", Default: "x", AllowedPattern: "[a-z]", ConstraintDescription: "one lowercase letter" },
});

const ssm = (name: string) => (name === "/app/image" ? "img:1" : undefined);

test("defaults, overrides, lists and SSM values", () => {
  const values = resolveParameters(DECLS, { overrides: { Name: "abc", Memory: "256" }, ssm });
  assert.equal(values.get("Stage"), "dev");
  assert.equal(values.get("Memory"), "256");
  assert.deepEqual(values.get("Subnets"), ["a", "b"]);
  assert.deepEqual(values.get("Ports"), ["80", "443"]);
  assert.equal(values.get("Image"), "img:1");
  assert.equal(displayedParameters(DECLS, values).Secret, "****");
});

test("missing, unknown and invalid parameters are named in CloudFormation's words", () => {
  const cases: [Record<string, string>, string][] = [
    [{}, "Parameters: [Name] must have values"],
    [{ Name: "abc", Nope: "1", Other: "2" }, "Parameters: [Nope, Other] do not exist in the template"],
    [{ Name: "abc", Stage: "qa" }, "Parameter 'Stage' must be one of AllowedValues"],
    [{ Name: "ABC" }, "Parameter 'Name' must match pattern [a-z]+"],
    [{ Name: "a" }, "Parameter 'Name' must contain at least 2 characters"],
    [{ Name: "abcdef" }, "Parameter 'Name' must contain at most 5 characters"],
    [{ Name: "abc", Memory: "64" }, "Parameter 'Memory' must be a number not less than 128"],
    [{ Name: "abc", Memory: "2048" }, "Parameter 'Memory' must be a number not greater than 1024"],
    [{ Name: "abc", Memory: "lots" }, "Parameter 'Memory' must be a number"],
    [{ Name: "abc", Code: "XY" }, "Parameter 'Code' failed to satisfy constraint: one lowercase letter"],
  ];
  for (const [overrides, message] of cases) {
    assert.throws(
      () => resolveParameters(DECLS, { overrides, ssm }),
      (e: unknown) => e instanceof PlatformError && e.message === message && e.awsType === "ValidationError",
      message,
    );
  }
  assert.throws(() => resolveParameters(DECLS, { overrides: { Name: "abc" } }), {
    message: "Unable to fetch parameters [/app/image] from parameter store for this account.",
  });
  assert.throws(() => readParameterDeclarations({ P: { Default: "x" } }), {
    message: "Template format error: Every Parameters object must contain a Type member.",
  });
  assert.throws(() => readParameterDeclarations({ P: { Type: "Strin" } }), {
    message: "Template format error: Unrecognized parameter type: Strin",
  });
});

test("overrides as the CLIs take them", () => {
  assert.deepEqual(splitWords(`A=1 B="two words" C='x y' D=a\\ b`), ["A=1", "B=two words", "C=x y", "D=a b"]);
  assert.deepEqual(parseParameterOverrides(["A=1", "ParameterKey=B,ParameterValue=x,y", "C=a=b"]), {
    A: "1",
    B: "x,y",
    C: "a=b",
  });
  assert.throws(() => parseParameterOverrides(["novalue"]), /Invalid parameter override 'novalue'/);
});

test("samconfig.toml: global parameters overlaid by the command's", () => {
  const text = `version = 0.1
[default.global.parameters]
stack_name = "app"
[default.deploy.parameters]
parameter_overrides = "Stage=\\"prod\\" Name=abc"
capabilities = "CAPABILITY_IAM"
[staging.deploy.parameters]
parameter_overrides = ["Stage=dev", "Name=xyz"]
`;
  const section = readSamConfig(text, "deploy");
  assert.equal(section.stack_name, "app");
  assert.deepEqual(samConfigOverrides(section), { Stage: "prod", Name: "abc" });
  assert.deepEqual(samConfigOverrides(readSamConfig(text, "deploy", "staging")), { Stage: "dev", Name: "xyz" });
  assert.throws(() => readSamConfig("x = [", "deploy"), /samconfig.toml is not valid TOML/);
});
