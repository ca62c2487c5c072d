/**
 * The authorization decision of one request and AWS's AccessDenied text for it. Within one
 * account, the identity-based policies and the resource-based policy are united: either may
 * allow, an explicit Deny in either denies. The account root is allowed everything its own
 * policies cannot take away (there are no organization policies here).
 */
import { evaluatePolicies, type AccessRequest, type CompiledPolicy } from "./evaluate.js";

/** Why a request was refused, in the words AWS ends its message with. */
export type Denial = "explicit-deny-identity" | "explicit-deny-resource" | "no-identity-allow";

/** The outcome of authorizing one request. */
export type Decision = { readonly allowed: true } | { readonly allowed: false; readonly denial: Denial };

/** The identity-based policies of the caller, or `all` for the account root / administrator. */
export type IdentityPolicies = readonly CompiledPolicy[] | "all";

const ALLOWED: Decision = Object.freeze({ allowed: true });

/** Decides `req` from the caller's identity policies and the resource's policy, if it has one. */
export function authorize(req: AccessRequest, identity: IdentityPolicies, resourcePolicy?: CompiledPolicy): Decision {
  const fromResource = resourcePolicy ? evaluatePolicies([resourcePolicy], req, true) : "none";
  if (identity === "all") return fromResource === "deny" ? deny("explicit-deny-resource") : ALLOWED;
  const fromIdentity = evaluatePolicies(identity, req);
  if (fromIdentity === "deny") return deny("explicit-deny-identity");
  if (fromResource === "deny") return deny("explicit-deny-resource");
  if (fromIdentity === "allow" || fromResource === "allow") return ALLOWED;
  return deny("no-identity-allow");
}

function deny(denial: Denial): Decision {
  return { allowed: false, denial };
}

/**
 * AWS's AccessDenied message:
 * `User: arn:aws:iam::123456789012:user/alice is not authorized to perform: lambda:GetFunction on
 * resource: arn:aws:lambda:…:function:f because no identity-based policy allows the lambda:GetFunction action`.
 */
export function accessDeniedMessage(
  req: Pick<AccessRequest, "action" | "resource" | "principal">,
  denial: Denial,
): string {
  const head = `User: ${req.principal.arn} is not authorized to perform: ${req.action} on resource: ${req.resource}`;
  switch (denial) {
    case "explicit-deny-identity":
      return `${head} with an explicit deny in an identity-based policy`;
    case "explicit-deny-resource":
      return `${head} with an explicit deny in a resource-based policy`;
    case "no-identity-allow":
      return `${head} because no identity-based policy allows the ${req.action} action`;
  }
}
