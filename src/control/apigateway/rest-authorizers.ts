/** API Gateway v1 authorizers of REST APIs: Lambda TOKEN and REQUEST authorizers. */
import type { AuthorizerRecord } from "../../ports/api-store.js";
import { REST_AUTHORIZER_TTL_S } from "../api-compiler.js";
import { apiChildOperations, AUTHORIZERS, freshChildId } from "./api-children.js";
import { type ApiGatewayContext, badRequest, checkWrite, conflict, mutate, notFound, optional } from "./context.js";
import { parseLambdaUri } from "./lambda-uri.js";
import type { RestAuthorizerInput } from "./types.js";
import { checkOneOf } from "./validate.js";

function authorizerNotFound() {
  return notFound("Invalid Authorizer identifier specified");
}

/**
 * GetAuthorizer, GetAuthorizers and DeleteAuthorizer. Deployed stages keep a deleted authorizer they were
 * deployed with; a new deployment leaves its methods out.
 */
export const authorizers = apiChildOperations("REST", AUTHORIZERS, authorizerNotFound);

/** `method.request.header.A, method.request.querystring.b` → its parts. */
function splitIdentitySource(source: string | undefined): string[] {
  return (source ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** Creates an authorizer (TOKEN reads `identitySource`, default the Authorization header). */
export async function createAuthorizer(
  ctx: ApiGatewayContext,
  apiId: string,
  input: RestAuthorizerInput,
): Promise<AuthorizerRecord> {
  return mutate(ctx, apiId, async () => {
    const api = await ctx.store.getApi(apiId);
    // What AWS answers for an unknown REST API here (observed), odd as it is.
    if (!api || api.protocol !== "REST") {
      throw conflict("Unable to complete operation due to concurrent modification. Please try again later.");
    }
    checkOneOf(input.type, ["TOKEN", "REQUEST", "COGNITO_USER_POOLS"], "authorizer type");
    if (input.type !== "COGNITO_USER_POOLS" && !(input.authorizerUri && parseLambdaUri(input.authorizerUri))) {
      throw badRequest("Invalid Authorizer URI specified. A Lambda function invocation URI is required.");
    }
    const ttl = input.authorizerResultTtlInSeconds ?? REST_AUTHORIZER_TTL_S;
    if (ttl < 0 || ttl > 3600) throw badRequest("Authorizer result TTL must be between 0 and 3600 seconds");
    const identitySource = splitIdentitySource(
      input.identitySource ?? (input.type === "TOKEN" ? "method.request.header.Authorization" : undefined),
    );
    const authorizer: AuthorizerRecord = {
      apiId,
      authorizerId: await freshChildId(ctx, AUTHORIZERS, apiId),
      name: input.name,
      authorizerType: input.type,
      identitySource,
      resultTtlSeconds: ttl,
      ...optional({
        authorizerUri: input.authorizerUri,
        identityValidationExpression: input.identityValidationExpression,
        providerArns: input.providerARNs,
        authType: input.authType,
        credentialsArn: input.authorizerCredentials,
      }),
    };
    checkWrite(ctx, apiId, await ctx.store.putAuthorizer(authorizer), () => conflict("Authorizer id collision"));
    return authorizer;
  });
}
