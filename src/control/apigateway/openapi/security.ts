/**
 * OpenAPI security for API Gateway: `securityDefinitions` (2.0) / `components.securitySchemes`
 * (3.0) with `x-amazon-apigateway-authorizer` become authorizers; a method's `security` becomes its
 * authorization type, authorizer, scopes and `apiKeyRequired`.
 */
import { type Obj, asObj, asStr } from "./document.js";

/** An authorizer a scheme declares, in CreateAuthorizer's (v1) terms. */
export interface PlannedAuthorizer {
  readonly name: string;
  readonly type: string;
  readonly authorizerUri?: string | undefined;
  readonly authorizerCredentials?: string | undefined;
  readonly identitySource?: string | undefined;
  readonly identityValidationExpression?: string | undefined;
  readonly authorizerResultTtlInSeconds?: number | undefined;
  readonly providerARNs?: string[] | undefined;
  readonly authType?: string | undefined;
  /** HTTP APIs: a list of identity sources. */
  readonly identitySources?: string[] | undefined;
  /** HTTP APIs: `authorizerPayloadFormatVersion`, `enableSimpleResponses`, `jwtConfiguration`. */
  readonly extra: Obj;
}

/** How a method is protected. */
export interface MethodSecurity {
  readonly authorizationType: string;
  readonly authorizerName?: string | undefined;
  readonly authorizationScopes?: string[] | undefined;
  readonly apiKeyRequired: boolean;
}

/** The security schemes of a document. */
export function securitySchemes(doc: Obj, version: 2 | 3): Record<string, Obj> {
  const schemes = version === 2 ? asObj(doc.securityDefinitions) : asObj(asObj(doc.components)?.securitySchemes);
  return (schemes ?? {}) as Record<string, Obj>;
}

/** The authorizers the schemes declare. */
export function plannedAuthorizers(schemes: Record<string, Obj>): PlannedAuthorizer[] {
  const out: PlannedAuthorizer[] = [];
  for (const [name, scheme] of Object.entries(schemes)) {
    const a = asObj(scheme["x-amazon-apigateway-authorizer"]);
    if (!a) continue;
    const type = (asStr(a.type) ?? "").toUpperCase();
    const header = scheme.in === "header" ? asStr(scheme.name) : undefined;
    const ttl = a.authorizerResultTtlInSeconds;
    const { authorizerUri, authorizerCredentials, identitySource, identityValidationExpression } = a;
    const rest = { ...a };
    for (const k of [
      "type",
      "authorizerUri",
      "authorizerCredentials",
      "identitySource",
      "identityValidationExpression",
    ]) {
      delete rest[k];
    }
    delete rest.authorizerResultTtlInSeconds;
    delete rest.providerARNs;
    out.push({
      name,
      type,
      authorizerUri: asStr(authorizerUri),
      authorizerCredentials: asStr(authorizerCredentials),
      identitySource:
        asStr(identitySource) ?? (type === "TOKEN" && header ? `method.request.header.${header}` : undefined),
      identityValidationExpression: asStr(identityValidationExpression),
      authorizerResultTtlInSeconds: typeof ttl === "number" ? ttl : undefined,
      providerARNs: Array.isArray(a.providerARNs) ? (a.providerARNs as string[]) : undefined,
      identitySources: Array.isArray(identitySource) ? (identitySource as string[]) : undefined,
      authType: asStr(scheme["x-amazon-apigateway-authtype"]),
      extra: rest,
    });
  }
  return out;
}

/**
 * The security of one method from its `security` requirements (or the document's): an
 * authorizer scheme, SigV4 (`awsSigv4`) and/or an API key (`x-api-key` in the header).
 * Anything else is refused: a method the document protects is never served open.
 */
export function methodSecurity(
  requirements: unknown,
  schemes: Record<string, Obj>,
  where: string,
): MethodSecurity | string {
  let security: MethodSecurity = { authorizationType: "NONE", apiKeyRequired: false };
  for (const requirement of Array.isArray(requirements) ? requirements : []) {
    for (const [name, scopes] of Object.entries(asObj(requirement) ?? {})) {
      const scheme = schemes[name];
      if (!scheme) return `Unable to find security definition '${name}' for ${where}`;
      const authorizer = asObj(scheme["x-amazon-apigateway-authorizer"]);
      if (authorizer) {
        if (security.authorizerName !== undefined && security.authorizerName !== name) {
          return `Only one authorizer can be set on ${where}`;
        }
        const cognito = (asStr(authorizer.type) ?? "").toLowerCase() === "cognito_user_pools";
        const list = Array.isArray(scopes) && scopes.length > 0 ? (scopes as string[]) : undefined;
        security = {
          ...security,
          authorizationType: cognito ? "COGNITO_USER_POOLS" : "CUSTOM",
          authorizerName: name,
          ...(cognito && list ? { authorizationScopes: list } : {}),
        };
      } else if (scheme["x-amazon-apigateway-authtype"] === "awsSigv4") {
        security = { ...security, authorizationType: "AWS_IAM" };
      } else if (
        scheme.type === "apiKey" &&
        scheme.in === "header" &&
        asStr(scheme.name)?.toLowerCase() === "x-api-key"
      ) {
        security = { ...security, apiKeyRequired: true };
      } else {
        return `Unsupported security definition '${name}' for ${where}: only API Gateway authorizers and awsSigv4 are supported`;
      }
    }
  }
  return security;
}
