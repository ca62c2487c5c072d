/** API Gateway v1 authorizers of REST APIs: Lambda TOKEN and REQUEST authorizers. */
import type { AuthorizerRecord } from "../../ports/api-store.js";
import { REST_AUTHORIZER_TTL_S } from "../api-compiler.js";
import {
  type ApiGatewayContext,
  badRequest,
  checkWrite,
  conflict,
  freshId,
  mutate,
  notFound,
  optional,
  requireApi,
} from "./context.js";
import { parseLambdaUri } from "./lambda-uri.js";
import type { RestAuthorizerInput } from "./types.js";

function authorizerNotFound() {
  return notFound("Invalid Authorizer identifier specified");
}

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
    const types = ["TOKEN", "REQUEST", "COGNITO_USER_POOLS"];
    if (!types.includes(input.type))
      throw badRequest(`Invalid authorizer type specified. Must be one of [${types.join(", ")}]`);
    if (input.type !== "COGNITO_USER_POOLS" && !(input.authorizerUri && parseLambdaUri(input.authorizerUri))) {
      throw badRequest("Invalid Authorizer URI specified. A Lambda function invocation URI is required.");
    }
    const ttl = input.authorizerResultTtlInSeconds ?? REST_AUTHORIZER_TTL_S;
    if (ttl < 0 || ttl > 3600) throw badRequest("Authorizer result TTL must be between 0 and 3600 seconds");
    const identitySource = splitIdentitySource(
      input.identitySource ?? (input.type === "TOKEN" ? "method.request.header.Authorization" : undefined),
    );
    const existing = await ctx.store.listAuthorizers(apiId);
    const authorizer: AuthorizerRecord = {
      apiId,
      authorizerId: freshId(
        ctx,
        6,
        existing.map((a) => a.authorizerId),
      ),
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

/** One authorizer. */
export async function getAuthorizer(
  ctx: ApiGatewayContext,
  apiId: string,
  authorizerId: string,
): Promise<AuthorizerRecord> {
  await requireApi(ctx, apiId, "REST");
  const authorizer = await ctx.store.getAuthorizer(apiId, authorizerId);
  if (!authorizer) throw authorizerNotFound();
  return authorizer;
}

/** A REST API's authorizers. */
export async function getAuthorizers(ctx: ApiGatewayContext, apiId: string): Promise<AuthorizerRecord[]> {
  await requireApi(ctx, apiId, "REST");
  return ctx.store.listAuthorizers(apiId);
}

/** Deletes an authorizer (deployed stages keep the one they were deployed with; a new deployment leaves its methods out). */
export async function deleteAuthorizer(ctx: ApiGatewayContext, apiId: string, authorizerId: string): Promise<void> {
  await mutate(ctx, apiId, async () => {
    await requireApi(ctx, apiId, "REST");
    if (!(await ctx.store.deleteAuthorizer(apiId, authorizerId))) throw authorizerNotFound();
  });
}
