import assert from "node:assert/strict";
import type { IncomingHttpHeaders } from "node:http";
import { test } from "node:test";
import { parseAccessLogFormat, type AccessLogFormat } from "../domain/access-log-format.js";
import { accessLogLine, clfTime, compileAccessLog, type AccessLogScope } from "./access-log.js";
import { gatewayError, type GatewayErrorKind } from "./gateway-errors.js";
import { errorMessageOf, responseTypeOf } from "./gateway-responses.js";
import type { AuthContext, CompiledRoute } from "./model.js";

// The renderer formats had before they were compiled (a lookup by name per variable and per
// request), kept here as the reference a compiled format must match byte for byte.
function referenceLine(f: AccessLogFormat, s: AccessLogScope): string {
  let out = f.literals[0] as string;
  for (let i = 0; i < f.names.length; i++) {
    const v = referenceValue(s, f.names[i] as string);
    out += (v === undefined || v === "" ? "-" : String(v)) + (f.literals[i + 1] as string);
  }
  return out.endsWith("\n") ? out.replace(/\r?\n$/, "") : out;
}

const NOT_REACHED = new Set<GatewayErrorKind | undefined>([
  "lambda-rejected",
  "invalid-permissions",
  "integration-failure",
  "timeout",
  "too-large",
]);

function referenceValue(s: AccessLogScope, name: string): string | number | undefined {
  const reached = s.integrationLatencyMs !== undefined && !NOT_REACHED.has(s.error);
  switch (name) {
    case "requestId":
      return s.requestId;
    case "extendedRequestId":
      return s.extendedRequestId;
    case "apiId":
      return s.apiId;
    case "stage":
      return s.stage;
    case "accountId":
      return s.accountId;
    case "httpMethod":
      return s.method;
    case "path":
      return s.path;
    case "resourcePath":
      return s.protocol === "REST" ? s.route?.resourcePath : undefined;
    case "resourceId":
      return s.protocol === "REST" ? s.route?.resourceId : undefined;
    case "routeKey":
      return s.protocol === "HTTP" ? s.route?.routeKey : undefined;
    case "protocol":
      return `HTTP/${s.httpVersion}`;
    case "status":
      return s.status;
    case "responseLength":
      return s.responseLength;
    case "responseLatency":
      return Math.round(s.responseLatencyMs);
    case "integrationLatency":
    case "integration.latency":
      return s.integrationLatencyMs === undefined ? undefined : Math.round(s.integrationLatencyMs);
    case "integrationStatus":
    case "integration.integrationStatus":
      return reached ? (s.route?.custom ? s.status : 200) : undefined;
    case "integration.status":
      return reached && s.error === undefined ? s.status : undefined;
    case "requestTime":
      return clfTime(s.requestTimeEpoch);
    case "requestTimeEpoch":
      return s.requestTimeEpoch;
    case "domainName":
      return s.domainName;
    case "domainPrefix":
      return s.domainPrefix;
    case "identity.sourceIp":
      return s.sourceIp;
    case "identity.userAgent": {
      const v: string | string[] | undefined = s.headers?.["user-agent"];
      return typeof v === "object" ? v[0] : v;
    }
    case "error.message":
      return s.error && errorMessageOf(gatewayError(s.protocol, s.error).body);
    case "error.messageString":
      return s.error && JSON.stringify(errorMessageOf(gatewayError(s.protocol, s.error).body));
    case "error.responseType":
      return s.error && responseTypeOf(s.error, s.status);
    default:
      return name.startsWith("authorizer.") ? referenceAuthorizer(s.auth, name.slice("authorizer.".length)) : undefined;
  }
}

function referenceAuthorizer(auth: AuthContext | undefined, key: string): string | number | undefined {
  if (!auth) return undefined;
  if (auth.type === "jwt") {
    if (key.startsWith("claims.")) return auth.claims[key.slice("claims.".length)];
    return key === "scopes" && auth.scopes ? auth.scopes.join(" ") : undefined;
  }
  if (key === "principalId") return auth.principalId;
  if (key === "integrationLatency" || key === "latency") return Math.round(auth.latencyMs);
  const v = auth.context[key.startsWith("lambda.") ? key.slice("lambda.".length) : key];
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? String(v) : undefined;
}

