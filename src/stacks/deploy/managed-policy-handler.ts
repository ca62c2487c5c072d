import type { IamService } from "../../iam/index.js";
import type { StackResourceRecord } from "../../ports/stack-store.js";
import { isPlatformError } from "../../shared/errors.js";
import { generatedName, refuseUnsupported, ResourceFailure, str } from "./handler.js";
import type { Properties, ResourceHandler, ResourceResult, ResourceScope } from "./handler.js";
import { RECORDED } from "./recorded-handlers.js";

/**
 * AWS::IAM::ManagedPolicy made in the node's IAM as a customer managed policy, attached to the
 * roles and users it lists. A new document is a new default version (the oldest other version
 * deleted first when five exist, as CloudFormation does); a new name, path or description
 * replaces the policy (the engine creates the new one, then deletes this). A node without IAM
 * records it as before.
 */

const PROPS = ["ManagedPolicyName", "Path", "Description", "PolicyDocument", "Roles", "Users", "Groups"];
const MAX_VERSIONS = 5;

interface Spec {
  readonly policyName: string;
  readonly path: string;
  readonly description: string | undefined;
  readonly document: string;
  readonly roles: readonly string[];
  readonly users: readonly string[];
}

function names(props: Properties, key: string): string[] {
  const v = props[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string"))
    throw new ResourceFailure(`Property ${key} must be a list of strings.`);
  return [...new Set(v)];
}

function specOf(props: Properties, scope: ResourceScope, previous?: StackResourceRecord): Spec {
  refuseUnsupported(props, scope, PROPS);
  if (names(props, "Groups").length > 0) {
    throw new ResourceFailure(
      `haneul does not support 'Groups' on AWS::IAM::ManagedPolicy (resource ${scope.logicalId}): the node's IAM has no groups`,
    );
  }
  const doc = props.PolicyDocument;
  if (doc === undefined || doc === null) throw new ResourceFailure("Property PolicyDocument cannot be empty.");
  const before = typeof previous?.attributes.PolicyName === "string" ? previous.attributes.PolicyName : undefined;
  return {
    policyName: str(props, "ManagedPolicyName") ?? before ?? generatedName(scope, 128),
    path: str(props, "Path") ?? "/",
    description: str(props, "Description"),
    document: typeof doc === "string" ? doc : JSON.stringify(doc),
    roles: names(props, "Roles"),
    users: names(props, "Users"),
  };
}

const gone = (e: unknown): boolean => isPlatformError(e) && e.code === "ERR_IAM_NO_SUCH_ENTITY";

type Target = ["role" | "user", string];
const targetsOf = (s: Pick<Spec, "roles" | "users">): Target[] => [
  ...s.roles.map((r): Target => ["role", r]),
  ...s.users.map((u): Target => ["user", u]),
];

async function detachAll(iam: IamService, arn: string, targets: readonly Target[]): Promise<void> {
  for (const [kind, name] of targets) {
    try {
      if (iam.attachedPolicies(kind, name).includes(arn)) await iam.detachPolicy(kind, name, arn);
    } catch (e) {
      if (!gone(e)) throw e;
    }
  }
}

/** Detaches the policy from `targets`, deletes its other versions, then the policy; one gone is fine. */
async function removePolicy(iam: IamService, arn: string, targets: readonly Target[]): Promise<void> {
  await detachAll(iam, arn, targets);
  try {
    const p = iam.policies.get(arn);
    for (const v of p.versions)
      if (v.versionId !== p.defaultVersionId) await iam.policies.deleteVersion(arn, v.versionId);
    await iam.policies.delete(arn);
  } catch (e) {
    if (!gone(e)) throw e;
  }
}

function result(iam: IamService, arn: string, spec: Spec): ResourceResult {
  const p = iam.policies.get(arn);
  const attributes = { PolicyArn: arn, PolicyId: p.policyId, DefaultVersionId: p.defaultVersionId };
  const owned = { PolicyName: p.policyName, Roles: spec.roles, Users: spec.users, Document: spec.document };
  return { physicalId: arn, attributes: { ...attributes, ...owned } };
}

async function attach(iam: IamService, arn: string, targets: readonly Target[]): Promise<void> {
  for (const [kind, name] of targets)
    if (!iam.attachedPolicies(kind, name).includes(arn)) await iam.attachPolicy(kind, name, arn);
}

/** Makes the policy's default version `document`, deleting the oldest other version at the limit. */
async function newDefault(iam: IamService, arn: string, document: string): Promise<void> {
  const p = iam.policies.get(arn);
  if (p.versions.length >= MAX_VERSIONS) {
    const oldest = p.versions.find((v) => v.versionId !== p.defaultVersionId);
    if (oldest) await iam.policies.deleteVersion(arn, oldest.versionId);
  }
  await iam.policies.createVersion(arn, document, true);
}

const previousTargets = (record: StackResourceRecord): Target[] => {
  const list = (v: unknown) => (Array.isArray(v) ? (v as string[]) : []);
  return targetsOf({ roles: list(record.attributes.Roles), users: list(record.attributes.Users) });
};

/** The handler of AWS::IAM::ManagedPolicy. */
export const MANAGED_POLICY: ResourceHandler = {
  async create(props, scope) {
    const iam = scope.services.iam;
    if (!iam) return RECORDED.create(props, scope);
    const spec = specOf(props, scope);
    const p = await iam.policies.create(spec);
    const arn = iam.policies.arnOf(p);
    try {
      await attach(iam, arn, targetsOf(spec));
    } catch (e) {
      await removePolicy(iam, arn, targetsOf(spec)); // a failed create leaves nothing behind
      throw e;
    }
    return result(iam, arn, spec);
  },
  async update(props, previous, scope) {
    const iam = scope.services.iam;
    if (!iam) return RECORDED.update!(props, previous, scope);
    const spec = specOf(props, scope, previous);
    const arn = previous.physicalId ?? "";
    if (previous.attributes.Document !== spec.document) await newDefault(iam, arn, spec.document);
    await attach(iam, arn, targetsOf(spec));
    const keep = new Set(targetsOf(spec).map((t) => t.join("/").toLowerCase()));
    await detachAll(
      iam,
      arn,
      previousTargets(previous).filter((t) => !keep.has(t.join("/").toLowerCase())),
    );
    return result(iam, arn, spec);
  },
  async delete(record, scope) {
    const iam = scope.services.iam;
    if (iam && record.physicalId?.startsWith("arn:"))
      await removePolicy(iam, record.physicalId, previousTargets(record));
  },
};
