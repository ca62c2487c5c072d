import type {
  AccessKeyRecord,
  CustomerPolicyRecord,
  IamRoleRecord,
  IamStore,
  IamUserRecord,
  InlinePolicyRecord,
  PolicyOwner,
} from "../../ports/iam-store.js";
import type { PgDatabase } from "./database.js";
import * as sql from "./sql/iam.js";

const ownerOf = (r: { owner_kind: string; owner_name: string }): PolicyOwner => ({
  kind: r.owner_kind as PolicyOwner["kind"],
  name: r.owner_name,
});

/**
 * The IamStore on PostgreSQL, shared by the nodes of a cluster: users, keys and policies made
 * through one node sign and authorize on every node. Uniqueness without regard to case is a
 * unique index on lower(name), checked in the same statement as the write.
 */
export class PgIamStore implements IamStore {
  readonly #db: PgDatabase;
  #closed = false;

  /** A store over `db` (already open and migrated); it releases its use of `db` on close. */
  constructor(db: PgDatabase) {
    this.#db = db;
    db.retain();
  }

  insertUser(user: IamUserRecord): Promise<boolean> {
    return sql.insertEntity(this.#db, "iam_users", user.userName, JSON.stringify(user));
  }

  async listUsers(): Promise<IamUserRecord[]> {
    return (await sql.selectEntities(this.#db, "iam_users")).map((b) => JSON.parse(b) as IamUserRecord);
  }

  deleteUser(userName: string): Promise<boolean> {
    return sql.deleteEntity(this.#db, "iam_users", userName);
  }

  insertRole(role: IamRoleRecord): Promise<boolean> {
    return sql.insertEntity(this.#db, "iam_roles", role.roleName, JSON.stringify(role));
  }

  async listRoles(): Promise<IamRoleRecord[]> {
    return (await sql.selectEntities(this.#db, "iam_roles")).map((b) => JSON.parse(b) as IamRoleRecord);
  }

  deleteRole(roleName: string): Promise<boolean> {
    return sql.deleteEntity(this.#db, "iam_roles", roleName);
  }

  updateRole(role: IamRoleRecord): Promise<boolean> {
    return sql.updateEntity(this.#db, "iam_roles", role.roleName, JSON.stringify(role));
  }

  insertPolicy(policy: CustomerPolicyRecord): Promise<boolean> {
    return sql.insertEntity(this.#db, "iam_policies", policy.policyName, JSON.stringify(policy));
  }

  updatePolicy(policy: CustomerPolicyRecord): Promise<boolean> {
    return sql.updateEntity(this.#db, "iam_policies", policy.policyName, JSON.stringify(policy));
  }

  async listPolicies(): Promise<CustomerPolicyRecord[]> {
    return (await sql.selectEntities(this.#db, "iam_policies")).map((b) => JSON.parse(b) as CustomerPolicyRecord);
  }

  deletePolicy(policyName: string): Promise<boolean> {
    return sql.deleteEntity(this.#db, "iam_policies", policyName);
  }

  insertAccessKey(key: AccessKeyRecord): Promise<void> {
    return sql.insertKey(this.#db, key.accessKeyId, key.userName, JSON.stringify(key));
  }

  async listAccessKeys(): Promise<AccessKeyRecord[]> {
    return (await sql.selectKeys(this.#db)).map((b) => JSON.parse(b) as AccessKeyRecord);
  }

  deleteAccessKey(userName: string, accessKeyId: string): Promise<boolean> {
    return sql.deleteKey(this.#db, userName, accessKeyId);
  }

  putInlinePolicy(p: InlinePolicyRecord): Promise<void> {
    const row = { owner_kind: p.owner.kind, owner_name: p.owner.name, policy_name: p.policyName, document: p.document };
    return sql.upsertInline(this.#db, row);
  }

  async listInlinePolicies(): Promise<InlinePolicyRecord[]> {
    return (await sql.selectInline(this.#db)).map((r) => ({
      owner: ownerOf(r),
      policyName: r.policy_name,
      document: r.document,
    }));
  }

  deleteInlinePolicy(owner: PolicyOwner, policyName: string): Promise<boolean> {
    return sql.deleteInline(this.#db, owner.kind, owner.name, policyName);
  }

  attachPolicy(owner: PolicyOwner, policyArn: string): Promise<boolean> {
    return sql.insertAttachment(this.#db, { owner_kind: owner.kind, owner_name: owner.name, policy_arn: policyArn });
  }

  async listAttachments(): Promise<{ owner: PolicyOwner; policyArn: string }[]> {
    return (await sql.selectAttachments(this.#db)).map((r) => ({ owner: ownerOf(r), policyArn: r.policy_arn }));
  }

  detachPolicy(owner: PolicyOwner, policyArn: string): Promise<boolean> {
    return sql.deleteAttachment(this.#db, { owner_kind: owner.kind, owner_name: owner.name, policy_arn: policyArn });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#db.release();
  }
}
