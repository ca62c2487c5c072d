import { expandSamPolicies, SamPolicyError, type IamService } from "../../iam/index.js";
import type { StackResourceRecord } from "../../ports/stack-store.js";
import { isPlatformError } from "../../shared/errors.js";
import { generatedName, refuseUnsupported, ResourceFailure, str } from "./handler.js";
import type { Properties, ResourceHandler, ResourceResult, ResourceScope } from "./handler.js";
import { MANAGED_POLICY } from "./managed-policy-handler.js";
import { RECORDED } from "./recorded-handlers.js";

/**
 * AWS::IAM::Role and AWS::IAM::Policy made in the node's IAM, so the roles a template (or SAM)
 * gives its functions are the ones their session keys and DLQ/destination sends are checked
 * against. A role's inline policies, attached managed policies (AWS's or the account's) and tags are
 * diffed on update; a change of its trust policy, description or session duration (which IAM-lite
 * cannot change in place) makes the role again under the same name, with the policies other
 * resources put on it. A node without IAM records them as before.
 */

const ROLE_PROPS = [
  ...["RoleName", "Path", "AssumeRolePolicyDocument", "Policies", "ManagedPolicyArns"],
  ...["Tags", "Description", "MaxSessionDuration"],
];

interface RoleSpec {
  readonly roleName: string;
  readonly path: string;
  readonly trustPolicy: string;
  readonly description: string | undefined;
  readonly maxSessionDuration: number | undefined;
  readonly policies: ReadonlyMap<string, string>;
  readonly managed: readonly string[];
  readonly tags: readonly { Key: string; Value: string }[];
}

function documentText(value: unknown, what: string): string {
  if (value === undefined || value === null) throw new ResourceFailure(`Property ${what} cannot be empty.`);
  return typeof value === "string" ? value : JSON.stringify(value);
}

function listOf(props: Properties, key: string): unknown[] {
  const v = props[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new ResourceFailure(`Property ${key} must be a list.`);
  return v;
}

function stringsOf(props: Properties, key: string): string[] {
  const list = listOf(props, key);
  if (!list.every((x) => typeof x === "string"))
    throw new ResourceFailure(`Property ${key} must be a list of strings.`);
  return list;
}

/**
 * A SAM policy template the transform left in the document (`haneul:PolicyTemplate`, its values
 * unresolved then) expanded now that intrinsics are resolved, into IAM statements.
 */
function expanded(doc: unknown, scope: ResourceScope): unknown {
  const template = (doc as Record<string, unknown> | null)?.["haneul:PolicyTemplate"];
  if (template === undefined) return doc;
  try {
    const { region, accountId } = scope.services;
    return { Version: "2012-10-17", Statement: expandSamPolicies([template], { region, accountId }).statements };
  } catch (e) {
    if (e instanceof SamPolicyError) throw new ResourceFailure(e.message);
    throw e;
  }
}

function inlinePolicies(props: Properties, scope: ResourceScope): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of listOf(props, "Policies")) {
    const entry = (p ?? {}) as Record<string, unknown>;
    const name = entry.PolicyName;
    if (typeof name !== "string") throw new ResourceFailure("Property PolicyName cannot be empty.");
    out.set(name, documentText(expanded(entry.PolicyDocument, scope), "PolicyDocument"));
  }
  return out;
}

function roleSpec(props: Properties, scope: ResourceScope, previous?: StackResourceRecord): RoleSpec {
  if (props.PermissionsBoundary !== undefined) {
    throw new ResourceFailure(
      `haneul does not support 'PermissionsBoundary' on AWS::IAM::Role (resource ${scope.logicalId}): the node's IAM has no permissions boundaries`,
    );
  }
  refuseUnsupported(props, scope, ROLE_PROPS);
  const max = props.MaxSessionDuration;
  const tags = listOf(props, "Tags").map((t) => {
    const { Key, Value } = (t ?? {}) as Record<string, unknown>;
    if (typeof Key !== "string" || typeof Value !== "string")
      throw new ResourceFailure("Property Tags must be a list of {Key, Value} strings.");
    return { Key, Value };
  });
  return {
    roleName: str(props, "RoleName") ?? previous?.physicalId ?? generatedName(scope),
    path: str(props, "Path") ?? "/",
    trustPolicy: documentText(props.AssumeRolePolicyDocument, "AssumeRolePolicyDocument"),
    description: str(props, "Description"),
    maxSessionDuration: max === undefined ? undefined : Number(max),
    policies: inlinePolicies(props, scope),
    managed: [...new Set(stringsOf(props, "ManagedPolicyArns"))],
    tags,
  };
}

