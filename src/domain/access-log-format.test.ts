import assert from "node:assert/strict";
import { test } from "node:test";
import {
  accessLogDestination,
  AccessLogSettingsError,
  checkAccessLogFormat,
  logGroupOfArn,
  parseAccessLogFormat,
} from "./access-log-format.js";

const scope = { region: "us-east-1", accountId: "123456789012" };

test("variables in both spellings; a trailing full stop is text", () => {
  const f = parseAccessLogFormat(
    '{"id":"$context.requestId","ip":"${context.identity.sourceIp}"} $context.status. $context.x',
  );
  assert.deepEqual(f.names, ["requestId", "identity.sourceIp", "status", "x"]);
  assert.deepEqual(f.literals, ['{"id":"', '","ip":"', '"} ', ". ", ""]);
});

test("a REST format may end with a line break (not logged); HTTP formats may not", () => {
  const rest = checkAccessLogFormat("REST", "$context.requestId\n");
  assert.deepEqual(rest.literals, ["", "\n"]);
  assert.throws(
    () => checkAccessLogFormat("REST", "$context.requestId\nx"),
    /Access Log format must be single line, new line character is allowed only at end of the format/,
  );
  assert.throws(
    () => checkAccessLogFormat("HTTP", "$context.requestId\n"),
    /^AccessLogSettingsError: The following errors are found in Access Log Format: Access Log format must be single line/,
  );
});

test("a request id is required; HTTP APIs refuse variables they do not have, REST APIs keep them", () => {
  assert.throws(
    () => checkAccessLogFormat("REST", "$context.status"),
    new AccessLogSettingsError(
      "Access Log format must include either $context.requestId or $context.extendedRequestId : '$context.status'",
    ),
  );
  assert.ok(checkAccessLogFormat("REST", "$context.extendedRequestId $context.nothing"));
  assert.throws(
    () => checkAccessLogFormat("HTTP", "$context.requestId $context.nothing $context.resourcePath"),
    new AccessLogSettingsError(
      "The following context variables are not supported: [$context.nothing, $context.resourcePath]",
    ),
  );
  assert.ok(checkAccessLogFormat("HTTP", "$context.requestId $context.authorizer.claims.sub $context.routeKey"));
});

test("destinations: log group ARNs of this region and account; Firehose named as such; others refused", () => {
  const arn = "arn:aws:logs:us-east-1:123456789012:log-group:/access/a:*";
  assert.deepEqual(accessLogDestination(arn, scope), { kind: "logs", group: "/access/a" });
  assert.equal(logGroupOfArn(arn), "/access/a");
  assert.equal(logGroupOfArn("arn:aws:logs:us-east-1:123456789012:log-group:plain"), "plain");
  assert.deepEqual(
    accessLogDestination("arn:aws:firehose:us-east-1:123456789012:deliverystream/amazon-apigateway-s", scope),
    { kind: "firehose", name: "amazon-apigateway-s" },
  );
  assert.throws(() => accessLogDestination("logs", scope), /ARNs must start with 'arn:': logs/);
  for (const bad of [
    "arn:aws:logs:eu-west-1:123456789012:log-group:x",
    "arn:aws:logs:us-east-1:999999999999:log-group:x",
    "arn:aws:s3:::bucket",
  ]) {
    assert.throws(() => accessLogDestination(bad, scope), /must be a valid CloudWatch Logs log group/);
  }
});
