import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import { randomIds } from "../../src/shared/ids.js";
import { StackEngine } from "../../src/stacks/index.js";
import { ACCOUNT, REGION } from "../helpers/control-fixture.js";
import { deployFixture } from "./deploy-fixture.js";
import type { DeployFixture } from "./deploy-fixture.js";

/** A SAM template: one function with an alias behind an HTTP API, optionally a second function. */
function template(o: { code?: string; memory?: number; second?: boolean; secondMemory?: number } = {}): string {
  const second = o.second
    ? `
  Second:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      MemorySize: ${o.secondMemory ?? 128}
      InlineCode: "exports.handler = async () => 'second';"`
    : "";
  return `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  Greeting:
    Type: String
    Default: hello
Resources:
  Hello:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      MemorySize: ${o.memory ?? 128}
      AutoPublishAlias: live
      InlineCode: "${o.code ?? "exports.handler = async () => ({ statusCode: 200, body: 'v1' });"}"
      Environment:
        Variables:
          GREETING: !Ref Greeting
      Events:
        Get:
          Type: HttpApi
          Properties:
            Path: /hello
            Method: get${second}
Outputs:
  Url:
    Value: !Sub "https://\${ServerlessHttpApi}.execute-api.\${AWS::Region}.amazonaws.com/"
  FunctionName:
    Value: !Ref Hello
    Export:
      Name: hello-fn
`;
}

let fx: DeployFixture;
beforeEach(async () => {
  fx = await deployFixture();
});
afterEach(async () => {
  await fx.close();
});

async function resources(name: string) {
  const stack = await fx.engine.requireStack(name);
  return new Map((await fx.engine.store.listResources(stack.stackId)).map((r) => [r.logicalId, r]));
}

function versionsOf(fn: string): string[] {
  const list = fx.control.cp.listVersionsByFunction(fn, {}) as { Versions: { Version: string }[] };
  return list.Versions.map((v) => v.Version);
}

