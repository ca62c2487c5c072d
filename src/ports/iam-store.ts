/**
 * The IAM store: users, their access keys, roles, customer managed policies, and the inline and
 * attached policies of users and roles.
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
  /** The role's tags, in the order they were added (absent on roles stored before tags). */
  readonly tags?: readonly IamTag[] | undefined;
}

/** A tag of a role or policy. */
export interface IamTag {
  readonly Key: string;
  readonly Value: string;
}

/** One version of a customer managed policy. */
export interface PolicyVersionRecord {
  /** `v1`, `v2`, … (never reused within a policy). */
  readonly versionId: string;
  readonly document: string;
  readonly createdAt: number;
}

/** A customer managed policy with its versions (at most 5) and tags. */
export interface CustomerPolicyRecord {
  readonly policyName: string;
  /** `ANPA…`, stable for the policy's lifetime. */
  readonly policyId: string;
  readonly path: string;
  readonly description?: string | undefined;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly defaultVersionId: string;
  readonly versions: readonly PolicyVersionRecord[];
  /** The number the next version gets. */
  readonly nextVersion: number;
  readonly tags: readonly IamTag[];
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
  /** Replaces a role's record (its tags); false when there is none. */
  updateRole(role: IamRoleRecord): Promise<boolean>;
  /** Inserts a customer managed policy; false when one with that name (in any case) exists. */
  insertPolicy(policy: CustomerPolicyRecord): Promise<boolean>;
  /** Replaces a policy's record (versions, default, tags); false when there is none. */
  updatePolicy(policy: CustomerPolicyRecord): Promise<boolean>;
  listPolicies(): Promise<CustomerPolicyRecord[]>;
  deletePolicy(policyName: string): Promise<boolean>;
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
