/**
 * Authorization of one control-API call: the operation's access specs are evaluated against the
 * caller's identity-based policies (and the resource's policy) with the request's condition keys.
 */
import {
  accessDeniedMessage,
  authorize,
  principalKeys,
  RequestContext,
  type KeyResolver,
  type Principal,
} from "../iam/index.js";
import { PlatformError } from "../shared/errors.js";
import type { AccessSpec, ApiRequest, Operation } from "./types.js";

/** What the server knows of the connection, for the global condition keys. */
export interface RequestFacts {
  readonly now: number;
  readonly sourceIp: string;
  /** The region the signature is scoped to (aws:RequestedRegion). */
  readonly region: string;
}

/** Throws AWS's AccessDeniedException unless every access spec of `op` for `req` is allowed. */
export async function checkAccess(op: Operation, req: ApiRequest, facts: RequestFacts): Promise<void> {
  const caller = req.caller;
  // The administrator key is allowed everything: skip building contexts on the hot path.
  const specs = op.access(req);
  const list: readonly AccessSpec[] = isList(specs) ? specs : [specs];
  for (const spec of list) {
    if (caller.policies === "all") continue;
    const context = new RequestContext(resolver(caller.principal, spec, facts));
    const request = { action: spec.action, resource: spec.resource, principal: caller.principal, context };
    let decision = authorize(request, caller.policies);
    const undecided = !decision.allowed && decision.denial === "no-identity-allow";
    if (spec.resourcePolicy && (undecided || (decision.allowed && spec.resourcePolicyMayDeny))) {
      const resourcePolicy = await spec.resourcePolicy();
      if (resourcePolicy) decision = authorize(request, caller.policies, resourcePolicy);
    }
    if (!decision.allowed) throw new PlatformError("ERR_ACCESS_DENIED", accessDeniedMessage(request, decision.denial));
  }
}

/** Condition keys computed only when a policy names them (most name none). */
function resolver(principal: Principal, spec: AccessSpec, facts: RequestFacts): KeyResolver {
  let fromPrincipal: Record<string, string> | undefined;
  let fromSpec: Map<string, string | readonly string[]> | undefined;
  return (key) => {
    switch (key) {
      case "aws:currenttime":
        return [new Date(facts.now).toISOString()];
      case "aws:epochtime":
        return [String(Math.floor(facts.now / 1000))];
      case "aws:sourceip":
        return [facts.sourceIp];
      case "aws:requestedregion":
        return [facts.region];
      case "aws:securetransport":
        return ["false"];
    }
    if (spec.context) {
      fromSpec ??= new Map(
        Object.entries(spec.context).flatMap(([k, v]) => (v === undefined ? [] : [[k.toLowerCase(), v]])),
      );
      const v = fromSpec.get(key);
      if (v !== undefined) return typeof v === "string" ? [v] : v;
    }
    fromPrincipal ??= Object.fromEntries(
      Object.entries(principalKeys(principal)).map(([k, v]) => [k.toLowerCase(), v]),
    );
    const p = fromPrincipal[key];
    return p === undefined ? undefined : [p];
  };
}

function isList(s: AccessSpec | readonly AccessSpec[]): s is readonly AccessSpec[] {
  return Array.isArray(s);
}
