/** The function an integration or authorizer URI names. */
export interface LambdaTarget {
  readonly functionName: string;
  readonly qualifier?: string | undefined;
}

// arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{functionArn}/invocations
const APIGATEWAY_FORM = /^arn:aws[a-z-]*:apigateway:[^:]*:lambda:path\/2015-03-31\/functions\/(.+)\/invocations$/;
// arn:aws:lambda:{region}:{account}:function:{name}[:{qualifier}]
const FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:[^:]*:[^:]*:function:([^:/]+)(?::([^:/]+))?$/;
// A bare name (haneul accepts it where AWS wants an ARN); `${stageVariables.x}` may stand for either part.
const BARE_NAME = /^([A-Za-z0-9_${}.-]+)(?::([A-Za-z0-9_${}.-]+))?$/;

/**
 * The function and qualifier (alias or version, the last ARN part) that a Lambda URI names, in either
 * the function ARN form or API Gateway's `…:lambda:path/2015-03-31/functions/{arn}/invocations` form;
 * undefined when the URI names no Lambda function. `${stageVariables.x}` references are kept as they
 * are for the gateway to substitute per request.
 * @example parseLambdaUri("arn:aws:lambda:us-east-1:1:function:fn:live") // { functionName: "fn", qualifier: "live" }
 */
export function parseLambdaUri(uri: string): LambdaTarget | undefined {
  const inner = APIGATEWAY_FORM.exec(uri)?.[1] ?? uri;
  const m = FUNCTION_ARN.exec(inner) ?? (inner.startsWith("arn:") ? null : BARE_NAME.exec(inner));
  if (!m?.[1]) return undefined;
  return m[2] === undefined ? { functionName: m[1] } : { functionName: m[1], qualifier: m[2] };
}

/** API Gateway's invocation URI of a function ARN. */
export function invocationUri(region: string, functionArn: string): string {
  return `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${functionArn}/invocations`;
}