// The formats API Gateway's console offers (REST, then HTTP APIs).
const CONSOLE_FORMATS = [
  '$context.identity.sourceIp $context.identity.caller $context.identity.user [$context.requestTime] "$context.httpMethod $context.resourcePath $context.protocol" $context.status $context.responseLength $context.requestId $context.extendedRequestId',
  '{ "requestId":"$context.requestId", "extendedRequestId":"$context.extendedRequestId", "ip": "$context.identity.sourceIp", "caller":"$context.identity.caller", "user":"$context.identity.user", "requestTime":"$context.requestTime", "httpMethod":"$context.httpMethod", "resourcePath":"$context.resourcePath", "status":"$context.status", "protocol":"$context.protocol", "responseLength":"$context.responseLength" }',
  '<request id="$context.requestId"> <extendedRequestId>$context.extendedRequestId</extendedRequestId> <ip>$context.identity.sourceIp</ip> <caller>$context.identity.caller</caller> <user>$context.identity.user</user> <requestTime>$context.requestTime</requestTime> <httpMethod>$context.httpMethod</httpMethod> <resourcePath>$context.resourcePath</resourcePath> <status>$context.status</status> <protocol>$context.protocol</protocol> <responseLength>$context.responseLength</responseLength> </request>',
  "$context.identity.sourceIp,$context.identity.caller,$context.identity.user,$context.requestTime,$context.httpMethod,$context.resourcePath,$context.protocol,$context.status,$context.responseLength,$context.requestId,$context.extendedRequestId",
  '$context.identity.sourceIp - - [$context.requestTime] "$context.httpMethod $context.routeKey $context.protocol" $context.status $context.responseLength $context.requestId',
  '{ "requestId":"$context.requestId", "ip": "$context.identity.sourceIp", "requestTime":"$context.requestTime", "httpMethod":"$context.httpMethod","routeKey":"$context.routeKey", "status":"$context.status","protocol":"$context.protocol", "responseLength":"$context.responseLength" }',
  '<request id="$context.requestId"> <ip>$context.identity.sourceIp</ip> <requestTime>$context.requestTime</requestTime> <httpMethod>$context.httpMethod</httpMethod> <routeKey>$context.routeKey</routeKey> <status>$context.status</status> <protocol>$context.protocol</protocol> <responseLength>$context.responseLength</responseLength> </request>',
  "$context.identity.sourceIp,$context.requestTime,$context.httpMethod,$context.routeKey,$context.protocol,$context.status,$context.responseLength,$context.requestId",
];

// Every variable the renderer knows, variables it renders `-` (API Gateway's that haneul has no
// value for, and unknown ones), authorizer variables of both kinds, both spellings.
const VARIABLES = [
  "requestId",
  "extendedRequestId",
  "apiId",
  "stage",
  "accountId",
  "httpMethod",
  "path",
  "resourcePath",
  "resourceId",
  "routeKey",
  "protocol",
  "status",
  "responseLength",
  "responseLatency",
  "integrationLatency",
  "integration.latency",
  "integrationStatus",
  "integration.integrationStatus",
  "integration.status",
  "requestTime",
  "requestTimeEpoch",
  "domainName",
  "domainPrefix",
  "identity.sourceIp",
  "identity.userAgent",
  "identity.caller",
  "identity.user",
  "identity.accountId",
  "awsEndpointRequestId",
  "dataProcessed",
  "integrationErrorMessage",
  "integration.error",
  "integration.requestId",
  "error.message",
  "error.messageString",
  "error.responseType",
  "authorizer.principalId",
  "authorizer.integrationLatency",
  "authorizer.latency",
  "authorizer.claims.sub",
  "authorizer.claims.email",
  "authorizer.scopes",
  "authorizer.tenant",
  "authorizer.lambda.tenant",
  "authorizer.count",
  "authorizer.flag",
  "authorizer.empty",
  "authorizer.object",
  "authorizer.missing",
  "notAVariable",
];
const EVERY_VARIABLE = [
  VARIABLES.map((n) => `${n}=$context.${n}`).join(" "),
  VARIABLES.map((n) => `"${n}":"\${context.${n}}"`).join(","),
  // A variable ending the format, then a line break (REST allows one at the end; it is not logged).
  VARIABLES.map((n) => `$context.${n}`).join("|"),
  "$context.requestId $context.authorizer.tail\n",
  "$context.requestId $context.authorizer.tail\r\n",
  "$context.authorizer.tail",
  "\n",
  "$context.requestId. $context.status- $context.notAVariable.",
];

const KINDS: (GatewayErrorKind | undefined)[] = [
  undefined,
  "no-api",
  "no-stage",
  "no-route",
  "unauthorized",
  "explicit-deny",
  "implicit-deny",
  "authorizer-failure",
  "bad-response",
  "function-error",
  "lambda-rejected",
  "invalid-permissions",
  "timeout",
  "too-large",
  "unsupported-media-type",
  "integration-failure",
  "bad-request-parameters",
  "bad-request-body",
  "invalid-api-key",
  "throttled",
  "quota-exceeded",
  "circuit-open",
  "bulkhead-full",
];

const AUTHS: (AuthContext | undefined)[] = [
  undefined,
  {
    type: "lambda",
    principalId: "user-1",
    context: { tenant: "t-1", count: 3, flag: false, empty: "", object: { a: 1 }, tail: "ends\r" },
    latencyMs: 12.5,
  },
  { type: "lambda", principalId: undefined, context: {}, latencyMs: 0.4 },
  { type: "jwt", claims: { sub: "abc", email: "", tail: "x\r" }, scopes: ["read", "write"] },
  { type: "jwt", claims: {}, scopes: null },
  { type: "jwt", claims: {}, scopes: [] },
];

