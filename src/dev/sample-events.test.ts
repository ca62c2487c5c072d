import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { generateEvent, SAMPLE_EVENTS } from "./sample-events.js";

type Json = Record<string, unknown>;
const keys = (o: unknown) => Object.keys(o as Json).sort();
const firstRecord = (e: unknown) => (e as { Records: Json[] }).Records[0] ?? {};

test("apigateway aws-proxy has the REST proxy (payload 1.0) fields, query strings single and multi-valued", () => {
  const e = generateEvent("apigateway", "aws-proxy", {
    method: "POST",
    path: "orders/7",
    query: "a=1&a=2&b=x",
    body: "{}",
  }) as Json;
  assert.deepEqual(keys(e), [
    "body",
    "headers",
    "httpMethod",
    "isBase64Encoded",
    "multiValueHeaders",
    "multiValueQueryStringParameters",
    "path",
    "pathParameters",
    "queryStringParameters",
    "requestContext",
    "resource",
    "stageVariables",
  ]);
  assert.equal(e.httpMethod, "POST");
  assert.equal(e.path, "/orders/7");
  assert.deepEqual(e.pathParameters, { proxy: "orders/7" });
  assert.deepEqual(e.queryStringParameters, { a: "2", b: "x" });
  assert.deepEqual(e.multiValueQueryStringParameters, { a: ["1", "2"], b: ["x"] });
  const ctx = e.requestContext as Json;
  assert.equal(ctx.path, "/prod/orders/7");
  assert.equal(ctx.resourcePath, "/{proxy+}");
  assert.equal((ctx.identity as Json).sourceIp, "127.0.0.1");
});

test("apigateway http-api-proxy is payload 2.0 with a comma-joined query and requestContext.http", () => {
  const e = generateEvent("apigateway", "http-api-proxy", { query: "a=1&a=2", path: "/items" }) as Json;
  assert.equal(e.version, "2.0");
  assert.equal(e.routeKey, "$default");
  assert.equal(e.rawPath, "/items");
  assert.equal(e.rawQueryString, "a=1&a=2");
  assert.deepEqual(e.queryStringParameters, { a: "1,2" });
  assert.deepEqual((e.requestContext as { http: Json }).http.method, "GET");
  assert.equal("body" in e, false, "no body when none is given");
});

test("sqs receive-message: one record with the body's MD5, the queue's ARN and region", () => {
  const r = firstRecord(generateEvent("sqs", "receive-message", { body: "hello", queue: "jobs", region: "eu-west-1" }));
  assert.equal(r.eventSource, "aws:sqs");
  assert.equal(r.body, "hello");
  assert.equal(r.md5OfBody, createHash("md5").update("hello").digest("hex"));
  assert.equal(r.eventSourceARN, "arn:aws:sqs:eu-west-1:123456789012:jobs");
  assert.equal(r.awsRegion, "eu-west-1");
  assert.deepEqual(keys(r.attributes), [
    "ApproximateFirstReceiveTimestamp",
    "ApproximateReceiveCount",
    "SenderId",
    "SentTimestamp",
  ]);
});

test("sns notification, kinesis get-records (data in base64), s3 put and schedules in AWS's shapes", () => {
  const sns = firstRecord(generateEvent("sns", "notification", { message: "m", topic: "t" }));
  assert.equal(sns.EventSource, "aws:sns");
  assert.equal((sns.Sns as Json).Type, "Notification");
  assert.equal((sns.Sns as Json).TopicArn, "arn:aws:sns:us-east-1:123456789012:t");

  const k = firstRecord(generateEvent("kinesis", "get-records", { data: "hi" }));
  assert.equal((k.kinesis as Json).data, Buffer.from("hi").toString("base64"));
  assert.equal(k.eventName, "aws:kinesis:record");

  const s3 = firstRecord(generateEvent("s3", "put", { bucket: "b", key: "a b/c.txt" }));
  assert.equal(s3.eventName, "ObjectCreated:Put");
  const object = (s3.s3 as { object: Json }).object;
  assert.equal(object.key, "a%20b/c.txt", "keys are URL-encoded as S3 sends them");
  assert.equal(object.size, 1024);

  for (const source of ["schedule", "cloudwatch"]) {
    const e = generateEvent(source, "scheduled-event", { rule: "nightly" }) as Json;
    assert.equal(e["detail-type"], "Scheduled Event");
    assert.equal(e.source, "aws.events");
    assert.deepEqual(e.resources, ["arn:aws:events:us-east-1:123456789012:rule/nightly"]);
  }
  const eb = generateEvent("eventbridge", "event", { detail: '{"n":1}' }) as Json;
  assert.deepEqual(eb.detail, { n: 1 });
});

test("unknown sources, types and options are refused, naming what is known", () => {
  assert.throws(() => generateEvent("dynamo", "x"), /unknown event source 'dynamo' \(known: apigateway/);
  assert.throws(() => generateEvent("sqs", "send"), /unknown sqs event type 'send' \(known: receive-message\)/);
  assert.throws(() => generateEvent("sqs", "receive-message", { color: "x" }), /has no option --color/);
  assert.throws(() => generateEvent("eventbridge", "event", { detail: "{" }), /--detail must be JSON/);
  for (const [source, types] of Object.entries(SAMPLE_EVENTS)) {
    for (const type of Object.keys(types)) assert.doesNotThrow(() => JSON.stringify(generateEvent(source, type)));
  }
});
