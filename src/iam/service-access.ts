/**
 * Whether a resource policy lets an AWS service act on a resource for one of the account's
 * resources (SNS delivering into a queue for a topic, EventBridge publishing to a topic for a
 * rule…). A service principal has no identity policies: only the resource policy can allow it.
 */
import { authorize } from "./authorize.js";
import type { CompiledPolicy } from "./evaluate.js";
import { servicePrincipal } from "./principal.js";
import { RequestContext } from "./request-context.js";

/** A service acting for a resource (aws:SourceArn) of an account (aws:SourceAccount). */
export interface ServiceCaller {
  /** `sns.amazonaws.com`, `events.amazonaws.com`, `cloudwatch.amazonaws.com`… */
  readonly service: string;
  readonly sourceArn: string;
  readonly sourceAccount: string;
}

/** Whether `policy` allows `caller` the `action` on `resource` (and denies it nothing). */
export function serviceAllowed(
  policy: CompiledPolicy,
  request: { readonly action: string; readonly resource: string },
  caller: ServiceCaller,
): boolean {
  const context = new RequestContext({
    "aws:SourceArn": caller.sourceArn,
    "aws:SourceAccount": caller.sourceAccount,
    "aws:PrincipalServiceName": caller.service,
    "aws:PrincipalIsAWSService": "true",
    "aws:SecureTransport": "true",
  });
  const principal = servicePrincipal(caller.service);
  return authorize({ ...request, principal, context }, [], policy).allowed;
}