function route(custom: boolean): CompiledRoute {
  return {
    routeKey: "GET /pets/{id}",
    method: "GET",
    resourcePath: "/pets/{id}",
    resourceId: "abc123",
    ...(custom ? { custom: {} } : {}),
  } as unknown as CompiledRoute;
}

function* scopes(): Generator<AccessLogScope> {
  const headers: (IncomingHttpHeaders | undefined)[] = [
    undefined,
    { "user-agent": "curl/8.5.0" },
    { "user-agent": "" },
    { "user-agent": ["first", "second"] as unknown as string },
  ];
  let i = 0;
  for (const protocol of ["REST", "HTTP"] as const) {
    for (const error of KINDS) {
      for (const auth of AUTHS) {
        i++;
        yield {
          protocol,
          requestId: `req-${i}`,
          extendedRequestId: i % 5 === 0 ? "" : `ext${i}=`,
          apiId: i % 7 === 0 ? "" : "a1b2c3d4e5",
          stage: protocol === "HTTP" ? "$default" : "prod",
          accountId: "123456789012",
          method: "POST",
          path: i % 3 === 0 ? "/prod/pets/7" : "/pets/7",
          httpVersion: i % 2 === 0 ? "1.0" : "1.1",
          requestTimeEpoch: 1_765_000_000_000 + i * 977,
          sourceIp: i % 4 === 0 ? undefined : "192.0.2.7",
          headers: headers[i % headers.length],
          domainName: i % 6 === 0 ? undefined : "a1b2c3d4e5.execute-api.localhost",
          domainPrefix: i % 6 === 0 ? undefined : "a1b2c3d4e5",
          route: i % 8 === 0 ? undefined : route(i % 3 === 1),
          auth,
          status: error ? gatewayError(protocol, error).status : i % 9 === 0 ? 0 : 201,
          responseLength: i % 10 === 0 ? 0 : 40 + i,
          responseLatencyMs: i % 11 === 0 ? 0.4 : i * 1.37,
          integrationLatencyMs: i % 4 === 1 ? undefined : i * 0.51,
          error,
        };
      }
    }
  }
}

test("a compiled format renders every variable byte for byte as the renderer before it (REST and HTTP APIs, console formats, errors, authorizers)", () => {
  let compared = 0;
  for (const format of [...CONSOLE_FORMATS, ...EVERY_VARIABLE]) {
    const parsed = parseAccessLogFormat(format);
    const log = compileAccessLog("/access/test", format);
    for (const s of scopes()) {
      const expected = referenceLine(parsed, s);
      assert.equal(accessLogLine(log, s), expected, `format ${JSON.stringify(format)}`);
      compared++;
    }
  }
  assert.ok(compared > 4000, `compared ${compared} lines`);
});

test("lines show values as they are, - for missing ones, and drop a format's final line break", () => {
  const [s] = scopes();
  const log = compileAccessLog(
    "/g",
    '{"id":"$context.requestId","ip":"$context.identity.sourceIp","x":"$context.nope"}\n',
  );
  assert.equal(accessLogLine(log, { ...s!, requestId: "r-1", sourceIp: undefined }), '{"id":"r-1","ip":"-","x":"-"}');
  assert.equal(accessLogLine(compileAccessLog("/g", "$context.requestId\n"), { ...s!, requestId: "r" }), "r");
  const dotted = compileAccessLog("/g", '"$context.requestId" $context.status. $context.x');
  assert.equal(accessLogLine(dotted, { ...s!, requestId: "r1", status: 200 }), '"r1" 200. -');
  const time = compileAccessLog("/g", "$context.requestId [$context.requestTime] $context.requestTimeEpoch");
  assert.equal(
    accessLogLine(time, { ...s!, requestId: "r", requestTimeEpoch: Date.UTC(2026, 11, 6, 13, 59, 1, 250) }),
    "r [06/Dec/2026:13:59:01 +0000] 1796565541250",
  );
});

test("quotes, backslashes and line separators in a format are logged as they are", () => {
  const [s] = scopes();
  const format = "$context.requestId \"\\\" \u2028 \u2029 ${x} `${context.status}` '); throw 1; (' */ //";
  const parsed = parseAccessLogFormat(format);
  const line = compileAccessLog("/g", format).render(s!);
  assert.equal(line, referenceLine(parsed, s!));
  assert.equal(line, `${s!.requestId} "\\" \u2028 \u2029 \${x} \`${s!.status}\` '); throw 1; (' */ //`);
});

test("a format is compiled once per format string; each stage keeps its log group", () => {
  const format = "$context.requestId $context.status";
  const a = compileAccessLog("/a", format);
  const b = compileAccessLog("/b", format);
  assert.equal(a.render, b.render);
  assert.deepEqual([a.groupName, b.groupName], ["/a", "/b"]);
  assert.notEqual(compileAccessLog("/a", `${format} `).render, a.render);
  assert.deepEqual(a.format, parseAccessLogFormat(format));
});
