/**
 * The contract every StackStore adapter passes (SQLite file and memory; PostgreSQL runs it too).
 * `open` gives a fresh, empty store per test; `reopen` (where given) a second store on the same data.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import type { ChangeSetRecord, StackRecord, StackResourceRecord, StackStore } from "./stack-store.js";

const ARN = "arn:aws:cloudformation:us-east-1:000000000000:stack";

/** A stack record; fields overridable. */
export function sampleStack(name: string, over: Partial<StackRecord> = {}): StackRecord {
  return {
    stackId: `${ARN}/${name}/${name}-id`,
    stackName: name,
    status: "CREATE_COMPLETE",
    templateBody: "Resources: {}",
    processedTemplate: '{"Resources":{}}',
    parameters: [{ key: "Stage", value: "dev" }],
    outputs: [{ key: "Url", value: "http://x", exportName: `${name}-url` }],
    order: ["Fn"],
    capabilities: ["CAPABILITY_IAM"],
    tags: [],
    createdAt: 1_700_000_000_000,
    ...over,
  };
}

/** A resource record; fields overridable. */
export function sampleResource(logicalId: string, over: Partial<StackResourceRecord> = {}): StackResourceRecord {
  return {
    logicalId,
    type: "AWS::Lambda::Function",
    physicalId: `s-${logicalId}-ABC`,
    status: "CREATE_COMPLETE",
    properties: { Handler: "index.handler", Environment: { Variables: { A: "1" } } },
    attributes: { Arn: `arn:aws:lambda:us-east-1:000000000000:function:s-${logicalId}-ABC` },
    updatedAt: 1_700_000_000_001,
    ...over,
  };
}

function sampleChangeSet(stackId: string, name: string, over: Partial<ChangeSetRecord> = {}): ChangeSetRecord {
  return {
    changeSetId: `arn:aws:cloudformation:us-east-1:000000000000:changeSet/${name}/${name}-id`,
    changeSetName: name,
    stackId,
    stackName: "s",
    changeSetType: "CREATE",
    status: "CREATE_COMPLETE",
    executionStatus: "AVAILABLE",
    templateBody: "{}",
    parameters: [],
    capabilities: [],
    tags: [],
    changes: [{ Type: "Resource", ResourceChange: { Action: "Add", LogicalResourceId: "Fn" } }],
    createdAt: 1_700_000_000_000,
    ...over,
  };
}

