import assert from "node:assert/strict";
import { test } from "node:test";
import { PlatformError } from "../shared/errors.js";
import { checkAttributes } from "./queue-attributes.js";

const refusedWith = (code: string, message: RegExp) => (e: unknown) =>
  e instanceof PlatformError && e.code === code && message.test(e.message);

test("SqsManagedSseEnabled: false is kept; true (encryption at rest haneul does not do) and KMS keys are refused", () => {
  const create = { fifo: false, creating: true };
  assert.deepEqual(checkAttributes({ SqsManagedSseEnabled: "false" }, create), { SqsManagedSseEnabled: "false" });
  assert.throws(
    () => checkAttributes({ SqsManagedSseEnabled: "true" }, create),
    refusedWith("ERR_SQS_UNSUPPORTED_OPERATION", /does not encrypt queue messages at rest/),
  );
  assert.throws(
    () => checkAttributes({ SqsManagedSseEnabled: "yes" }, create),
    refusedWith("ERR_SQS_INVALID_ATTRIBUTE_VALUE", /SqsManagedSseEnabled/),
  );
  assert.throws(
    () => checkAttributes({ KmsMasterKeyId: "alias/aws/sqs" }, create),
    refusedWith("ERR_SQS_UNSUPPORTED_OPERATION", /no KMS/),
  );
});
