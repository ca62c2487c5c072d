/**
 * The answers API Gateway gives itself (gateway responses), with AWS's texts. REST bodies keep
 * AWS's spacing (`{"message": "Internal server error"}`) and the capital `Message` of the
 * authorizer denials; REST adds `x-amzn-ErrorType`. Sources: supported-gateway-response-types
 * (status codes), http-api-troubleshooting-jwt (401 text), observed responses quoted on re:Post
 * (throttled Lambda → 500 InternalServerErrorException; explicit deny → 403 AccessDeniedException).
 */

/** Why the gateway answered without (or instead of) the function. */
export type GatewayErrorKind =
  | "no-api"
  | "no-stage"
  | "no-route"
  | "unauthorized"
  | "explicit-deny"
  | "implicit-deny"
  | "authorizer-failure"
  | "bad-response"
  | "function-error"
  | "lambda-rejected"
  | "invalid-permissions"
  | "timeout"
  | "too-large"
  | "unsupported-media-type"
  | "integration-failure"
  | "bad-request-parameters"
  | "bad-request-body"
  | "invalid-api-key"
  | "throttled"
  | "quota-exceeded"
  | "circuit-open"
  | "bulkhead-full";

/** A fixed gateway answer. */
export interface GatewayError {
  readonly status: number;
  readonly body: Buffer;
  readonly errorType?: string | undefined;
}

function e(status: number, body: string, errorType?: string): GatewayError {
  return { status, body: Buffer.from(body), errorType };
}

const INTERNAL_REST = '{"message": "Internal server error"}';

const REST: Record<GatewayErrorKind, GatewayError> = {
  "no-api": e(403, '{"message":"Forbidden"}', "ForbiddenException"),
  "no-stage": e(403, '{"message":"Forbidden"}', "ForbiddenException"),
  "no-route": e(403, '{"message":"Missing Authentication Token"}', "MissingAuthenticationTokenException"),
  unauthorized: e(401, '{"message":"Unauthorized"}', "UnauthorizedException"),
  "explicit-deny": e(
    403,
    '{"Message":"User is not authorized to access this resource with an explicit deny"}',
    "AccessDeniedException",
  ),
  "implicit-deny": e(403, '{"Message":"User is not authorized to access this resource"}', "AccessDeniedException"),
  "authorizer-failure": e(500, '{"message": null}', "AuthorizerConfigurationException"),
  "bad-response": e(502, INTERNAL_REST, "InternalServerErrorException"),
  "function-error": e(502, INTERNAL_REST, "InternalServerErrorException"),
  "lambda-rejected": e(500, INTERNAL_REST, "InternalServerErrorException"),
  "invalid-permissions": e(500, INTERNAL_REST, "InternalServerErrorException"),
  timeout: e(504, '{"message": "Endpoint request timed out"}'),
  "too-large": e(413, '{"message":"Request Too Long"}', "RequestTooLongException"),
  "unsupported-media-type": e(415, '{"message":"Unsupported Media Type"}', "UnsupportedMediaTypeException"),
  "integration-failure": e(500, INTERNAL_REST, "InternalServerErrorException"),
  // The parameters' message names them: the body here is replaced per request.
  "bad-request-parameters": e(400, '{"message": "Missing required request parameters: []"}', "BadRequestException"),
  "bad-request-body": e(400, '{"message": "Invalid request body"}', "BadRequestException"),
  "invalid-api-key": e(403, '{"message":"Forbidden"}', "ForbiddenException"),
  throttled: e(429, '{"message":"Too Many Requests"}', "TooManyRequestsException"),
  "quota-exceeded": e(429, '{"message":"Limit Exceeded"}', "LimitExceededException"),
  // haneul's own (x-haneul-resilience): the target's circuit is open, or its bulkhead full.
  "circuit-open": e(503, '{"message": "Service Unavailable"}', "ServiceUnavailableException"),
  "bulkhead-full": e(429, '{"message":"Too Many Requests"}', "TooManyRequestsException"),
};

