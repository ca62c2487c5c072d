/**
 * The IAM store: users, their access keys, roles, and the inline and attached policies of both.
 * Secrets are stored sealed (encrypted with the node's secret) by the IAM service: the store
 * alone never gives a usable key. Names are unique without regard to case, as in IAM.
 */

/** An IAM user. */
export interface IamUserRecord {
  readonly userName: string;
  /** `AIDA…`, stable for the user's lifetime. */
  readonly userId: string;
  readonly path: string;
  readonly createdAt: number;
}

/** An IAM role with its trust policy. */
export interface IamRoleRecord {
  readonly roleName: string;
  /** `AROA…`; a role deleted and created again gets a new one (old sessions end). */
  readonly roleId: string;
  readonly path: string;
  readonly createdAt: number;
  readonly assumeRolePolicyDocument: string;
  readonly description?: string | undefined;
  readonly maxSessionDuration: number;
}

/** An access key of a user; `sealedSecret` is the secret encrypted by the IAM service. */
export interface AccessKeyRecord {
  readonly accessKeyId: string;
  readonly userName: string;
  readonly status: "Active" | "Inactive";
  readonly createdAt: number;
  readonly sealedSecret: string;
}

/** Whose policy: a user's or a role's. */
export type PolicyOwner = { readonly kind: "user" | "role"; readonly name: string };

/** An inline policy. */
export interface InlinePolicyRecord {
  readonly owner: PolicyOwner;
  readonly policyName: string;
  readonly document: string;
}

/** Persistence of IAM users, keys, roles and policies. */
export interface IamStore {
  /** Inserts a user; false when one with that name (in any case) exists. */
  insertUser(user: IamUserRecord): Promise<boolean>;
  listUsers(): Promise<IamUserRecord[]>;
  /** Deletes a user; false when there is none. */
  deleteUser(userName: string): Promise<boolean>;
  /** Inserts a role; false when one with that name (in any case) exists. */
  insertRole(role: IamRoleRecord): Promise<boolean>;
  listRoles(): Promise<IamRoleRecord[]>;
  deleteRole(roleName: string): Promise<boolean>;
  insertAccessKey(key: AccessKeyRecord): Promise<void>;
  listAccessKeys(): Promise<AccessKeyRecord[]>;
  /** Deletes one key of a user; false when the user has no such key. */
  deleteAccessKey(userName: string, accessKeyId: string): Promise<boolean>;
  /** Creates or replaces an inline policy. */
  putInlinePolicy(policy: InlinePolicyRecord): Promise<void>;
  listInlinePolicies(): Promise<InlinePolicyRecord[]>;
  deleteInlinePolicy(owner: PolicyOwner, policyName: string): Promise<boolean>;
  /** Attaches a managed policy; false when it was attached already. */
  attachPolicy(owner: PolicyOwner, policyArn: string): Promise<boolean>;
  /** Every attachment, in the order they were made. */
  listAttachments(): Promise<{ owner: PolicyOwner; policyArn: string }[]>;
  detachPolicy(owner: PolicyOwner, policyArn: string): Promise<boolean>;
  close(): Promise<void>;
}
