/**
 * Lambda authorizers: REST TOKEN and REQUEST authorizers and HTTP API Lambda authorizers
 * (payload 1.0 or 2.0, IAM policy or simple `{isAuthorized, context}` answers). Results are
 * cached by identity value for the authorizer's TTL; a cached policy is evaluated again for
 * every method ARN, as API Gateway does.
 */
import type { DeployedAuthorizer } from "../domain/deployed-api.js";
import type { InvokeService } from "../ports/invoke-service.js";
import type { Clock } from "../shared/clock.js";
import { AuthorizerCache } from "./authorizer-cache.js";
import { buildRequestAuthorizerEventV1 } from "./event-v1.js";
import { buildAuthorizerEventV2 } from "./event-v2.js";
import { evaluatePolicy, parsePolicy, type Policy } from "./iam-policy.js";
import { traceLambdaRequest } from "./custom-integration.js";
import type { ExecutionLog } from "./execution-log.js";
import { compileIdentitySources, identityValues } from "./identity-source.js";
import { methodArn, type Authorizer, type AuthResult, type RequestScope } from "./model.js";
import type { GatewayOptions } from "./options.js";
import { isRecord, parseRecord } from "./reply.js";

type LambdaDef = Extract<DeployedAuthorizer, { type: "TOKEN" | "REQUEST" }>;

/** What Lambda authorizers need from the gateway. */
export interface AuthorizerDeps {
  readonly invoker: InvokeService;
  readonly clock: Clock;
  /** See GatewayOptions.invokePermitted: an authorizer function needs API Gateway's permission too. */
  readonly invokePermitted?: GatewayOptions["invokePermitted"];
}

type Decision =
  | {
      readonly kind: "policy";
      readonly principalId: string | undefined;
      readonly policy: Policy;
      readonly context: Record<string, unknown>;
      /** REST, apiKeySource AUTHORIZER: the API key the request is counted and throttled under. */
      readonly usageIdentifierKey?: string | undefined;
    }
  | { readonly kind: "simple"; readonly authorized: boolean; readonly context: Record<string, unknown> };

type Failure = Extract<AuthResult, { ok: false }>;

const FAILURE: Failure = { ok: false, kind: "authorizer-failure" };
const UNAUTHORIZED: Failure = { ok: false, kind: "unauthorized" };

/** One Lambda authorizer of one API. */
export class LambdaAuthorizer implements Authorizer {
  readonly #def: LambdaDef;
  readonly #rest: boolean;
  readonly #deps: AuthorizerDeps;
  readonly #sources;
  readonly #validation: RegExp | undefined;
  readonly #cache: AuthorizerCache<Decision>;

  constructor(def: LambdaDef, protocol: "REST" | "HTTP", deps: AuthorizerDeps) {
    this.#def = def;
    this.#rest = protocol === "REST";
    this.#deps = deps;
    this.#sources = compileIdentitySources(def.identitySource);
    const expr = def.type === "TOKEN" ? def.identityValidationExpression : undefined;
    this.#validation = expr ? new RegExp(`^(?:${expr})$`) : undefined;
    this.#cache = new AuthorizerCache(deps.clock);
  }