describe("stack deploy", () => {
  test("creates the functions, version, alias, API and outputs; a second deploy changes nothing", async () => {
    const first = await fx.deploy("s", template());
    assert.equal(first.status, "CREATE_COMPLETE", first.reason ?? "");
    const r = await resources("s");
    const fn = r.get("Hello")?.physicalId ?? "";
    assert.match(fn, /^s-Hello-[0-9A-F]{12}$/);
    assert.deepEqual(versionsOf(fn), ["$LATEST", "1"]);
    assert.equal((fx.control.cp.getAlias(fn, "live") as { FunctionVersion: string }).FunctionVersion, "1");
    const apiId = r.get("ServerlessHttpApi")?.physicalId ?? "";
    const routes = await fx.apis.http.getRoutes(apiId);
    assert.deepEqual(
      routes.map((x) => x.routeKey),
      ["GET /hello"],
    );
    const stack = await fx.engine.requireStack("s");
    assert.deepEqual(
      stack.outputs.map((o) => [o.key, o.value]),
      [
        ["Url", `https://${apiId}.execute-api.us-east-1.amazonaws.com/`],
        ["FunctionName", fn],
      ],
    );
    assert.deepEqual(await fx.engine.store.listExports(), [{ name: "hello-fn", value: fn, stackId: stack.stackId }]);
    const events = (await fx.engine.store.listEvents(stack.stackId)).length;

    const again = await fx.deploy("s", template());
    assert.equal(again.changeSetStatus, "FAILED");
    assert.equal(
      again.reason,
      "The submitted information didn't contain changes. Submit different information to create a change set.",
    );
    assert.deepEqual(versionsOf(fn), ["$LATEST", "1"]);
    assert.equal((await fx.engine.store.listEvents(stack.stackId)).length, events);
    assert.equal((await fx.engine.requireStack("s")).status, "CREATE_COMPLETE");
  });

  test("a code change publishes a new version and moves the alias; the old version is retained", async () => {
    await fx.deploy("s", template());
    const fn = (await resources("s")).get("Hello")?.physicalId ?? "";
    const second = await fx.deploy("s", template({ code: "exports.handler = async () => 'v2';" }));
    assert.equal(second.status, "UPDATE_COMPLETE", second.reason ?? "");
    const actions = (second.changes as { ResourceChange: { Action: string; LogicalResourceId: string } }[]).map(
      (c) =>
        `${c.ResourceChange.Action} ${c.ResourceChange.LogicalResourceId.replace(/Version[0-9a-f]{10}$/, "Version*")}`,
    );
    assert.deepEqual(actions, ["Add HelloVersion*", "Modify Hello", "Modify HelloAliaslive", "Remove HelloVersion*"]);
    assert.deepEqual(versionsOf(fn), ["$LATEST", "1", "2"]);
    assert.equal((fx.control.cp.getAlias(fn, "live") as { FunctionVersion: string }).FunctionVersion, "2");
  });

  test("a resource removed from the template is deleted", async () => {
    await fx.deploy("s", template({ second: true }));
    const second = (await resources("s")).get("Second")?.physicalId ?? "";
    assert.ok(fx.control.cp.getFunction(second));
    const removed = await fx.deploy("s", template());
    assert.equal(removed.status, "UPDATE_COMPLETE", removed.reason ?? "");
    assert.equal((await resources("s")).has("Second"), false);
    assert.throws(() => fx.control.cp.getFunction(second), /Function not found/);
  });

  test("a failure part-way rolls the stack back to its previous state and names the resource", async () => {
    await fx.deploy("s", template());
    const fn = (await resources("s")).get("Hello")?.physicalId ?? "";
    const failed = await fx.deploy("s", template({ memory: 256, second: true, secondMemory: 1 }));
    assert.equal(failed.status, "UPDATE_ROLLBACK_COMPLETE");
    const stack = await fx.engine.requireStack("s");
    const events = await fx.engine.store.listEvents(stack.stackId);
    const failure = events.find((e) => e.status.endsWith("_FAILED"));
    assert.equal(failure?.logicalId, "Second");
    assert.match(failure?.statusReason ?? "", /Value .1. at .memorySize. failed to satisfy constraint/);
    assert.equal(
      events.find((e) => e.status === "UPDATE_ROLLBACK_IN_PROGRESS")?.statusReason,
      "The following resource(s) failed to update: [Second]. ",
    );
    const config = fx.control.cp.getFunctionConfiguration(fn) as { MemorySize: number };
    assert.equal(config.MemorySize, 128);
    assert.equal((await resources("s")).has("Second"), false);
    assert.equal(stack.templateBody, template());
    assert.deepEqual(versionsOf(fn).length >= 2, true);
    assert.equal((fx.control.cp.getAlias(fn, "live") as { FunctionVersion: string }).FunctionVersion, "1");
  });

  test("deleting the stack deletes its resources and exports", async () => {
    await fx.deploy("s", template());
    const r = await resources("s");
    const fn = r.get("Hello")?.physicalId ?? "";
    const done = await (await fx.engine.deleteStack("s")).done;
    assert.equal(done?.status, "DELETE_COMPLETE");
    assert.throws(() => fx.control.cp.getFunction(fn), /Function not found/);
    assert.deepEqual(await fx.engine.store.listExports(), []);
    await assert.rejects(fx.engine.requireStack("s"), /Stack with id s does not exist/);
  });

  test("after a restart, an update left in progress is rolled back, a creation undone", async () => {
    await fx.deploy("s", template());
    const stack = await fx.engine.requireStack("s");
    const records = await fx.engine.store.listResources(stack.stackId);
    const hello = records.find((r) => r.logicalId === "Hello");
    const fn = hello?.physicalId ?? "";
    // What a crash leaves: the function already updated and recorded, the stack still in progress.
    await fx.control.cp.updateFunctionConfiguration(fn, { MemorySize: 256 });
    await fx.engine.store.putResource(stack.stackId, {
      ...hello!,
      properties: { ...hello!.properties, MemorySize: 256 },
    });
    await fx.engine.store.putStack({
      ...stack,
      status: "UPDATE_IN_PROGRESS",
      templateBody: template({ memory: 256 }),
      rollbackTo: {
        status: stack.status,
        templateBody: stack.templateBody,
        parameters: stack.parameters,
        outputs: stack.outputs,
        resources: records,
        order: stack.order,
      },
    });
    const services = { lambda: fx.control.cp, apis: fx.apis, ids: randomIds, region: REGION, accountId: ACCOUNT };
    const restarted = new StackEngine({ store: fx.engine.store, services, clock: fx.control.clock });
    await restarted.recover();
    const after = await restarted.requireStack("s");
    assert.equal(after.status, "UPDATE_ROLLBACK_COMPLETE");
    assert.equal(after.templateBody, template());
    assert.equal((fx.control.cp.getFunctionConfiguration(fn) as { MemorySize: number }).MemorySize, 128);

    await fx.engine.store.putStack({ ...after, status: "CREATE_IN_PROGRESS", rollbackTo: undefined });
    await restarted.recover();
    assert.equal((await restarted.requireStack("s")).status, "ROLLBACK_COMPLETE");
    assert.throws(() => fx.control.cp.getFunction(fn), /Function not found/);
    assert.deepEqual(await fx.engine.store.listResources(stack.stackId), []);
  });

  test("Fn::ImportValue reads another stack's export; an export name is taken once", async () => {
    await fx.deploy("s", template());
    const fn = (await resources("s")).get("Hello")?.physicalId ?? "";
    const importing = `Resources:
  Reader:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/r
      Code: { ZipFile: "exports.handler = async () => process.env.TARGET;" }
      Environment:
        Variables:
          TARGET: !ImportValue hello-fn
`;
    const b = await fx.deploy("b", importing);
    assert.equal(b.status, "CREATE_COMPLETE", b.reason ?? "");
    const reader = (await resources("b")).get("Reader")?.physicalId ?? "";
    const env = fx.control.cp.getFunctionConfiguration(reader) as {
      Environment: { Variables: Record<string, string> };
    };
    assert.equal(env.Environment.Variables.TARGET, fn);
    const clash = await fx.deploy("c", template());
    assert.equal(clash.status, "ROLLBACK_COMPLETE");
    assert.equal(
      clash.reason,
      "Export with name hello-fn is already exported by another stack. Rollback requested by user.",
    );
  });
});