function result(iam: IamService, spec: RoleSpec): ResourceResult {
  const { record } = iam.role(spec.roleName);
  const attributes = { Arn: iam.roleArn(record), RoleId: record.roleId, Tags: spec.tags };
  const owned = { PolicyNames: [...spec.policies.keys()], ManagedPolicyArns: spec.managed };
  return { physicalId: record.roleName, attributes: { ...attributes, ...owned, TrustPolicy: spec.trustPolicy } };
}

const gone = (e: unknown): boolean => isPlatformError(e) && e.code === "ERR_IAM_NO_SUCH_ENTITY";

/** Detaches, deletes the inline policies of, and deletes a role; a role already gone is fine. */
async function removeRole(iam: IamService, roleName: string): Promise<void> {
  try {
    for (const arn of iam.attachedPolicies("role", roleName)) await iam.detachPolicy("role", roleName, arn);
    for (const name of iam.inlinePolicyNames("role", roleName)) await iam.deleteInlinePolicy("role", roleName, name);
    await iam.deleteRole(roleName);
  } catch (e) {
    if (!gone(e)) throw e;
  }
}

/** What the role resource itself put on the role (an AWS::IAM::Policy's are left alone). */
interface Owned {
  readonly policies: readonly string[];
  readonly managed: readonly string[];
}

function ownedBy(record: StackResourceRecord | undefined): Owned {
  const list = (v: unknown) => (Array.isArray(v) ? (v as string[]) : []);
  return { policies: list(record?.attributes.PolicyNames), managed: list(record?.attributes.ManagedPolicyArns) };
}

/** Makes the role's own policies those of `spec`: changed documents put, dropped ones removed, attachments diffed. */
async function syncPolicies(iam: IamService, spec: RoleSpec, owned: Owned): Promise<void> {
  const name = spec.roleName;
  for (const [policyName, doc] of spec.policies) {
    const current = iam.inlinePolicyNames("role", name).includes(policyName)
      ? iam.inlinePolicy("role", name, policyName)
      : undefined;
    if (current !== doc) await iam.putInlinePolicy("role", name, policyName, doc);
  }
  for (const old of iam.inlinePolicyNames("role", name))
    if (owned.policies.includes(old) && !spec.policies.has(old)) await iam.deleteInlinePolicy("role", name, old);
  const attached = iam.attachedPolicies("role", name);
  for (const arn of spec.managed) if (!attached.includes(arn)) await iam.attachPolicy("role", name, arn);
  for (const arn of attached)
    if (owned.managed.includes(arn) && !spec.managed.includes(arn)) await iam.detachPolicy("role", name, arn);
}

/** What other resources put on a role (AWS::IAM::Policy, AWS::IAM::ManagedPolicy), to put back on a new one. */
interface Others {
  readonly inline: ReadonlyMap<string, string>;
  readonly attached: readonly string[];
}

/** Creates the role with its policies and tags, and what `others` put on it before. */
async function makeRole(
  iam: IamService,
  spec: RoleSpec,
  others: Others = { inline: new Map(), attached: [] },
): Promise<ResourceResult> {
  await iam.createRole({
    ...{ roleName: spec.roleName, trustPolicy: spec.trustPolicy, path: spec.path },
    ...{ description: spec.description, maxSessionDuration: spec.maxSessionDuration, tags: spec.tags },
  });
  try {
    for (const [name, doc] of others.inline) await iam.putInlinePolicy("role", spec.roleName, name, doc);
    for (const arn of others.attached) await iam.attachPolicy("role", spec.roleName, arn);
    await syncPolicies(iam, spec, { policies: [], managed: [] });
  } catch (e) {
    await removeRole(iam, spec.roleName); // a failed create leaves nothing behind
    throw e;
  }
  return result(iam, spec);
}

/** Makes the role's tags those of `spec` (tags are the template's to own, as CloudFormation does). */
async function syncTags(iam: IamService, spec: RoleSpec): Promise<void> {
  const current = iam.role(spec.roleName).record.tags ?? [];
  const wanted = new Set(spec.tags.map((t) => t.Key.toLowerCase()));
  const dropped = current.filter((t) => !wanted.has(t.Key.toLowerCase())).map((t) => t.Key);
  if (dropped.length > 0) await iam.untagRole(spec.roleName, dropped);
  const same = (t: { Key: string; Value: string }) => current.some((c) => c.Key === t.Key && c.Value === t.Value);
  if (!spec.tags.every(same)) await iam.tagRole(spec.roleName, spec.tags);
}

/** Whether the role's own settings (not its policies) differ from `spec`. */
function settingsChanged(iam: IamService, spec: RoleSpec, previous: StackResourceRecord): boolean {
  const { record } = iam.role(spec.roleName);
  return (
    previous.attributes.TrustPolicy !== spec.trustPolicy ||
    (record.description ?? undefined) !== spec.description ||
    record.maxSessionDuration !== (spec.maxSessionDuration ?? 3600)
  );
}

