/**
 * API Gateway access log formats: a single line with `$context.x` (or `${context.x}`) variables,
 * checked as API Gateway checks them when a stage is configured, and compiled once into literal
 * parts and variable names so that a request's line is a concatenation. REST APIs keep variables
 * they do not know (rendered `-`, as every missing value is); HTTP APIs refuse them.
 */

/** A parsed format: literal text between variables, `literals.length === names.length + 1`. */
export interface AccessLogFormat {
  readonly literals: readonly string[];
  /** Variable names without `context.` (`requestId`, `identity.sourceIp`, `authorizer.claims.sub`). */
  readonly names: readonly string[];
}

/** Why a format or destination is refused: AWS's message. */
export class AccessLogSettingsError extends Error {
  constructor(
    message: string,
    readonly notFound = false,
  ) {
    super(message);
    this.name = "AccessLogSettingsError";
  }
}

const NAME_CHAR = /[A-Za-z0-9_.-]/;

/** Splits `format` into literals and variable names. */
export function parseAccessLogFormat(format: string): AccessLogFormat {
  const literals: string[] = [];
  const names: string[] = [];
  let literal = "";
  let i = 0;
  while (i < format.length) {
    const found = variableAt(format, i);
    if (!found) {
      literal += format[i];
      i++;
      continue;
    }
    literals.push(literal);
    names.push(found.name);
    literal = "";
    i = found.end;
  }
  literals.push(literal);
  return { literals, names };
}

function variableAt(format: string, i: number): { name: string; end: number } | undefined {
  if (format[i] !== "$") return undefined;
  if (format.startsWith("${context.", i)) {
    const close = format.indexOf("}", i);
    if (close < 0) return undefined;
    return { name: format.slice(i + "${context.".length, close), end: close + 1 };
  }
  if (!format.startsWith("$context.", i)) return undefined;
  const start = i + "$context.".length;
  let end = start;
  while (end < format.length && NAME_CHAR.test(format[end] as string)) end++;
  // A sentence's full stop or a dash after a variable is not part of its name.
  while (end > start && (format[end - 1] === "." || format[end - 1] === "-")) end--;
  return end > start ? { name: format.slice(start, end), end } : undefined;
}

/** The `$context` variables HTTP APIs accept in access logs (authorizer.* besides). */
const HTTP_VARIABLES = new Set([
  "accountId",
  "apiId",
  "awsEndpointRequestId",
  "customDomain.basePathMatched",
  "dataProcessed",
  "domainName",
  "domainPrefix",
  "error.message",
  "error.messageString",
  "error.responseType",
  "extendedRequestId",
  "httpMethod",
  "identity.accountId",
  "identity.caller",
  "identity.cognitoAuthenticationProvider",
  "identity.cognitoAuthenticationType",
  "identity.cognitoIdentityId",
  "identity.cognitoIdentityPoolId",
  "identity.principalOrgId",
  "identity.sourceIp",
  "identity.user",
  "identity.userAgent",
  "identity.userArn",
  "integration.error",
  "integration.integrationStatus",
  "integration.latency",
  "integration.requestId",
  "integration.status",
  "integrationErrorMessage",
  "integrationLatency",
  "integrationStatus",
  "path",
  "protocol",
  "requestId",
  "requestTime",
  "requestTimeEpoch",
  "responseLatency",
  "responseLength",
  "routeKey",
  "stage",
  "status",
]);

/** Checks `format` as CreateStage/UpdateStage do; throws AccessLogSettingsError with AWS's message. */
export function checkAccessLogFormat(protocol: "REST" | "HTTP", format: string): AccessLogFormat {
  const prefix = protocol === "HTTP" ? "The following errors are found in Access Log Format: " : "";
  // REST allows one line break at the very end; HTTP none.
  const line = protocol === "REST" ? format.replace(/\r?\n$/, "") : format;
  if (/[\r\n]/.test(line)) {
    const rest = protocol === "REST" ? ", new line character is allowed only at end of the format" : "";
    throw new AccessLogSettingsError(`${prefix}Access Log format must be single line${rest}: '${format}'`);
  }
  const parsed = parseAccessLogFormat(format);
  if (protocol === "HTTP") {
    const unsupported = parsed.names.filter((n) => !HTTP_VARIABLES.has(n) && !/^authorizer\.[\w.-]+$/.test(n));
    if (unsupported.length > 0) {
      const list = unsupported.map((n) => `$context.${n}`).join(", ");
      throw new AccessLogSettingsError(`The following context variables are not supported: [${list}]`);
    }
  }
  if (!parsed.names.some((n) => n === "requestId" || n === "extendedRequestId")) {
    throw new AccessLogSettingsError(
      `${prefix}Access Log format must include either $context.requestId or $context.extendedRequestId : '${format}'`,
    );
  }
  return parsed;
}

/**
 * The log group a destination ARN names (`arn:aws:logs:<region>:<account>:log-group:<name>[:*]`).
 * A Kinesis Data Firehose ARN is named as such (haneul has no Firehose; the caller refuses it).
 */
export function accessLogDestination(
  arn: string,
  scope: { readonly region: string; readonly accountId: string },
): { readonly kind: "logs"; readonly group: string } | { readonly kind: "firehose"; readonly name: string } {
  if (!arn.startsWith("arn:")) {
    throw new AccessLogSettingsError(`Invalid ARN specified in the request. ARNs must start with 'arn:': ${arn}`);
  }
  const parts = arn.split(":");
  const [, partition, service, region, account] = parts;
  const resource = parts.slice(5).join(":");
  if (service === "firehose" && resource.startsWith("deliverystream/")) {
    return { kind: "firehose", name: resource.slice("deliverystream/".length) };
  }
  const group = resource.replace(/^log-group:/, "").replace(/:\*$/, "");
  const valid =
    partition === "aws" &&
    service === "logs" &&
    region === scope.region &&
    account === scope.accountId &&
    resource.startsWith("log-group:") &&
    /^[A-Za-z0-9_\-./#]{1,512}$/.test(group);
  if (!valid) {
    throw new AccessLogSettingsError(
      "Invalid ARN specified in the request. The ARN must be a valid CloudWatch Logs log group or Kinesis Data Firehose delivery stream ARN.",
    );
  }
  return { kind: "logs", group };
}

/** The log group of a destination ARN already checked by `accessLogDestination`; undefined for others. */
export function logGroupOfArn(arn: string): string | undefined {
  const m = /^arn:[^:]+:logs:[^:]*:[^:]*:log-group:(.+?)(?::\*)?$/.exec(arn);
  return m?.[1];
}