const INTERNAL_HTTP = '{"message":"Internal Server Error"}';

const HTTP: Record<GatewayErrorKind, GatewayError> = {
  "no-api": e(403, '{"message":"Forbidden"}'),
  "no-stage": e(404, '{"message":"Not Found"}'),
  "no-route": e(404, '{"message":"Not Found"}'),
  unauthorized: e(401, '{"message":"Unauthorized"}'),
  "explicit-deny": e(403, '{"message":"Forbidden"}'),
  "implicit-deny": e(403, '{"message":"Forbidden"}'),
  "authorizer-failure": e(500, INTERNAL_HTTP),
  "bad-response": e(500, INTERNAL_HTTP),
  "function-error": e(500, INTERNAL_HTTP),
  "lambda-rejected": e(500, INTERNAL_HTTP),
  "invalid-permissions": e(500, INTERNAL_HTTP),
  // HTTP APIs answer an integration timeout with 503 (observed), not REST's 504.
  timeout: e(503, '{"message":"Service Unavailable"}'),
  "too-large": e(413, '{"message":"Request Entity Too Large"}'),
  "unsupported-media-type": e(415, '{"message":"Unsupported Media Type"}'),
  "integration-failure": e(500, INTERNAL_HTTP),
  // HTTP APIs have no request validators; kept for the table's completeness.
  "bad-request-parameters": e(400, '{"message":"Bad Request"}'),
  "bad-request-body": e(400, '{"message":"Bad Request"}'),
  // HTTP APIs have no API keys; route throttling answers 429.
  "invalid-api-key": e(403, '{"message":"Forbidden"}'),
  throttled: e(429, '{"message":"Too Many Requests"}'),
  "quota-exceeded": e(429, '{"message":"Too Many Requests"}'),
  "circuit-open": e(503, '{"message":"Service Unavailable"}'),
  "bulkhead-full": e(429, '{"message":"Too Many Requests"}'),
};

/** Every kind of gateway answer (docs/errors.md lists them; a test keeps both in step). */
export const GATEWAY_ERROR_KINDS = Object.keys(REST) as readonly GatewayErrorKind[];

/** The gateway answer of `kind` for a REST or HTTP API. */
export function gatewayError(protocol: "REST" | "HTTP", kind: GatewayErrorKind): GatewayError {
  return (protocol === "REST" ? REST : HTTP)[kind];
}

/**
 * What API Gateway's execution log says when it answers with `kind` (the line a user reads to learn
 * why a request got a 5xx); undefined for answers that log nothing of note (no route, a denial).
 */
export function executionLogReason(kind: GatewayErrorKind): string | undefined {
  return EXECUTION_LOG[kind];
}

const EXECUTION_LOG: Partial<Record<GatewayErrorKind, string>> = {
  "bad-response": "Execution failed due to configuration error: Malformed Lambda proxy response",
  "function-error": "Lambda execution failed with status 200 due to customer function error",
  "lambda-rejected":
    "Execution failed: the Lambda invocation was rejected (throttled, or no such function or qualifier)",
  "invalid-permissions": "Execution failed due to configuration error: Invalid permissions on Lambda function",
  timeout: "Execution failed due to a timeout error",
  "authorizer-failure": "Execution failed due to configuration error: Authorizer error",
  "too-large": "Request body exceeds the size limit",
  "unsupported-media-type":
    "Execution failed: no request template for the content type and the passthrough behaviour refuses it",
  "bad-request-parameters": "Request validation failed: missing required request parameters",
  "bad-request-body": "Request body does not match model schema",
  "circuit-open": "Execution refused: the circuit of the integration's target is open (x-haneul-resilience)",
  "bulkhead-full": "Execution refused: the integration's target has no free slot (x-haneul-resilience bulkhead)",
  "integration-failure":
    "Execution failed due to configuration error: no integration response matched, a mapping template failed, or the endpoint could not be reached",
};
