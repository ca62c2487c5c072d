/**
 * Function URLs through the real AWS SDK v3 against a real node: the five URL operations with
 * AWS's shapes and errors, then requests to the URLs themselves (host-based and path-based):
 * NONE with and without the public permission, AWS_IAM signed and unsigned, CORS preflights and
 * headers, the payload 2.0 event and response mapping, and URLs going away with their alias or
 * function.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  AddPermissionCommand,
  CreateAliasCommand,
  CreateFunctionCommand,
  CreateFunctionUrlConfigCommand,
  DeleteAliasCommand,
  DeleteFunctionCommand,
  DeleteFunctionUrlConfigCommand,
  GetFunctionUrlConfigCommand,
  ListFunctionUrlConfigsCommand,
  PublishVersionCommand,
  UpdateFunctionUrlConfigCommand,
} from "@aws-sdk/client-lambda";
import { functionArn as arn, type LambdaNode, NODE_ROLE as ROLE, startLambdaNode } from "../helpers/lambda-node.js";
import { sdkError } from "../helpers/sdk-error.js";
import { lambdaSigner } from "../helpers/sigv4-signer.js";
import { call, ECHO, pathForm, zipOf } from "./url-helpers.js";

let node: LambdaNode;
before(async () => {
  node = await startLambdaNode();
});
after(async () => {
  await node.close();
});

const create = (name: string, zip: Uint8Array = ECHO) =>
  node.client.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: "nodejs20.x",
      Role: ROLE,
      Handler: "index.handler",
      Code: { ZipFile: zip },
    }),
  );
const allowPublic = (name: string, qualifier?: string) =>
  node.client.send(
    new AddPermissionCommand({
      FunctionName: name,
      Qualifier: qualifier,
      StatementId: "public-url",
      Action: "lambda:InvokeFunctionUrl",
      Principal: "*",
      FunctionUrlAuthType: "NONE",
    }),
  );
/** The parts of the payload 2.0 event the tests read. */
interface UrlEvent {
  readonly [member: string]: unknown;
  readonly headers: Record<string, string>;
  readonly requestContext: {
    readonly apiId: string;
    readonly accountId: string;
    readonly domainName: string;
    readonly domainPrefix: string;
    readonly http: { readonly method: string; readonly path: string; readonly protocol: string };
    readonly stage: string;
    readonly routeKey: string;
    readonly authorizer?: { readonly iam: { readonly accessKey: string } };
  };
}
const URL_RE = /^http:\/\/([a-z0-9]{32})\.lambda-url\.us-east-1\.localhost:\d+\/$/;
const DATE_RE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