const ROLE: ResourceHandler = {
  async create(props, scope) {
    const iam = scope.services.iam;
    if (!iam) return RECORDED.create(props, scope);
    return makeRole(iam, roleSpec(props, scope));
  },
  async update(props, previous, scope) {
    const iam = scope.services.iam;
    if (!iam) return RECORDED.update!(props, previous, scope);
    const spec = roleSpec(props, scope, previous);
    const owned = ownedBy(previous);
    if (settingsChanged(iam, spec, previous)) {
      const inline = new Map<string, string>();
      for (const name of iam.inlinePolicyNames("role", spec.roleName))
        if (!owned.policies.includes(name)) inline.set(name, iam.inlinePolicy("role", spec.roleName, name));
      const attached = iam.attachedPolicies("role", spec.roleName).filter((arn) => !owned.managed.includes(arn));
      await removeRole(iam, spec.roleName);
      return makeRole(iam, spec, { inline, attached });
    }
    await syncPolicies(iam, spec, owned);
    await syncTags(iam, spec);
    return result(iam, spec);
  },
  async delete(record, scope) {
    const iam = scope.services.iam;
    if (iam && record.physicalId) await removeRole(iam, record.physicalId);
  },
};

/** AWS::IAM::Policy: an inline policy put on each listed role and user. */
interface PolicySpec {
  readonly policyName: string;
  readonly document: string;
  readonly roles: readonly string[];
  readonly users: readonly string[];
}

function policySpec(props: Properties, scope: ResourceScope): PolicySpec {
  refuseUnsupported(props, scope, ["PolicyName", "PolicyDocument", "Roles", "Users", "Groups"]);
  if (stringsOf(props, "Groups").length > 0)
    throw new ResourceFailure(`haneul does not support 'Groups' on AWS::IAM::Policy: the node's IAM has no groups`);
  const policyName = str(props, "PolicyName");
  if (policyName === undefined) throw new ResourceFailure("Property PolicyName cannot be empty.");
  const roles = stringsOf(props, "Roles");
  const users = stringsOf(props, "Users");
  if (roles.length + users.length === 0)
    throw new ResourceFailure("At least one of [Groups,Roles,Users] must be non-empty.");
  return { policyName, document: documentText(props.PolicyDocument, "PolicyDocument"), roles, users };
}

function targets(spec: PolicySpec): ["user" | "role", string][] {
  return [
    ...spec.roles.map((r) => ["role", r] as ["role", string]),
    ...spec.users.map((u) => ["user", u] as ["user", string]),
  ];
}

function previousSpec(record: StackResourceRecord): PolicySpec | undefined {
  const a = record.attributes;
  if (typeof a.PolicyName !== "string") return undefined;
  const list = (v: unknown) => (Array.isArray(v) ? (v as string[]) : []);
  return { policyName: a.PolicyName, document: "", roles: list(a.Roles), users: list(a.Users) };
}

async function takeOff(iam: IamService, spec: PolicySpec, keep?: PolicySpec): Promise<void> {
  const kept = new Set(keep && keep.policyName === spec.policyName ? targets(keep).map((t) => t.join("/")) : []);
  for (const [kind, name] of targets(spec)) {
    if (kept.has(`${kind}/${name}`)) continue;
    try {
      await iam.deleteInlinePolicy(kind, name, spec.policyName);
    } catch (e) {
      if (!gone(e)) throw e;
    }
  }
}

async function putPolicy(iam: IamService, spec: PolicySpec, id: string): Promise<ResourceResult> {
  for (const [kind, name] of targets(spec)) await iam.putInlinePolicy(kind, name, spec.policyName, spec.document);
  const attributes = { Id: id, PolicyName: spec.policyName, Roles: spec.roles, Users: spec.users };
  return { physicalId: id, attributes };
}

const POLICY: ResourceHandler = {
  async create(props, scope) {
    const iam = scope.services.iam;
    if (!iam) return RECORDED.create(props, scope);
    return putPolicy(iam, policySpec(props, scope), generatedName(scope));
  },
  async update(props, previous, scope) {
    const iam = scope.services.iam;
    if (!iam) return RECORDED.update!(props, previous, scope);
    const spec = policySpec(props, scope);
    const out = await putPolicy(iam, spec, previous.physicalId ?? generatedName(scope));
    const before = previousSpec(previous);
    if (before) await takeOff(iam, before, spec);
    return out;
  },
  async delete(record, scope) {
    const iam = scope.services.iam;
    const before = previousSpec(record);
    if (iam && before) await takeOff(iam, before);
  },
};

/** The IAM types made in the node's IAM. */
export const IAM_HANDLERS: Readonly<Record<string, ResourceHandler>> = {
  "AWS::IAM::Role": ROLE,
  "AWS::IAM::Policy": POLICY,
  "AWS::IAM::ManagedPolicy": MANAGED_POLICY,
};
