/**
 * Stage throttling from a SAM template: `AWS::Serverless::Api` MethodSettings and
 * `AWS::Serverless::HttpApi` DefaultRouteSettings / RouteSettings reach the stages, an update
 * replaces them, and settings haneul does not honour fail the deploy.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import { deployFixture, type DeployFixture } from "./deploy-fixture.js";

function template(o: { methodSettings: string; routeSettings: string }): string {
  return `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Rest:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      MethodSettings:${o.methodSettings}
  Http:
    Type: AWS::Serverless::HttpApi
    Properties:
      DefaultRouteSettings:
        ThrottlingBurstLimit: 7
        DetailedMetricsEnabled: false${o.routeSettings}
  Hello:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      InlineCode: "exports.handler = async () => ({ statusCode: 200, body: 'hi' });"
      Events:
        Rest:
          Type: Api
          Properties:
            RestApiId: !Ref Rest
            Path: /hello
            Method: get
        Http:
          Type: HttpApi
          Properties:
            ApiId: !Ref Http
            Path: /h
            Method: get
`;
}

const FIRST = {
  methodSettings: `
        - ResourcePath: "/*"
          HttpMethod: "*"
          ThrottlingRateLimit: 5
          ThrottlingBurstLimit: 10
          MetricsEnabled: false
        - ResourcePath: /hello
          HttpMethod: GET
          ThrottlingBurstLimit: 1`,
  routeSettings: `
      RouteSettings:
        "GET /h":
          ThrottlingRateLimit: 2`,
};

let fx: DeployFixture;
beforeEach(async () => {
  fx = await deployFixture();
});
afterEach(async () => {
  await fx.close();
});

async function physical(logicalId: string): Promise<string> {
  const stack = await fx.engine.requireStack("t");
  const r = (await fx.engine.store.listResources(stack.stackId)).find((x) => x.logicalId === logicalId);
  return r?.physicalId ?? "";
}

describe("stage throttling in stacks", () => {
  test("MethodSettings and route settings reach the stages; an update replaces them", async () => {
    const first = await fx.deploy("t", template(FIRST));
    assert.equal(first.status, "CREATE_COMPLETE", first.reason ?? "");
    const rest = await fx.apis.rest.getStage(await physical("Rest"), "prod");
    assert.deepEqual(rest.methodSettings, {
      "*/*": { rateLimit: 5, burstLimit: 10 },
      "~1hello/GET": { burstLimit: 1 },
    });
    const http = await fx.apis.http.getStage(await physical("Http"), "$default");
    assert.deepEqual(http.defaultRouteSettings, { burstLimit: 7 });
    assert.deepEqual(http.routeSettings, { "GET /h": { rateLimit: 2 } });

    const second = await fx.deploy(
      "t",
      template({
        methodSettings: `\n        - { ResourcePath: "/*", HttpMethod: "*", ThrottlingRateLimit: 1 }`,
        routeSettings: "",
      }),
    );
    assert.equal(second.status, "UPDATE_COMPLETE", second.reason ?? "");
    const rest2 = await fx.apis.rest.getStage(await physical("Rest"), "prod");
    assert.deepEqual(rest2.methodSettings, { "*/*": { rateLimit: 1 } });
    const http2 = await fx.apis.http.getStage(await physical("Http"), "$default");
    assert.deepEqual(http2.routeSettings, {});
  });

  test("a method setting haneul does not honour fails the deploy", async () => {
    const r = await fx.deploy(
      "t",
      template({
        methodSettings: `\n        - { ResourcePath: "/*", HttpMethod: "*", CachingEnabled: true }`,
        routeSettings: "",
      }),
    );
    assert.match(r.status, /ROLLBACK/);
    const stack = await fx.engine.requireStack("t");
    const events = JSON.stringify(await fx.engine.store.listEvents(stack.stackId));
    assert.match(events, /caching\/enabled true: not supported by haneul/);
  });
});