  async authorize(scope: RequestScope): Promise<AuthResult> {
    const values = identityValues(this.#sources, scope);
    if (!values) return UNAUTHORIZED;
    if (this.#validation && !this.#validation.test(values[0] ?? "")) return UNAUTHORIZED;
    const key = values.length > 0 ? values.join("\u0000") : undefined;
    let decision = key === undefined ? undefined : this.#cache.get(key);
    let latencyMs = 0;
    if (!decision) {
      const t0 = this.#deps.clock.now();
      const got = await this.#call(scope, values);
      if ("ok" in got) return got;
      decision = got;
      latencyMs = this.#deps.clock.now() - t0;
      if (key !== undefined) this.#cache.set(key, decision, this.#def.resultTtlSeconds);
    }
    return verdict(decision, scope, latencyMs);
  }

  /**
   * TestInvokeAuthorizer: one call of the function past the cache (the identity checked first, as
   * when serving); the answer as the function gave it, once it is a valid one.
   */
  async testCall(
    scope: RequestScope,
    trace: ExecutionLog,
  ): Promise<Failure | { readonly ok: true; readonly answer: Record<string, unknown> }> {
    const values = identityValues(this.#sources, scope);
    if (!values) return UNAUTHORIZED;
    if (this.#def.type === "TOKEN") trace.add(`Incoming identity: ${masked(values[0] ?? "")}`);
    if (this.#validation && !this.#validation.test(values[0] ?? "")) return UNAUTHORIZED;
    const payload = await this.#invoke(scope, values, trace);
    if (!Buffer.isBuffer(payload)) return payload;
    trace.add(`Authorizer result body before parsing: ${payload.toString("utf8")}`);
    const answer = this.#decide(payload) && parseRecord(payload);
    return answer ? { ok: true, answer } : FAILURE;
  }

  async #call(scope: RequestScope, values: string[]): Promise<Decision | Failure> {
    const payload = await this.#invoke(scope, values);
    return Buffer.isBuffer(payload) ? (this.#decide(payload) ?? FAILURE) : payload;
  }

  async #invoke(scope: RequestScope, values: string[], trace?: ExecutionLog): Promise<Buffer | Failure> {
    const def = this.#def;
    const target = { functionName: def.functionName, qualifier: def.qualifier };
    if (this.#deps.invokePermitted) {
      const sourceArn = `arn:aws:execute-api:${scope.region}:${scope.accountId}:${scope.api.apiId}/authorizers/${def.authorizerId}`;
      const permitted = this.#deps.invokePermitted(target, sourceArn);
      if (!(permitted === true || (permitted !== false && (await permitted)))) return FAILURE;
    }
    let result;
    try {
      const payload = Buffer.from(JSON.stringify(this.#event(scope, values)));
      if (trace) traceLambdaRequest(trace, scope, { functionName: def.functionName, payload });
      result = await this.#deps.invoker.invoke(target, payload, {
        traceId: scope.info.traceHeader,
      });
    } catch {
      return FAILURE; // the authorizer function does not exist
    }
    const o = result.outcome;
    if (o.kind === "function-error") return errorMessage(o.payload) === "Unauthorized" ? UNAUTHORIZED : FAILURE;
    if (o.kind !== "ok") return FAILURE;
    return o.payload;
  }

  #event(scope: RequestScope, values: string[]): unknown {
    const def = this.#def;
    if (def.type === "TOKEN") return { type: "TOKEN", authorizationToken: values[0], methodArn: methodArn(scope) };
    if (this.#rest) return buildRequestAuthorizerEventV1(scope);
    if (def.payloadFormatVersion === "2.0") return buildAuthorizerEventV2(scope, values);
    const joined = values.join(",");
    return {
      version: "1.0",
      ...buildRequestAuthorizerEventV1(scope),
      identitySource: joined,
      authorizationToken: joined,
    };
  }

  #decide(payload: Buffer): Decision | undefined {
    const r = parseRecord(payload);
    if (!r) return undefined;
    const context = contextOf(r["context"], this.#rest);
    if (!context) return undefined;
    if (!this.#rest && this.#def.payloadFormatVersion === "2.0" && this.#def.enableSimpleResponses) {
      const ok = r["isAuthorized"];
      return typeof ok === "boolean" ? { kind: "simple", authorized: ok, context } : undefined;
    }
    const policy = parsePolicy(r["policyDocument"]);
    if (!policy) return undefined;
    const p = r["principalId"];
    const principalId = typeof p === "string" || typeof p === "number" ? String(p) : undefined;
    const usage = r["usageIdentifierKey"];
    const usageIdentifierKey = typeof usage === "string" ? usage : undefined;
    return { kind: "policy", principalId, policy, context, usageIdentifierKey };
  }
}

function verdict(d: Decision, scope: RequestScope, latencyMs: number): AuthResult {
  const allowed =
    d.kind === "simple" ? (d.authorized ? "allow" : "explicit-deny") : evaluatePolicy(d.policy, methodArn(scope));
  if (allowed !== "allow") return { ok: false, kind: allowed };
  const principalId = d.kind === "policy" ? d.principalId : undefined;
  const usageIdentifierKey = d.kind === "policy" ? d.usageIdentifierKey : undefined;
  return { ok: true, context: { type: "lambda", principalId, context: d.context, latencyMs, usageIdentifierKey } };
}

// REST accepts only string, number and boolean context values; anything else fails the authorizer.
function contextOf(v: unknown, rest: boolean): Record<string, unknown> | undefined {
  if (v == null) return {};
  if (!isRecord(v)) return undefined;
  if (rest && Object.values(v).some((x) => x !== null && typeof x === "object")) return undefined;
  return v;
}

// Logs show only the end of a token, as API Gateway's do.
function masked(token: string): string {
  return token.length <= 4 ? "*".repeat(token.length) : "*".repeat(token.length - 4) + token.slice(-4);
}

function errorMessage(payload: Buffer): unknown {
  try {
    const e: unknown = JSON.parse(payload.toString("utf8"));
    return isRecord(e) ? e["errorMessage"] : undefined;
  } catch {
    return undefined;
  }
}
