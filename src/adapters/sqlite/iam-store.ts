import type { Database } from "better-sqlite3";
import type {
  AccessKeyRecord,
  CustomerPolicyRecord,
  IamRoleRecord,
  IamStore,
  IamUserRecord,
  InlinePolicyRecord,
  PolicyOwner,
} from "../../ports/iam-store.js";
import { closeDatabase, openDatabase, settle, type SqliteDatabaseOptions } from "./database.js";
import * as sql from "./sql/iam.js";

/**
 * The IamStore on one SQLite file (WAL) or in memory; it may share the Lambda store's file
 * (migrations are recorded once per file).
 */
export class SqliteIamStore implements IamStore {
  readonly #db: Database;

  private constructor(db: Database) {
    this.#db = db;
  }

  /** Opens (and migrates) the database. */
  static open(options: SqliteDatabaseOptions): SqliteIamStore {
    return new SqliteIamStore(openDatabase(options));
  }

  insertUser(user: IamUserRecord): Promise<boolean> {
    return settle(() => sql.insertEntity(this.#db, "iam_users", user.userName, JSON.stringify(user)));
  }

  listUsers(): Promise<IamUserRecord[]> {
    return settle(() => sql.selectEntities(this.#db, "iam_users").map((b) => JSON.parse(b) as IamUserRecord));
  }

  deleteUser(userName: string): Promise<boolean> {
    return settle(() => sql.deleteEntity(this.#db, "iam_users", userName));
  }

  insertRole(role: IamRoleRecord): Promise<boolean> {
    return settle(() => sql.insertEntity(this.#db, "iam_roles", role.roleName, JSON.stringify(role)));
  }

  listRoles(): Promise<IamRoleRecord[]> {
    return settle(() => sql.selectEntities(this.#db, "iam_roles").map((b) => JSON.parse(b) as IamRoleRecord));
  }

  deleteRole(roleName: string): Promise<boolean> {
    return settle(() => sql.deleteEntity(this.#db, "iam_roles", roleName));
  }

  updateRole(role: IamRoleRecord): Promise<boolean> {
    return settle(() => sql.updateEntity(this.#db, "iam_roles", role.roleName, JSON.stringify(role)));
  }

  insertPolicy(policy: CustomerPolicyRecord): Promise<boolean> {
    return settle(() => sql.insertEntity(this.#db, "iam_policies", policy.policyName, JSON.stringify(policy)));
  }

  updatePolicy(policy: CustomerPolicyRecord): Promise<boolean> {
    return settle(() => sql.updateEntity(this.#db, "iam_policies", policy.policyName, JSON.stringify(policy)));
  }

  listPolicies(): Promise<CustomerPolicyRecord[]> {
    return settle(() => sql.selectEntities(this.#db, "iam_policies").map((b) => JSON.parse(b) as CustomerPolicyRecord));
  }

  deletePolicy(policyName: string): Promise<boolean> {
    return settle(() => sql.deleteEntity(this.#db, "iam_policies", policyName));
  }

  insertAccessKey(key: AccessKeyRecord): Promise<void> {
    return settle(() => sql.insertKey(this.#db, key.accessKeyId, key.userName, JSON.stringify(key)));
  }

  listAccessKeys(): Promise<AccessKeyRecord[]> {
    return settle(() => sql.selectKeys(this.#db).map((b) => JSON.parse(b) as AccessKeyRecord));
  }

  deleteAccessKey(userName: string, accessKeyId: string): Promise<boolean> {
    return settle(() => sql.deleteKey(this.#db, userName, accessKeyId));
  }

  putInlinePolicy(p: InlinePolicyRecord): Promise<void> {
    return settle(() => sql.upsertInline(this.#db, p.owner.kind, p.owner.name, p.policyName, p.document));
  }

  listInlinePolicies(): Promise<InlinePolicyRecord[]> {
    return settle(() =>
      sql.selectInline(this.#db).map((r) => ({
        owner: { kind: r.owner_kind as PolicyOwner["kind"], name: r.owner_name },
        policyName: r.policy_name,
        document: r.document,
      })),
    );
  }

  deleteInlinePolicy(owner: PolicyOwner, policyName: string): Promise<boolean> {
    return settle(() => sql.deleteInline(this.#db, owner.kind, owner.name, policyName));
  }

  attachPolicy(owner: PolicyOwner, policyArn: string): Promise<boolean> {
    return settle(() => sql.insertAttachment(this.#db, owner.kind, owner.name, policyArn));
  }

  listAttachments(): Promise<{ owner: PolicyOwner; policyArn: string }[]> {
    return settle(() =>
      sql.selectAttachments(this.#db).map((r) => ({
        owner: { kind: r.owner_kind as PolicyOwner["kind"], name: r.owner_name },
        policyArn: r.policy_arn,
      })),
    );
  }

  detachPolicy(owner: PolicyOwner, policyArn: string): Promise<boolean> {
    return settle(() => sql.deleteAttachment(this.#db, owner.kind, owner.name, policyArn));
  }

  close(): Promise<void> {
    return settle(() => closeDatabase(this.#db));
  }
}