describe("function URL operations with the AWS SDK v3", { concurrency: false }, () => {
  test("create, get, update, list and delete with AWS's shapes", async () => {
    await create("urls-crud");
    const created = await node.client.send(
      new CreateFunctionUrlConfigCommand({
        FunctionName: "urls-crud",
        AuthType: "NONE",
        Cors: { AllowOrigins: ["https://site.example"], AllowMethods: ["GET", "POST"], MaxAge: 300 },
      }),
    );
    assert.equal(created.$metadata.httpStatusCode, 201);
    assert.match(created.FunctionUrl ?? "", URL_RE);
    assert.equal(created.FunctionArn, arn("urls-crud"));
    assert.equal(created.AuthType, "NONE");
    assert.equal(created.InvokeMode, "BUFFERED");
    assert.match(created.CreationTime ?? "", DATE_RE);
    assert.deepEqual(created.Cors, {
      AllowOrigins: ["https://site.example"],
      AllowMethods: ["GET", "POST"],
      MaxAge: 300,
    });

    await assert.rejects(
      node.client.send(new CreateFunctionUrlConfigCommand({ FunctionName: "urls-crud", AuthType: "AWS_IAM" })),
      sdkError(
        "ResourceConflictException",
        409,
        `Failed to create function url config for [functionArn = ${arn("urls-crud")}]. Error message:  FunctionUrlConfig exists for this Lambda function`,
      ),
    );
    const got = await node.client.send(new GetFunctionUrlConfigCommand({ FunctionName: arn("urls-crud") }));
    assert.equal(got.FunctionUrl, created.FunctionUrl);
    assert.match(got.LastModifiedTime ?? "", DATE_RE);

    const streamed = await node.client.send(
      new UpdateFunctionUrlConfigCommand({ FunctionName: "urls-crud", InvokeMode: "RESPONSE_STREAM" }),
    );
    assert.equal(streamed.InvokeMode, "RESPONSE_STREAM");
    const reported = await node.client.send(new GetFunctionUrlConfigCommand({ FunctionName: "urls-crud" }));
    assert.equal(reported.InvokeMode, "RESPONSE_STREAM", "GetFunctionUrlConfig reports the mode");
    const updated = await node.client.send(
      new UpdateFunctionUrlConfigCommand({ FunctionName: "urls-crud", AuthType: "AWS_IAM", InvokeMode: "BUFFERED" }),
    );
    assert.equal(updated.FunctionUrl, created.FunctionUrl, "the URL stays");
    assert.deepEqual([updated.AuthType, updated.InvokeMode], ["AWS_IAM", "BUFFERED"]);
    assert.deepEqual(updated.Cors, created.Cors, "Cors is kept when not given");

    await node.client.send(new PublishVersionCommand({ FunctionName: "urls-crud" }));
    await node.client.send(new CreateAliasCommand({ FunctionName: "urls-crud", Name: "live", FunctionVersion: "1" }));
    const aliased = await node.client.send(
      new CreateFunctionUrlConfigCommand({ FunctionName: "urls-crud", Qualifier: "live", AuthType: "NONE" }),
    );
    assert.equal(aliased.FunctionArn, arn("urls-crud", "live"));
    assert.notEqual(aliased.FunctionUrl, created.FunctionUrl);
    const listed = await node.client.send(new ListFunctionUrlConfigsCommand({ FunctionName: "urls-crud" }));
    assert.deepEqual(
      listed.FunctionUrlConfigs?.map((c) => c.FunctionArn),
      [arn("urls-crud"), arn("urls-crud", "live")],
    );
    const page = await node.client.send(new ListFunctionUrlConfigsCommand({ FunctionName: "urls-crud", MaxItems: 1 }));
    assert.equal(page.FunctionUrlConfigs?.length, 1);
    const rest = await node.client.send(
      new ListFunctionUrlConfigsCommand({ FunctionName: "urls-crud", Marker: page.NextMarker }),
    );
    assert.deepEqual(
      rest.FunctionUrlConfigs?.map((c) => c.FunctionArn),
      [arn("urls-crud", "live")],
    );

    // Deleting the alias takes its URL along.
    await node.client.send(new DeleteAliasCommand({ FunctionName: "urls-crud", Name: "live" }));
    await assert.rejects(
      node.client.send(new GetFunctionUrlConfigCommand({ FunctionName: "urls-crud", Qualifier: "live" })),
      sdkError("ResourceNotFoundException", 404, "The resource you requested does not exist."),
    );
    const del = await node.client.send(new DeleteFunctionUrlConfigCommand({ FunctionName: "urls-crud" }));
    assert.equal(del.$metadata.httpStatusCode, 204);
    await assert.rejects(
      node.client.send(new DeleteFunctionUrlConfigCommand({ FunctionName: "urls-crud" })),
      sdkError("ResourceNotFoundException", 404, "The resource you requested does not exist."),
    );
  });

  test("errors: $LATEST and versions are no URL qualifiers, missing functions and aliases, bad members", async () => {
    await create("urls-errors");
    const pattern = "((?!^\\d+$)^[0-9a-zA-Z-_]+$)";
    await assert.rejects(
      node.client.send(
        new CreateFunctionUrlConfigCommand({ FunctionName: "urls-errors", Qualifier: "$LATEST", AuthType: "NONE" }),
      ),
      sdkError(
        "ValidationException",
        400,
        `1 validation error detected: Value '$LATEST' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: ${pattern}`,
      ),
    );
    await assert.rejects(
      node.client.send(new GetFunctionUrlConfigCommand({ FunctionName: "urls-errors", Qualifier: "1" })),
      sdkError("ValidationException", 400, /Value '1' at 'qualifier'/),
    );
    await assert.rejects(
      node.client.send(new CreateFunctionUrlConfigCommand({ FunctionName: "nope", AuthType: "NONE" })),
      sdkError("ResourceNotFoundException", 404, "Function does not exist"),
    );
    await assert.rejects(
      node.client.send(
        new CreateFunctionUrlConfigCommand({ FunctionName: "urls-errors", Qualifier: "ghost", AuthType: "NONE" }),
      ),
      sdkError("ResourceNotFoundException", 404, "Function does not exist"),
    );
    await assert.rejects(
      node.client.send(new GetFunctionUrlConfigCommand({ FunctionName: "urls-errors" })),
      sdkError("ResourceNotFoundException", 404, "The resource you requested does not exist."),
    );
    await assert.rejects(
      node.client.send(
        new CreateFunctionUrlConfigCommand({
          FunctionName: "urls-errors",
          AuthType: "OPEN" as "NONE",
          Cors: { MaxAge: 90000 },
        }),
      ),
      sdkError(
        "ValidationException",
        400,
        "2 validation errors detected: Value 'OPEN' at 'authType' failed to satisfy constraint: Member must satisfy enum value set: [NONE, AWS_IAM]; Value '90000' at 'cors.maxAge' failed to satisfy constraint: Member must have value less than or equal to 86400",
      ),
    );
    await assert.rejects(
      node.client.send(new ListFunctionUrlConfigsCommand({ FunctionName: "nope" })),
      sdkError("ResourceNotFoundException", 404, "Function does not exist"),
    );
  });
});

