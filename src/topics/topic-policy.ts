/**
 * A topic's `Policy` attribute: checked when it is set, compiled once per text, evaluated beside
 * the caller's identity policies for the SNS API (it may allow another principal to Publish or
 * Subscribe, and its Deny refuses). Without one, GetTopicAttributes reports SNS's default policy
 * (the topic owner's account may use the topic), which haneul's identity policies already express.
 */
import {
  compiledResourcePolicy,
  MalformedPolicyError,
  serviceAllowed,
  type CompiledPolicy,
  type ServiceCaller,
} from "../iam/index.js";
import { invalid } from "./refs.js";

/** SNS's limit on the size of a topic policy. */
const MAX_POLICY_BYTES = 30_720;

/** Checks a Policy given to CreateTopic / SetTopicAttributes. */
export function checkTopicPolicy(text: string): void {
  if (Buffer.byteLength(text) > MAX_POLICY_BYTES) throw invalid("Invalid parameter: Policy Error: Policy too large");
  try {
    compiledTopicPolicy(text);
  } catch (e) {
    if (e instanceof MalformedPolicyError) throw invalid(`Invalid parameter: Policy Error: ${e.message}`);
    throw e;
  }
}

/** The compiled form of a stored policy text (parsed once per distinct text). */
export function compiledTopicPolicy(text: string): CompiledPolicy {
  return compiledResourcePolicy(text);
}

/**
 * Whether a service (EventBridge for a rule, CloudWatch for an alarm) may publish to the topic for
 * a resource of `owner`'s account. Without a Policy of its own the topic has SNS's default one,
 * which lets the owner account's resources publish; with one, that policy decides (sns:Publish for
 * the service principal, with aws:SourceArn and aws:SourceAccount), its Deny refusing.
 */
export function serviceMayPublish(
  policy: CompiledPolicy | undefined,
  topicArn: string,
  o: { readonly caller: ServiceCaller; readonly owner: string },
): boolean {
  if (policy === undefined) return o.caller.sourceAccount === o.owner;
  return serviceAllowed(policy, { action: "sns:Publish", resource: topicArn }, o.caller);
}

/** The policy SNS gives a topic created without one. */
export function defaultTopicPolicy(topicArn: string, accountId: string): string {
  return JSON.stringify({
    Version: "2008-10-17",
    Id: "__default_policy_ID",
    Statement: [
      {
        Sid: "__default_statement_ID",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: [
          "SNS:GetTopicAttributes",
          "SNS:SetTopicAttributes",
          "SNS:AddPermission",
          "SNS:RemovePermission",
          "SNS:DeleteTopic",
          "SNS:Subscribe",
          "SNS:ListSubscriptionsByTopic",
          "SNS:Publish",
        ],
        Resource: topicArn,
        Condition: { StringEquals: { "AWS:SourceOwner": accountId } },
      },
    ],
  });
}
