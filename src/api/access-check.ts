/**
 * Authorization of one control-API call: the operation's access specs are evaluated against the
 * caller's identity-based policies (and the resource's policy) with the request's condition keys.
 */
import { accessDeniedMessage, authorize, principalKeys, RequestContext } from "../iam/index.js";
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
    const context = new RequestContext({
      "aws:CurrentTime": new Date(facts.now).toISOString(),
      "aws:EpochTime": String(Math.floor(facts.now / 1000)),
      "aws:SourceIp": facts.sourceIp,
      "aws:RequestedRegion": facts.region,
      "aws:SecureTransport": "false",
      ...principalKeys(caller.principal),
      ...spec.context,
    });
    const request = { action: spec.action, resource: spec.resource, principal: caller.principal, context };
    let decision = authorize(request, caller.policies);
    if (!decision.allowed && decision.denial === "no-identity-allow" && spec.resourcePolicy) {
      const resourcePolicy = await spec.resourcePolicy();
      if (resourcePolicy) decision = authorize(request, caller.policies, resourcePolicy);
    }
    if (!decision.allowed) throw new PlatformError("ERR_ACCESS_DENIED", accessDeniedMessage(request, decision.denial));
  }
}

function isList(s: AccessSpec | readonly AccessSpec[]): s is readonly AccessSpec[] {
  return Array.isArray(s);
}
