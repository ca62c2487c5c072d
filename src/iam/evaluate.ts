/**
 * Policy evaluation with IAM's logic for one account: an explicit Deny in any applicable policy
 * wins; otherwise an Allow from an identity-based policy or from the resource-based policy
 * (which must name the principal) allows; otherwise the request is implicitly denied.
 */
import { compileConditions, type ConditionTest } from "./conditions.js";
import type { PolicyDocument, PolicyStatement, PrincipalSpec } from "./policy-document.js";
import type { Principal } from "./principal.js";
import { expandVariables, hasVariable, type RequestContext } from "./request-context.js";
import { compilePattern, matchPattern, wildcardMatch, type Pattern } from "./wildcard.js";

/** What is asked: an action on a resource by a principal, with the request's condition keys. */
export interface AccessRequest {
  /** `service:Operation`, e.g. `lambda:GetFunction`. */
  readonly action: string;
  /** The resource ARN, or `*` for actions on no particular resource. */
  readonly resource: string;
  readonly principal: Principal;
  readonly context: RequestContext;
}

/** What a set of policies says about a request. */
export type StatementsVerdict = "deny" | "allow" | "none";

interface CompiledStatement {
  readonly deny: boolean;
  readonly actions: readonly Pattern[] | undefined;
  readonly notActions: readonly Pattern[] | undefined;
  readonly resources: readonly string[] | undefined;
  readonly notResources: readonly string[] | undefined;
  readonly resourcePatterns: readonly (Pattern | undefined)[];
  readonly principal: PrincipalSpec | undefined;
  readonly notPrincipal: PrincipalSpec | undefined;
  readonly conditions: ConditionTest;
  readonly variables: boolean;
}

/** A policy compiled for repeated evaluation (patterns and conditions built once). */
export interface CompiledPolicy {
  readonly statements: readonly CompiledStatement[];
}

/** Compiles a parsed document. */
export function compilePolicy(doc: PolicyDocument): CompiledPolicy {
  const variables = doc.version === "2012-10-17";
  return { statements: doc.statements.map((s) => compileStatement(s, variables)) };
}

function compileStatement(s: PolicyStatement, variables: boolean): CompiledStatement {
  const resources = s.resource ?? s.notResource;
  return {
    deny: s.effect === "Deny",
    actions: s.action?.map((a) => compilePattern(a, true)),
    notActions: s.notAction?.map((a) => compilePattern(a, true)),
    resources: s.resource,
    notResources: s.notResource,
    // Patterns with policy variables are expanded per request; the others are compiled now.
    resourcePatterns: (resources ?? []).map((r) => (variables && hasVariable(r) ? undefined : compilePattern(r))),
    principal: s.principal,
    notPrincipal: s.notPrincipal,
    conditions: compileConditions(s.condition, variables),
    variables,
  };
}

/**
 * The verdict of `policies` on `req`: "deny" if a matching statement denies, else "allow" if one
 * allows, else "none". `resourcePolicy` also matches the statement's principal.
 */
export function evaluatePolicies(
  policies: readonly CompiledPolicy[],
  req: AccessRequest,
  resourcePolicy = false,
): StatementsVerdict {
  let allowed = false;
  for (const policy of policies) {
    for (const st of policy.statements) {
      if (!statementApplies(st, req, resourcePolicy)) continue;
      if (st.deny) return "deny";
      allowed = true;
    }
  }
  return allowed ? "allow" : "none";
}

function statementApplies(st: CompiledStatement, req: AccessRequest, resourcePolicy: boolean): boolean {
  if (st.actions && !st.actions.some((p) => matchPattern(p, req.action, true))) return false;
  if (st.notActions && st.notActions.some((p) => matchPattern(p, req.action, true))) return false;
  if (st.resources && !resourceMatches(st, st.resources, req)) return false;
  if (st.notResources && resourceMatches(st, st.notResources, req)) return false;
  if (resourcePolicy) {
    if (st.principal !== undefined && !principalMatches(st.principal, req.principal)) return false;
    if (st.notPrincipal !== undefined && principalMatches(st.notPrincipal, req.principal)) return false;
  }
  return st.conditions(req.context);
}

function resourceMatches(st: CompiledStatement, list: readonly string[], req: AccessRequest): boolean {
  for (let i = 0; i < list.length; i++) {
    const compiled = st.resourcePatterns[i];
    if (compiled !== undefined) {
      if (matchPattern(compiled, req.resource)) return true;
      continue;
    }
    const expanded = expandVariables(list[i] as string, req.context);
    if (expanded !== undefined && wildcardMatch(expanded, req.resource)) return true;
  }
  return false;
}

/**
 * Whether a Principal element names `p`. An account (`123456789012` or its `:root` ARN) names
 * the account root only: within one account it hands the decision to identity-based policies.
 * A role ARN names every session of the role.
 */
export function principalMatches(spec: PrincipalSpec, p: Principal): boolean {
  if (spec === "*") return true;
  if (p.kind === "service") return (spec["Service"] ?? []).includes(p.service);
  for (const entry of spec["AWS"] ?? []) {
    if (entry === "*") return true;
    if (p.kind === "root" && (entry === p.accountId || entry === p.arn)) return true;
    if (entry === p.arn) return true;
    if (p.kind === "assumed-role" && entry === p.roleArn) return true;
  }
  return false;
}
