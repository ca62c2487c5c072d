/**
 * `x-haneul-resilience` in a SAM `AWS::Serverless::Api` DefinitionBody: the root default and an
 * operation's own settings reach the methods' integrations through the stack deploy, and invalid
 * settings fail the deploy naming the field.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import { deployFixture, type DeployFixture } from "./deploy-fixture.js";

function template(own: string): string {
  return `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Rest:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      DefinitionBody:
        openapi: 3.0.1
        info: { title: resilient, version: "1" }
        x-haneul-resilience:
          circuitBreaker: { consecutiveFailures: 4, openMs: 2000 }
        paths:
          /a:
            get:
              x-amazon-apigateway-integration: { type: http_proxy, httpMethod: GET, uri: "http://127.0.0.1:9/a" }
          /b:
            get:
              x-amazon-apigateway-integration:
                type: http_proxy
                httpMethod: GET
                uri: "http://127.0.0.1:9/b"
                x-haneul-resilience: ${own}
`;
}

let fx: DeployFixture;
beforeEach(async () => {
  fx = await deployFixture();
});
afterEach(async () => {
  await fx.close();
});

async function restApiId(): Promise<string> {
  const stack = await fx.engine.requireStack("t");
  const r = (await fx.engine.store.listResources(stack.stackId)).find((x) => x.logicalId === "Rest");
  return r?.physicalId ?? "";
}

describe("x-haneul-resilience in stacks", () => {
  test("a DefinitionBody's settings reach the integrations", async () => {
    const r = await fx.deploy("t", template("{ bulkhead: { maxConcurrent: 3 } }"));
    assert.equal(r.status, "CREATE_COMPLETE", r.reason ?? "");
    const resources = await fx.apis.rest.getResources(await restApiId());
    const integration = (path: string) =>
      resources.find((x) => x.resource.path === path)?.methods.find((m) => m.httpMethod === "GET")?.integration;
    assert.equal(integration("/a")?.resilience?.circuitBreaker?.consecutiveFailures, 4);
    assert.equal(integration("/a")?.resilience?.circuitBreaker?.openMs, 2000);
    assert.equal(integration("/b")?.resilience?.bulkhead?.maxConcurrent, 3);
    assert.equal(integration("/b")?.resilience?.circuitBreaker, undefined);
  });

  test("invalid settings fail the deploy, naming the field", async () => {
    const r = await fx.deploy("t", template("{ bulkhead: { maxConcurrent: -1 } }"));
    assert.match(r.status, /ROLLBACK|FAILED/);
    const stack = await fx.engine.requireStack("t");
    const events = JSON.stringify(await fx.engine.store.listEvents(stack.stackId));
    assert.match(events, /x-haneul-resilience\.bulkhead\.maxConcurrent/);
  });
});
