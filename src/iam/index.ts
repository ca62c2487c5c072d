/** IAM-lite: policy documents, their evaluation, principals and AWS's AccessDenied text. */
export { accessDeniedMessage, authorize, type Decision, type Denial, type IdentityPolicies } from "./authorize.js";
export {
  compilePolicy,
  evaluatePolicies,
  principalMatches,
  type AccessRequest,
  type CompiledPolicy,
} from "./evaluate.js";
export {
  MalformedPolicyError,
  parsePolicy,
  type PolicyDocument,
  type PolicyKind,
  type PolicyStatement,
} from "./policy-document.js";
export { principalKeys, rootPrincipal, roleSession, servicePrincipal, type Principal } from "./principal.js";
export { RequestContext, type KeyResolver } from "./request-context.js";
export { IamService, SESSION_LIFETIME_MS, type IamServiceOptions, type KeyOwner } from "./iam-service.js";
export { managedPolicy, MANAGED_POLICIES, type ManagedPolicy } from "./managed-policies.js";
export { compiledResourcePolicy } from "./resource-policy-cache.js";
export { serviceAllowed, type ServiceCaller } from "./service-access.js";
export { expandSamPolicies, SamPolicyError, type ExpandedPolicies, type SamScope } from "./sam-policies.js";
