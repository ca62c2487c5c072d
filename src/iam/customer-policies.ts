/**
 * Customer managed policies: made, versioned (at most 5 versions, one the default), tagged and
 * deleted as IAM does. They live in the IamModel by ARN; a holder that has one attached is
 * authorized by its default version, so every change of a default version (or a deletion)
 * forgets the compiled policies of every holder and the next request compiles afresh.
 */
import type { CustomerPolicyRecord, IamStore, IamTag, PolicyVersionRecord } from "../ports/iam-store.js";
import type { Clock } from "../shared/clock.js";
import { PlatformError } from "../shared/errors.js";
import * as err from "./iam-errors.js";
import { nameKey, type IamModel } from "./iam-model.js";
import { checkTags, mergeTags, withoutTags } from "./iam-tags.js";

/** What the customer policies are built from. */
export interface CustomerPoliciesOptions {
  readonly model: () => IamModel;
  readonly store: IamStore;
  readonly clock: Clock;
  readonly accountId: string;
  readonly newId: (prefix: string) => string;
  readonly checkDocument: (text: string) => void;
}

/** What CreatePolicy takes. */
export interface NewPolicy {
  readonly policyName: string;
  readonly document: string;
  readonly path?: string | undefined;
  readonly description?: string | undefined;
  readonly tags?: readonly IamTag[] | undefined;
}

const MAX_VERSIONS = 5;
const PATH_RE = /^((\/[A-Za-z0-9.,+@=_-]+)*)\/$/;

/** IAM's validation of a `path` member. */
export function checkPath(path: string, member = "path"): string {
  if (path.length > 512 || !PATH_RE.test(path)) {
    throw new PlatformError(
      "ERR_IAM_VALIDATION",
      `1 validation error detected: Value '${path}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: ((/[A-Za-z0-9\\.,\\+@=_-]+)*)/`,
    );
  }
  return path;
}

/** The customer managed policies of the node's account. */
export class CustomerPolicies {
  readonly #o: CustomerPoliciesOptions;

  constructor(o: CustomerPoliciesOptions) {
    this.#o = o;
  }

  /** The ARN of a customer managed policy. */
  arnOf(p: Pick<CustomerPolicyRecord, "path" | "policyName">): string {
    return `arn:aws:iam::${this.#o.accountId}:policy${p.path}${p.policyName}`;
  }

  /** Whether `arn` names a customer managed policy of this account (it may not exist). */
  isCustomerArn(arn: string): boolean {
    return arn.startsWith(`arn:aws:iam::${this.#o.accountId}:policy/`);
  }

  async create(n: NewPolicy): Promise<CustomerPolicyRecord> {
    err.checkName(n.policyName, "policyName", 128);
    const path = checkPath(n.path ?? "/");
    if ((n.description?.length ?? 0) > 1000) {
      throw new PlatformError(
        "ERR_IAM_VALIDATION",
        "1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 1000",
      );
    }
    this.#o.checkDocument(n.document);
    const now = this.#o.clock.now();
    const record: CustomerPolicyRecord = {
      policyName: n.policyName,
      policyId: this.#o.newId("ANPA"),
      path,
      description: n.description,
      createdAt: now,
      updatedAt: now,
      defaultVersionId: "v1",
      versions: [{ versionId: "v1", document: n.document, createdAt: now }],
      nextVersion: 2,
      tags: checkTags(n.tags ?? []),
    };
    const model = this.#o.model();
    const taken = [...model.policies.values()].some((p) => nameKey(p.policyName) === nameKey(n.policyName));
    if (taken || !(await this.#o.store.insertPolicy(record))) {
      throw new PlatformError(
        "ERR_IAM_ENTITY_EXISTS",
        `A policy called ${n.policyName} already exists. Duplicate names are not allowed.`,
      );
    }
    model.policies.set(this.arnOf(record), record);
    return record;
  }

  /** The policy `arn` names; NoSuchEntity when there is none. */
  get(arn: string): CustomerPolicyRecord {
    const p = this.#o.model().policies.get(arn);
    if (p === undefined) throw new PlatformError("ERR_IAM_NO_SUCH_ENTITY", `Policy ${arn} was not found.`);
    return p;
  }

  list(): CustomerPolicyRecord[] {
    return [...this.#o.model().policies.values()];
  }

  /** How many users and roles have the policy attached. */
  attachmentCount(arn: string): number {
    const { users, roles } = this.#o.model().entitiesOf(arn);
    return users.length + roles.length;
  }

  async delete(arn: string): Promise<void> {
    const p = this.get(arn);
    if (this.attachmentCount(arn) > 0)
      throw new PlatformError("ERR_IAM_DELETE_CONFLICT", "Cannot delete a policy attached to entities.");
    if (p.versions.length > 1) {
      throw new PlatformError(
        "ERR_IAM_DELETE_CONFLICT",
        "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
      );
    }
    await this.#o.store.deletePolicy(p.policyName);
    const model = this.#o.model();
    model.policies.delete(arn);
    model.recompileAll();
  }

  async createVersion(arn: string, document: string, setAsDefault: boolean): Promise<PolicyVersionRecord> {
    const p = this.get(arn);
    if (p.versions.length >= MAX_VERSIONS) {
      throw new PlatformError(
        "ERR_IAM_LIMIT_EXCEEDED",
        `A managed policy can have up to ${MAX_VERSIONS} versions. Before you create a new version, you must delete an existing version.`,
      );
    }
    this.#o.checkDocument(document);
    const now = this.#o.clock.now();
    const version = { versionId: `v${p.nextVersion}`, document, createdAt: now };
    await this.#replace({
      ...p,
      versions: [...p.versions, version],
      nextVersion: p.nextVersion + 1,
      defaultVersionId: setAsDefault ? version.versionId : p.defaultVersionId,
      updatedAt: setAsDefault ? now : p.updatedAt,
    });
    return version;
  }

  version(arn: string, versionId: string): PolicyVersionRecord {
    const v = this.get(arn).versions.find((x) => x.versionId === versionId);
    if (v === undefined) {
      throw new PlatformError(
        "ERR_IAM_NO_SUCH_ENTITY",
        `Policy ${arn} version ${versionId} does not exist or is not attachable.`,
      );
    }
    return v;
  }

  async deleteVersion(arn: string, versionId: string): Promise<void> {
    const p = this.get(arn);
    this.version(arn, versionId);
    if (p.defaultVersionId === versionId)
      throw new PlatformError("ERR_IAM_DELETE_CONFLICT", "Cannot delete the default version of a policy.");
    await this.#replace({ ...p, versions: p.versions.filter((v) => v.versionId !== versionId) });
  }

  async setDefaultVersion(arn: string, versionId: string): Promise<void> {
    const p = this.get(arn);
    this.version(arn, versionId);
    await this.#replace({ ...p, defaultVersionId: versionId, updatedAt: this.#o.clock.now() });
  }

  async tag(arn: string, tags: readonly IamTag[]): Promise<void> {
    const p = this.get(arn);
    await this.#replace({ ...p, tags: mergeTags(p.tags, tags) });
  }

  async untag(arn: string, keys: readonly string[]): Promise<void> {
    const p = this.get(arn);
    await this.#replace({ ...p, tags: withoutTags(p.tags, keys) });
  }

  async #replace(next: CustomerPolicyRecord): Promise<void> {
    const arn = this.arnOf(next);
    if (!(await this.#o.store.updatePolicy(next)))
      throw new PlatformError("ERR_IAM_NO_SUCH_ENTITY", `Policy ${arn} was not found.`);
    const model = this.#o.model();
    model.policies.set(arn, next);
    model.recompileAll();
  }
}
