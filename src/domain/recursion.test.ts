import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isRecursionStopped, lineageCount, lineageHash, nextLineage, RECURSION_LIMIT } from "./recursion.js";

const A = "arn:aws:lambda:us-east-1:123456789012:function:a";
const B = "arn:aws:lambda:us-east-1:123456789012:function:b";
const newRoot = () => "1-00000001-000000000000000000000001";

describe("recursion lineage", () => {
  it("starts a chain with a new root and a count of 1", () => {
    const step = nextLineage(undefined, { functionArn: A, newRoot });
    assert.equal(step.count, 1);
    assert.equal(step.header, `Root=${newRoot()};Lineage=${lineageHash(A)}:1`);
  });

  it("keeps the caller's root, parent and sampling and raises only the invoked function's count", () => {
    const first = nextLineage("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0", {
      functionArn: A,
      newRoot,
    });
    const viaB = nextLineage(first.header, { functionArn: B, newRoot });
    const back = nextLineage(viaB.header, { functionArn: A, newRoot });
    assert.equal(back.count, 2);
    assert.equal(lineageCount(back.header, B), 1);
    assert.match(back.header, /^Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0;Lineage=/);
  });

  it("stops the invocation after the 16th of a chain unless the function allows loops", () => {
    let header: string | undefined;
    let count = 0;
    for (let i = 0; i < RECURSION_LIMIT + 1; i++)
      ({ header, count } = nextLineage(header, { functionArn: A, newRoot }));
    assert.equal(count, 17);
    assert.equal(isRecursionStopped(16, undefined), false);
    assert.equal(isRecursionStopped(count, undefined), true);
    assert.equal(isRecursionStopped(count, "Terminate"), true);
    assert.equal(isRecursionStopped(count, "Allow"), false);
  });

  it("reads a malformed lineage as no history", () => {
    assert.equal(lineageCount("Root=1-5759e988-bd862e3fe1be46a994272793;Lineage=zz", A), 0);
    assert.equal(lineageCount(`Lineage=${lineageHash(A)}:x`, A), 0);
  });
});
