import type { ExpandedPolicies, SamContext } from "./context.js";
import { compact } from "./intrinsics.js";
import { intrinsicName, isObject } from "../template/values.js";
import type { TemplateObject, TemplateValue } from "../template/values.js";

/**
 * The execution role SAM generates for a function without `Role`: `<Fn>Role`, trusted by Lambda,
 * with AWSLambdaBasicExecutionRole, the policies SAM adds itself (tracing, VPC, dead-letter
 * queue, destinations, event sources) and the function's `Policies` as the IAM expansion gives them.
 */

/** Inputs of the role beyond the function's own properties. */
export interface RoleParts {
  readonly managedPolicyArns: TemplateValue[];
  readonly policyDocuments: TemplateValue[];
}

/** Builds `<logicalId>Role`; `parts` are SAM's own policies (more are appended later by event sources). */
export function executionRole(
  logicalId: string,
  props: TemplateObject,
  parts: RoleParts,
  ctx: SamContext,
): TemplateObject {
  const roleId = `${logicalId}Role`;
  const expanded = expandPolicies(roleId, props.Policies, ctx);
  const managed = [...parts.managedPolicyArns];
  for (const arn of expanded.managedPolicyArns)
    if (!managed.some((m) => JSON.stringify(m) === JSON.stringify(arn))) managed.push(arn);
  const policies = [...parts.policyDocuments, ...expanded.policies];
  return compact({
    AssumeRolePolicyDocument: props.AssumeRolePolicyDocument ?? lambdaTrustPolicy(),
    ManagedPolicyArns: managed,
    Policies: policies.length ? policies : undefined,
    Path: props.RolePath,
    PermissionsBoundary: props.PermissionsBoundary,
    Tags: samTags(props.Tags),
  });
}

/** `[{Key: "lambda:createdBy", Value: "SAM"}, …the resource's tags]` */
export function samTags(tags: TemplateValue | undefined): TemplateValue[] {
  const own = isObject(tags) ? Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) : [];
  return [{ Key: "lambda:createdBy", Value: "SAM" }, ...own];
}

function lambdaTrustPolicy(): TemplateObject {
  return {
    Version: "2012-10-17",
    Statement: [{ Action: ["sts:AssumeRole"], Effect: "Allow", Principal: { Service: ["lambda.amazonaws.com"] } }],
  };
}

/** An AWS managed policy ARN in the template's partition. */
export function managedPolicyArn(ctx: SamContext, name: string): string {
  return `arn:${ctx.partition}:iam::aws:policy/${name}`;
}

function expandPolicies(roleId: string, policies: TemplateValue | undefined, ctx: SamContext): ExpandedPolicies {
  if (policies === undefined || policies === null) return { managedPolicyArns: [], policies: [] };
  const expander = ctx.options.policies ?? unexpandedPolicies;
  const out = expander({
    roleLogicalId: roleId,
    policies,
    parameters: ctx.options.parameters,
    partition: ctx.partition,
  });
  ctx.warnings.push(...(out.warnings ?? []));
  return out;
}

/**
 * Managed policy names and ARNs and policy documents are carried into the role as SAM places
 * them; a policy template is kept as `haneul:PolicyTemplate` in an empty document, which the
 * stack deploy's AWS::IAM::Role handler expands (src/iam's expansion) once its values are resolved.
 */
export function unexpandedPolicies(
  input: Parameters<NonNullable<SamContext["options"]["policies"]>>[0],
): ExpandedPolicies {
  const list = Array.isArray(input.policies) ? input.policies : [input.policies];
  const managedPolicyArns: TemplateValue[] = [];
  const policies: TemplateValue[] = [];
  list.forEach((entry, index) => {
    const name = `${input.roleLogicalId}Policy${index}`;
    if (typeof entry === "string")
      managedPolicyArns.push(entry.startsWith("arn:") ? entry : `arn:${input.partition}:iam::aws:policy/${entry}`);
    else if (isObject(entry) && "Statement" in entry) policies.push({ PolicyName: name, PolicyDocument: entry });
    else if (intrinsicName(entry) === "Fn::If") {
      const [condition, ...branches] = (entry as { "Fn::If": TemplateValue[] })["Fn::If"];
      const wrap = (b: TemplateValue | undefined) =>
        isObject(b) && b.Ref === "AWS::NoValue" ? b : { PolicyName: name, PolicyDocument: b ?? null };
      policies.push({ "Fn::If": [condition ?? null, wrap(branches[0]), wrap(branches[1])] });
    } else if (intrinsicName(entry) !== undefined) {
      // `!Ref SomeManagedPolicy`, `!Sub arn:…`: an intrinsic is a managed policy ARN, as SAM takes it.
      managedPolicyArns.push(entry);
    } else if (isObject(entry)) {
      // Its values may hold intrinsics: the stack deploy expands it once they are resolved.
      policies.push({
        PolicyName: name,
        PolicyDocument: { Version: "2012-10-17", Statement: [], "haneul:PolicyTemplate": entry },
      });
    } else managedPolicyArns.push(entry);
  });
  return { managedPolicyArns, policies };
}
