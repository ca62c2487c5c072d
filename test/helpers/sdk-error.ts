import assert from "node:assert/strict";

/** An assert.rejects validator for an AWS SDK v3 service error: its name, HTTP status and message. */
export function sdkError(name: string, status: number, message?: string | RegExp): (e: unknown) => boolean {
  return (e: unknown) => {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    assert.equal(err.name, name, err.message);
    assert.equal(err.$metadata?.httpStatusCode, status);
    if (typeof message === "string") assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    return true;
  };
}