/** Runs the StackStore contract against the adapter `open` makes. */
export function runStackStoreContract(name: string, open: () => Promise<StackStore>): void {
  void describe(`StackStore contract: ${name}`, () => {
    let store: StackStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    void test("stacks: put, replace, get by name or ARN, deleted stacks kept but free their name", async () => {
      const s = sampleStack("s");
      await store.putStack(s);
      assert.deepEqual(await store.getStack("s"), s);
      assert.deepEqual(await store.getStack(s.stackId), s);
      const updating = { ...s, status: "UPDATE_IN_PROGRESS" as const, rollbackTo: { ...s, resources: [] } };
      await store.putStack(updating);
      assert.deepEqual(await store.getStack("s"), updating);
      await store.putStack({ ...s, status: "DELETE_COMPLETE", deletedAt: 5 });
      assert.equal(await store.getStack("s"), undefined);
      assert.equal((await store.getStack(s.stackId))?.status, "DELETE_COMPLETE");
      const again = sampleStack("s", { stackId: `${ARN}/s/second` });
      await store.putStack(again);
      assert.equal((await store.getStack("s"))?.stackId, again.stackId);
      assert.deepEqual(
        (await store.listStacks()).map((x) => [x.stackId, x.status]),
        [
          [s.stackId, "DELETE_COMPLETE"],
          [again.stackId, "CREATE_COMPLETE"],
        ],
      );
      assert.equal(await store.getStack("other"), undefined);
    });

    void test("resources: kept per stack by logical id, replaced, deleted", async () => {
      const a = sampleStack("a");
      const b = sampleStack("b");
      await store.putResource(a.stackId, sampleResource("Fn"));
      await store.putResource(a.stackId, sampleResource("Api", { type: "AWS::ApiGatewayV2::Api" }));
      await store.putResource(b.stackId, sampleResource("Fn", { physicalId: "other" }));
      await store.putResource(a.stackId, sampleResource("Fn", { status: "UPDATE_COMPLETE" }));
      assert.deepEqual(await store.listResources(a.stackId), [
        sampleResource("Api", { type: "AWS::ApiGatewayV2::Api" }),
        sampleResource("Fn", { status: "UPDATE_COMPLETE" }),
      ]);
      assert.equal(await store.deleteResource(a.stackId, "Fn"), true);
      assert.equal(await store.deleteResource(a.stackId, "Fn"), false);
      assert.deepEqual(
        (await store.listResources(a.stackId)).map((r) => r.logicalId),
        ["Api"],
      );
      assert.equal((await store.listResources(b.stackId))[0]?.physicalId, "other");
    });

    void test("events: appended per stack, newest first", async () => {
      const s = sampleStack("s");
      for (const [i, status] of ["CREATE_IN_PROGRESS", "CREATE_COMPLETE"].entries()) {
        await store.appendEvent({
          eventId: `e${i}`,
          stackId: s.stackId,
          stackName: "s",
          logicalId: "s",
          type: "AWS::CloudFormation::Stack",
          status,
          timestamp: 10 + i,
        });
      }
      await store.appendEvent({
        eventId: "x",
        stackId: "other",
        stackName: "o",
        logicalId: "o",
        type: "AWS::CloudFormation::Stack",
        status: "CREATE_IN_PROGRESS",
        timestamp: 1,
      });
      assert.deepEqual(
        (await store.listEvents(s.stackId)).map((e) => [e.eventId, e.status]),
        [
          ["e1", "CREATE_COMPLETE"],
          ["e0", "CREATE_IN_PROGRESS"],
        ],
      );
    });

    void test("change sets: one name per stack, replaced by id, listed, deleted", async () => {
      const s = sampleStack("s");
      const cs = sampleChangeSet(s.stackId, "cs1");
      assert.equal(await store.putChangeSet(cs), true);
      assert.equal(await store.putChangeSet({ ...cs, changeSetId: "other-id" }), false);
      assert.equal(await store.putChangeSet(sampleChangeSet("other-stack", "cs1", { changeSetId: "third" })), true);
      const executed = { ...cs, executionStatus: "EXECUTE_COMPLETE" };
      assert.equal(await store.putChangeSet(executed), true);
      assert.deepEqual(await store.getChangeSet(cs.changeSetId), executed);
      await store.putChangeSet(sampleChangeSet(s.stackId, "cs2"));
      assert.deepEqual(
        (await store.listChangeSets(s.stackId)).map((c) => c.changeSetName),
        ["cs1", "cs2"],
      );
      assert.equal(await store.deleteChangeSet(cs.changeSetId), true);
      assert.equal(await store.deleteChangeSet(cs.changeSetId), false);
      assert.equal(await store.getChangeSet(cs.changeSetId), undefined);
    });

    void test("exports: unique across stacks, replaced per stack", async () => {
      assert.equal(
        await store.replaceExports("a", [
          { name: "x", value: "1", stackId: "a" },
          { name: "y", value: "2", stackId: "a" },
        ]),
        undefined,
      );
      assert.equal(await store.replaceExports("b", [{ name: "y", value: "3", stackId: "b" }]), "y");
      assert.equal(await store.replaceExports("b", [{ name: "z", value: "3", stackId: "b" }]), undefined);
      assert.equal(await store.replaceExports("a", [{ name: "x", value: "9", stackId: "a" }]), undefined);
      assert.deepEqual(await store.listExports(), [
        { name: "x", value: "9", stackId: "a" },
        { name: "z", value: "3", stackId: "b" },
      ]);
      await store.replaceExports("a", []);
      assert.deepEqual(
        (await store.listExports()).map((e) => e.name),
        ["z"],
      );
    });
  });
}
