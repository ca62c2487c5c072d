import assert from "node:assert/strict";
import { test } from "node:test";
import { PlatformError } from "../../src/shared/errors.js";
import { describeTemplateError } from "../../src/domain/template/values.js";
import { processRepoTemplate } from "./helpers.js";

const BROKEN = "test/fixtures/templates/broken";

function failure(file: string, overrides?: Record<string, string>): string {
  try {
    processRepoTemplate(`${BROKEN}/${file}`, { overrides });
  } catch (e) {
    assert.ok(e instanceof PlatformError, String(e));
    assert.equal(e.awsType, "ValidationError");
    return describeTemplateError(e);
  }
  assert.fail(`${file} was accepted`);
}

test("broken templates fail with CloudFormation's messages, naming the file and line", () => {
  assert.equal(
    failure("bad-intrinsic.yaml"),
    `${BROKEN}/bad-intrinsic.yaml:5 (Resources/Topic/Properties/TopicName/Fn::Select): Template error: Fn::Select cannot select nonexistent value at index 3`,
  );
  assert.equal(
    failure("unknown-reference.yaml"),
    `${BROKEN}/unknown-reference.yaml:5 (Resources/Queue/Properties/QueueName/Ref): Template format error: Unresolved resource dependencies [QueueNameParameter] in the Resources block of the template`,
  );
  assert.equal(
    failure("unknown-attribute.yaml"),
    `${BROKEN}/unknown-attribute.yaml:7 (Resources/Topic/Properties/TopicName/Fn::GetAtt): Template error: resource Queue does not support attribute type Nope in Fn::GetAtt`,
  );
  assert.equal(
    failure("circular.yaml"),
    `${BROKEN}/circular.yaml: Circular dependency between resources: [First, Second]`,
  );
  assert.match(
    failure("invalid.yaml"),
    new RegExp(`^${BROKEN}/invalid.yaml:6: Template format error: YAML not well-formed\\. \\(line 6, column 1\\)`),
  );
});

test("parameters: missing, unknown and invalid values are named", () => {
  assert.equal(failure("parameters.yaml"), `${BROKEN}/parameters.yaml: Parameters: [Stage] must have values`);
  assert.equal(
    failure("parameters.yaml", { Stage: "dev", Color: "blue" }),
    `${BROKEN}/parameters.yaml: Parameters: [Color] do not exist in the template`,
  );
  assert.equal(
    failure("parameters.yaml", { Stage: "dev", Memory: "64" }),
    `${BROKEN}/parameters.yaml:5 (Parameters/Memory): Parameter 'Memory' must be a number not less than 128`,
  );
});

test("unknown resource types are listed in a warning, never dropped silently", () => {
  const out = processRepoTemplate(`${BROKEN}/unknown-type.yaml`);
  assert.deepEqual(out.warnings, [
    "Unrecognized resource types: [AWS::S3::Bucket (Images), AWS::DynamoDB::Table (Table)]; haneul does not create them",
  ]);
  assert.deepEqual([...out.prepared.resources.keys()], ["Images", "Table", "Queue"]);
});