describe("requests to function URLs", { concurrency: false }, () => {
  test("NONE: Forbidden until the public permission exists; the payload 2.0 event and answer", async () => {
    await create("urls-public");
    const { FunctionUrl = "" } = await node.client.send(
      new CreateFunctionUrlConfigCommand({ FunctionName: "urls-public", AuthType: "NONE" }),
    );
    const id = URL_RE.exec(FunctionUrl)?.[1] ?? "";
    const denied = await call(`${FunctionUrl}items?x=1`);
    assert.deepEqual([denied.status, denied.body], [403, '{"Message":"Forbidden"}']);
    await allowPublic("urls-public");

    const res = await call(`${FunctionUrl}items/42?a=1&a=2&b=x%20y`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: "s=1; t=2", "x-custom": "v" },
      body: '{"hello":"url"}',
    });
    assert.equal(res.status, 201);
    assert.equal(res.headers["x-echo"], "yes");
    assert.deepEqual(res.headers["set-cookie"], ["a=1; Path=/", "b=2"]);
    assert.match(String(res.headers["x-amzn-requestid"]), /^[0-9a-f-]{36}$/);
    const event = JSON.parse(res.body) as UrlEvent;
    assert.equal(event["version"], "2.0");
    assert.equal(event["routeKey"], "$default");
    assert.equal(event["rawPath"], "/items/42");
    assert.equal(event["rawQueryString"], "a=1&a=2&b=x%20y");
    assert.deepEqual(event["cookies"], ["s=1", "t=2"]);
    assert.deepEqual(event["queryStringParameters"], { a: "1,2", b: "x y" });
    assert.equal(event["headers"]["x-custom"], "v");
    assert.equal(event["headers"]["x-forwarded-proto"], "http");
    assert.equal(event["body"], '{"hello":"url"}');
    assert.equal(event["isBase64Encoded"], false);
    const ctx = event["requestContext"];
    assert.equal(ctx.apiId, id);
    assert.equal(ctx.accountId, "anonymous");
    assert.equal(ctx.domainName, `${id}.lambda-url.us-east-1.localhost`);
    assert.equal(ctx.domainPrefix, id);
    assert.deepEqual(
      [ctx.http.method, ctx.http.path, ctx.http.protocol, ctx.stage, ctx.routeKey],
      ["POST", "/items/42", "HTTP/1.1", "$default", "$default"],
    );
    assert.equal(ctx.authorizer, undefined);

    // The path form reaches the same function; a binary body is base64-encoded.
    const viaPath = await call(`${pathForm(FunctionUrl)}bin`, {
      method: "PUT",
      headers: { "content-type": "application/octet-stream" },
      body: Buffer.from([0, 1, 2, 255]),
    });
    const e2 = JSON.parse(viaPath.body) as UrlEvent;
    assert.deepEqual([e2["rawPath"], e2["body"], e2["isBase64Encoded"]], ["/bin", "AAEC/w==", true]);
    assert.equal(e2["requestContext"].domainName, `${id}.lambda-url.us-east-1.localhost`);

    // An unknown URL id is Forbidden too.
    const unknown = await call(`http://127.0.0.1:${new URL(FunctionUrl).port}/lambda-url/${"z".repeat(32)}/`);
    assert.equal(unknown.status, 403);
  });

  test("answers: a plain result is a JSON 200, a failure 502, a malformed answer 502", async () => {
    await create(
      "urls-answers",
      zipOf(`exports.handler = async (event) => {
  if (event.rawPath === "/fail") throw new Error("boom");
  if (event.rawPath === "/bad") return { statusCode: "x" };
  return { hello: "world" };
};`),
    );
    await allowPublic("urls-answers");
    const { FunctionUrl = "" } = await node.client.send(
      new CreateFunctionUrlConfigCommand({ FunctionName: "urls-answers", AuthType: "NONE" }),
    );
    const plain = await call(FunctionUrl);
    assert.deepEqual(
      [plain.status, plain.headers["content-type"], plain.body],
      [200, "application/json", '{"hello":"world"}'],
    );
    const failed = await call(`${FunctionUrl}fail`);
    assert.equal(failed.status, 502);
    const bad = await call(`${FunctionUrl}bad`);
    assert.equal(bad.status, 502);
  });

  test("CORS: Lambda answers preflights and replaces the function's CORS headers", async () => {
    await create("urls-cors");
    await allowPublic("urls-cors");
    const { FunctionUrl = "" } = await node.client.send(
      new CreateFunctionUrlConfigCommand({
        FunctionName: "urls-cors",
        AuthType: "NONE",
        Cors: {
          AllowOrigins: ["https://app.example"],
          AllowMethods: ["GET", "POST"],
          AllowHeaders: ["content-type", "x-custom"],
          ExposeHeaders: ["x-echo"],
          MaxAge: 600,
          AllowCredentials: true,
        },
      }),
    );
    const before = node.records.length;
    const preflight = await call(FunctionUrl, {
      method: "OPTIONS",
      headers: { origin: "https://app.example", "access-control-request-method": "POST" },
    });
    assert.equal(preflight.status, 200);
    assert.equal(preflight.headers["access-control-allow-origin"], "https://app.example");
    assert.equal(preflight.headers["access-control-allow-methods"], "GET,POST");
    assert.equal(preflight.headers["access-control-allow-headers"], "content-type,x-custom");
    assert.equal(preflight.headers["access-control-max-age"], "600");
    assert.equal(preflight.headers["access-control-allow-credentials"], "true");
    assert.equal(node.records.length, before, "the function does not run for a preflight");
    const other = await call(FunctionUrl, {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
    });
    assert.equal(other.headers["access-control-allow-origin"], undefined);

    const res = await call(FunctionUrl, { headers: { origin: "https://app.example" } });
    assert.equal(res.status, 201);
    assert.equal(res.headers["access-control-allow-origin"], "https://app.example", "the function's own is replaced");
    assert.equal(res.headers["access-control-expose-headers"], "x-echo");
  });

  test("AWS_IAM: unsigned and wrongly signed requests are Forbidden; a signed one carries authorizer.iam", async () => {
    await create("urls-iam");
    const { FunctionUrl = "" } = await node.client.send(
      new CreateFunctionUrlConfigCommand({ FunctionName: "urls-iam", AuthType: "AWS_IAM" }),
    );
    const unsigned = await call(FunctionUrl);
    assert.deepEqual([unsigned.status, unsigned.body], [403, '{"Message":"Forbidden"}']);

    const u = new URL(`${FunctionUrl}signed?q=1`);
    const sign = (secret: string) =>
      lambdaSigner(node.accessKeyId, secret).sign({
        method: "POST",
        protocol: "http:",
        hostname: u.hostname,
        port: Number(u.port),
        path: u.pathname,
        query: { q: "1" },
        headers: { host: u.host, "content-type": "text/plain" },
        body: "signed body",
      });
    const wrong = await sign("not-the-secret");
    const refused = await call(`http://127.0.0.1:${u.port}${u.pathname}?q=1`, {
      method: "POST",
      host: u.host,
      headers: wrong.headers,
      body: "signed body",
    });
    assert.equal(refused.status, 403);
    const good = await sign(node.secretAccessKey);
    const res = await call(`http://127.0.0.1:${u.port}${u.pathname}?q=1`, {
      method: "POST",
      host: u.host,
      headers: good.headers,
      body: "signed body",
    });
    assert.equal(res.status, 201, res.body);
    const event = JSON.parse(res.body) as UrlEvent;
    assert.equal(event["body"], "signed body");
    assert.equal(event["requestContext"].authorizer?.iam.accessKey, node.accessKeyId);
    assert.equal(event["requestContext"].accountId, "123456789012");
    // The same signature over another body is refused.
    const tampered = await call(`http://127.0.0.1:${u.port}${u.pathname}?q=1`, {
      method: "POST",
      host: u.host,
      headers: good.headers,
      body: "other body!",
    });
    assert.equal(tampered.status, 403);
  });

  test("an alias URL invokes the alias; deleting the function ends its URL", async () => {
    await create("urls-alias");
    await node.client.send(new PublishVersionCommand({ FunctionName: "urls-alias" }));
    await node.client.send(new CreateAliasCommand({ FunctionName: "urls-alias", Name: "prod", FunctionVersion: "1" }));
    await allowPublic("urls-alias", "prod");
    const { FunctionUrl = "" } = await node.client.send(
      new CreateFunctionUrlConfigCommand({ FunctionName: "urls-alias", Qualifier: "prod", AuthType: "NONE" }),
    );
    const res = await call(FunctionUrl);
    assert.equal(res.status, 201);
    const record = node.records.at(-1);
    assert.equal(record?.executedVersion, "1");
    await node.client.send(new DeleteFunctionCommand({ FunctionName: "urls-alias" }));
    assert.equal((await call(FunctionUrl)).status, 403);
  });
});
