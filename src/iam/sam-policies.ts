/**
 * The expansion of an AWS::Serverless::Function's `Policies` into what the execution role gets,
 * as SAM's translator does it: managed policy names or ARNs become attached managed policies;
 * policy documents and policy templates (`SQSSendMessagePolicy: {QueueName: q}`) become inline
 * statements. Intrinsic functions in the values are resolved before this (by the deploy).
 */
import { managedPolicy } from "./managed-policies.js";
import { POLICY_TEMPLATES } from "./sam-policy-templates.js";

/** What a function's role gets from its `Policies`. */
export interface ExpandedPolicies {
  readonly managedPolicyArns: readonly string[];
  /** Inline statements in IAM's JSON form. */
  readonly statements: readonly Record<string, unknown>[];
}

/** Where the role lives: the values of SAM's pseudo parameters. */
export interface SamScope {
  readonly region: string;
  readonly accountId: string;
  readonly partition?: string;
}

/** A `Policies` value SAM refuses, with a message naming the problem. */
export class SamPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SamPolicyError";
  }
}

/** Expands `Policies` (a string, a document, a template or a list of them). */
export function expandSamPolicies(policies: unknown, scope: SamScope): ExpandedPolicies {
  const managedPolicyArns: string[] = [];
  const statements: Record<string, unknown>[] = [];
  const list = Array.isArray(policies) ? (policies as unknown[]) : policies === undefined ? [] : [policies];
  for (const item of list) {
    if (typeof item === "string") managedPolicyArns.push(managedArn(item, scope));
    else if (isObject(item) && "Statement" in item) statements.push(...documentStatements(item));
    else if (isObject(item) && Object.keys(item).length === 1) statements.push(...templateStatements(item, scope));
    else
      throw new SamPolicyError("Policies must be managed policy names or ARNs, policy documents or policy templates");
  }
  return { managedPolicyArns, statements };
}

function managedArn(nameOrArn: string, scope: SamScope): string {
  if (nameOrArn.startsWith("arn:")) return nameOrArn;
  return managedPolicy(nameOrArn)?.arn ?? `arn:${scope.partition ?? "aws"}:iam::aws:policy/${nameOrArn}`;
}

function documentStatements(doc: Record<string, unknown>): Record<string, unknown>[] {
  const s = doc["Statement"];
  const list = Array.isArray(s) ? (s as unknown[]) : [s];
  if (!list.every(isObject)) throw new SamPolicyError("Statement must be an object or a list of objects");
  return list;
}

function templateStatements(item: Record<string, unknown>, scope: SamScope): Record<string, unknown>[] {
  const [name, raw] = Object.entries(item)[0] as [string, unknown];
  const template = POLICY_TEMPLATES[name];
  if (template === undefined) throw new SamPolicyError(`Policy template '${name}' is not known`);
  const values = isObject(raw) ? raw : {};
  const missing = template.parameters.filter((p) => values[p] === undefined);
  if (missing.length > 0) {
    throw new SamPolicyError(
      `Missing parameter(s) ${missing.map((m) => `'${m}'`).join(", ")} for policy template '${name}'`,
    );
  }
  const vars: Record<string, string> = {
    Partition: scope.partition ?? "aws",
    Region: scope.region,
    AccountId: scope.accountId,
  };
  for (const p of template.parameters) vars[p] = String(values[p]);
  const sub = (s: string) => s.replace(/\$\{(\w+)\}/g, (_m, k: string) => vars[k] ?? "");
  return template.statements.map((st) => ({
    Effect: "Allow",
    Action: st.Action,
    Resource: typeof st.Resource === "string" ? sub(st.Resource) : st.Resource.map(sub),
  }));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
