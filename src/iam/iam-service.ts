/**
 * IAM-lite: users, access keys, roles and their policies, over the IamStore, held in memory so
 * that authenticating and authorizing a request never touches the store. Also the credential
 * lookup the API server authenticates with: the administrator key (the account root), users'
 * keys, and role-session keys minted for function instances.
 */
import { randomBytes } from "node:crypto";
import type { IamRoleRecord, IamStore, IamTag, IamUserRecord, PolicyOwner } from "../ports/iam-store.js";
import type { Clock } from "../shared/clock.js";
import { PlatformError } from "../shared/errors.js";
import { authorize, type IdentityPolicies } from "./authorize.js";
import { CustomerPolicies } from "./customer-policies.js";
import * as err from "./iam-errors.js";
import { emptyHolder, IamModel, nameKey, type Holder } from "./iam-model.js";
import { checkTags, mergeTags, withoutTags } from "./iam-tags.js";
import { managedPolicy } from "./managed-policies.js";
import { MalformedPolicyError, parsePolicy, type PolicyKind } from "./policy-document.js";
import { principalKeys, roleSession, rootPrincipal, type Principal } from "./principal.js";
import { RequestContext } from "./request-context.js";
import { SecretSealer, SessionKeys, type SessionCredentials } from "./secrets.js";

/** Who a key belongs to: its principal and identity policies. */
export interface KeyOwner {
  readonly accessKeyId: string;
  readonly principal: Principal;
  readonly policies: IdentityPolicies;
}

/** What the service is built from. */
export interface IamServiceOptions {
  readonly store: IamStore;
  readonly clock: Clock;
  readonly accountId: string;
  /** The node's secret: seals stored key secrets and derives instance keys. */
  readonly nodeSecret: string;
  /** The administrator key: the account root, allowed everything. */
  readonly admin: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Told after every change to users, keys, roles or policies (other nodes of a cluster re-read them). */
  readonly onChange?: (() => void) | undefined;
}

/** How long an instance key is valid (Lambda's role sessions last at most 12 hours). */
export const SESSION_LIFETIME_MS = 12 * 60 * 60 * 1000;
const MAX_KEYS_PER_USER = 2;
const KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** The IAM service. Create with `IamService.open`. */
export class IamService {
  model = new IamModel();
  /** The account's customer managed policies. */
  readonly policies: CustomerPolicies;
  readonly #o: IamServiceOptions;
  readonly #sealer: SecretSealer;
  readonly #sessions: SessionKeys;
  readonly #admin: KeyOwner;
  readonly #store: IamStore;
  /** Local writes: how many are under way and how many began (a reload that saw one reads again). */
  readonly #writes = { running: 0, begun: 0 };
  #reloading: Promise<void> | undefined;
  #reloadAgain = false;

  private constructor(o: IamServiceOptions) {
    this.#o = o;
    this.#sealer = new SecretSealer(o.nodeSecret);
    this.#sessions = new SessionKeys(o.nodeSecret);
    this.#admin = { accessKeyId: o.admin.accessKeyId, principal: rootPrincipal(o.accountId), policies: "all" };
    this.#store = tracking(o.store, this.#writes, o.onChange);
    this.policies = new CustomerPolicies({
      model: () => this.model,
      store: this.#store,
      clock: o.clock,
      accountId: o.accountId,
      newId,
      checkDocument: (text) => checkDocument(text, "identity"),
    });
  }

  /** Loads every user, key, role and policy from the store. */
  static async open(o: IamServiceOptions): Promise<IamService> {
    const s = new IamService(o);
    await s.reload();
    return s;
  }

  /**
   * Reads everything again from the store (another node changed it) and swaps it in at once:
   * requests see the old model or the new one, never half of one.
   */
  async reload(): Promise<void> {
    // One reload at a time; one asked for meanwhile runs once after it (it must see later writes).
    if (this.#reloading) {
      this.#reloadAgain = true;
      return this.#reloading;
    }
    this.#reloading = (async () => {
      try {
        do {
          this.#reloadAgain = false;
          this.model = await this.#read();
        } while (this.#reloadAgain);
      } finally {
        this.#reloading = undefined;
      }
    })();
    return this.#reloading;
  }

  /** A model read from the store, read again while a local write overlapped the reading. */
  async #read(): Promise<IamModel> {
    for (;;) {
      const begun = this.#writes.begun;
      const m = await this.#readOnce();
      if (this.#writes.running === 0 && this.#writes.begun === begun) return m;
      await new Promise((r) => setImmediate(r));
    }
  }

  async #readOnce(): Promise<IamModel> {
    const store = this.#store;
    const [users, roles, keys, inline, attachments, policies] = await Promise.all([
      store.listUsers(),
      store.listRoles(),
      store.listAccessKeys(),
      store.listInlinePolicies(),
      store.listAttachments(),
      store.listPolicies(),
    ]);
    const m = new IamModel();
    for (const u of users) m.users.set(nameKey(u.userName), { record: u, holder: emptyHolder() });
    for (const r of roles) m.roles.set(nameKey(r.roleName), { record: r, holder: emptyHolder() });
    for (const k of keys) {
      const secret = this.#sealer.open(k.sealedSecret);
      // A key sealed under another node secret cannot be used; it stays listed and deletable.
      m.keys.set(k.accessKeyId, { record: k, secret: secret ?? "" });
    }
    for (const p of inline) m.holder(p.owner)?.inline.set(p.policyName, p.document);
    for (const a of attachments) m.holder(a.owner)?.attached.push(a.policyArn);
    for (const p of policies) m.policies.set(this.policies.arnOf(p), p);
    return m;
  }

  get accountId(): string {
    return this.#o.accountId;
  }

  /**
   * The secret and owner of an access key (the session token for instance keys), for SigV4.
   * Undefined for a key the node does not hold; an expired session throws ExpiredTokenException.
   */
  lookup(accessKeyId: string, sessionToken: string | undefined): { secret: string; caller: KeyOwner } | undefined {
    if (accessKeyId === this.#o.admin.accessKeyId)
      return { secret: this.#o.admin.secretAccessKey, caller: this.#admin };
    if (accessKeyId.startsWith("ASIA")) return this.#session(accessKeyId, sessionToken);
    const key = this.model.keys.get(accessKeyId);
    if (key === undefined || key.record.status !== "Active" || key.secret === "") return undefined;
    const user = this.model.users.get(nameKey(key.record.userName));
    if (user === undefined) return undefined;
    const principal: Principal = {
      kind: "user",
      accountId: this.#o.accountId,
      arn: this.userArn(user.record),
      userName: user.record.userName,
      userId: user.record.userId,
    };
    return { secret: key.secret, caller: { accessKeyId, principal, policies: this.model.policiesOf(user.holder) } };
  }

  #session(accessKeyId: string, token: string | undefined): { secret: string; caller: KeyOwner } | undefined {
    if (token === undefined) return undefined;
    const opened = this.#sessions.open(accessKeyId, token);
    if (opened === undefined) return undefined;
    const { claims, secret } = opened;
    if (this.#o.clock.now() > claims.expiresAt) {
      throw new PlatformError("ERR_EXPIRED_TOKEN", "The security token included in the request is expired");
    }
    const role = this.model.roles.get(nameKey(claims.roleName));
    // A role deleted (and perhaps created again) ends its sessions; an unknown role can do nothing.
    const live = role !== undefined && role.record.roleId === claims.roleId;
    const principal = roleSession({
      accountId: this.#o.accountId,
      roleName: claims.roleName,
      roleId: claims.roleId,
      sessionName: claims.sessionName,
      rolePath: role?.record.path,
    });
    const policies = live ? this.model.policiesOf(role.holder) : [];
    return { secret, caller: { accessKeyId, principal, policies } };
  }

  /**
   * Credentials of a session of the role `roleArn` (a function's execution role), named
   * `sessionName`. A role this node does not know gets a session that may do nothing.
   */
  sessionCredentials(roleArn: string | undefined, sessionName: string): SessionCredentials & { expiresAt: number } {
    const roleName = roleArn?.slice(roleArn.lastIndexOf("/") + 1) ?? "";
    const role = this.model.roles.get(nameKey(roleName));
    const expiresAt = this.#o.clock.now() + SESSION_LIFETIME_MS;
    const claims = { roleName, roleId: role?.record.roleId ?? "", sessionName, expiresAt };
    return { ...this.#sessions.mint(claims), expiresAt };
  }

  /**
   * Whether a session of the role `roleArn` may perform `action` on `resource` by the role's
   * identity policies: what Lambda checks before it sends to a function's DLQ or destination
   * (sqs:SendMessage, sns:Publish, …). A role this node does not know may do nothing.
   */
  rolePermits(roleArn: string | undefined, request: { action: string; resource: string }): boolean {
    const roleName = roleArn?.slice(roleArn.lastIndexOf("/") + 1) ?? "";
    const role = this.model.roles.get(nameKey(roleName));
    if (role === undefined || roleArn !== this.roleArn(role.record)) return false;
    const principal = roleSession({
      accountId: this.#o.accountId,
      roleName: role.record.roleName,
      roleId: role.record.roleId,
      sessionName: "lambda",
      rolePath: role.record.path,
    });
    const context = new RequestContext(principalKeys(principal));
    return authorize({ ...request, principal, context }, this.model.policiesOf(role.holder)).allowed;
  }

  userArn(u: IamUserRecord): string {
    return `arn:aws:iam::${this.#o.accountId}:user${u.path}${u.userName}`;
  }

  roleArn(r: IamRoleRecord): string {
    return `arn:aws:iam::${this.#o.accountId}:role${r.path}${r.roleName}`;
  }

  // --- users and keys -------------------------------------------------------------------------

  async createUser(userName: string, path = "/"): Promise<IamUserRecord> {
    err.checkName(userName, "userName", 64);
    const record: IamUserRecord = { userName, userId: newId("AIDA"), path, createdAt: this.#o.clock.now() };
    if (this.model.users.has(nameKey(userName)) || !(await this.#store.insertUser(record)))
      throw err.exists("User", userName);
    this.model.users.set(nameKey(userName), { record, holder: emptyHolder() });
    return record;
  }

  user(userName: string): { record: IamUserRecord; holder: Holder } {
    const u = this.model.users.get(nameKey(err.checkName(userName, "userName", 128)));
    if (u === undefined) throw err.noSuchUser(userName);
    return u;
  }

  async deleteUser(userName: string): Promise<void> {
    const { record, holder } = this.user(userName);
    if ([...this.model.keys.values()].some((k) => nameKey(k.record.userName) === nameKey(record.userName))) {
      throw err.deleteConflict("delete access keys");
    }
    if (holder.inline.size > 0) throw err.deleteConflict("delete policies");
    if (holder.attached.length > 0) throw err.deleteConflict("detach all policies");
    await this.#store.deleteUser(record.userName);
    this.model.users.delete(nameKey(record.userName));
  }

  async createAccessKey(
    userName: string,
  ): Promise<{ accessKeyId: string; secretAccessKey: string; createDate: number; userName: string }> {
    const { record: user } = this.user(userName);
    const owned = [...this.model.keys.values()].filter((k) => nameKey(k.record.userName) === nameKey(user.userName));
    if (owned.length >= MAX_KEYS_PER_USER) {
      throw new PlatformError(
        "ERR_IAM_LIMIT_EXCEEDED",
        `Cannot exceed quota for AccessKeysPerUser: ${MAX_KEYS_PER_USER}`,
      );
    }
    const accessKeyId = newId("AKIA");
    const secretAccessKey = randomBytes(30).toString("base64");
    const record = {
      accessKeyId,
      userName: user.userName,
      status: "Active" as const,
      createdAt: this.#o.clock.now(),
      sealedSecret: this.#sealer.seal(secretAccessKey),
    };
    await this.#store.insertAccessKey(record);
    this.model.keys.set(accessKeyId, { record, secret: secretAccessKey });
    return { accessKeyId, secretAccessKey, createDate: record.createdAt, userName: user.userName };
  }

  accessKeysOf(userName: string) {
    const { record: user } = this.user(userName);
    return [...this.model.keys.values()]
      .filter((k) => nameKey(k.record.userName) === nameKey(user.userName))
      .map((k) => k.record);
  }

  async deleteAccessKey(userName: string, accessKeyId: string): Promise<void> {
    const { record: user } = this.user(userName);
    const key = this.model.keys.get(accessKeyId);
    if (key === undefined || nameKey(key.record.userName) !== nameKey(user.userName)) throw err.noSuchKey(accessKeyId);
    await this.#store.deleteAccessKey(key.record.userName, accessKeyId);
    this.model.keys.delete(accessKeyId);
  }

  // --- roles ----------------------------------------------------------------------------------

  async createRole(o: {
    roleName: string;
    trustPolicy: string;
    path?: string;
    description?: string;
    maxSessionDuration?: number;
    tags?: readonly IamTag[];
  }): Promise<IamRoleRecord> {
    err.checkName(o.roleName, "roleName", 64);
    checkDocument(o.trustPolicy, "trust");
    const tags = checkTags(o.tags ?? []);
    const record: IamRoleRecord = {
      roleName: o.roleName,
      roleId: newId("AROA"),
      path: o.path ?? "/",
      createdAt: this.#o.clock.now(),
      assumeRolePolicyDocument: o.trustPolicy,
      description: o.description,
      maxSessionDuration: o.maxSessionDuration ?? 3600,
      ...(tags.length > 0 ? { tags } : {}),
    };
    if (this.model.roles.has(nameKey(o.roleName)) || !(await this.#store.insertRole(record)))
      throw err.exists("Role", o.roleName);
    this.model.roles.set(nameKey(o.roleName), { record, holder: emptyHolder() });
    return record;
  }

  role(roleName: string): { record: IamRoleRecord; holder: Holder } {
    const r = this.model.roles.get(nameKey(err.checkName(roleName, "roleName", 64)));
    if (r === undefined) throw err.noSuchRole(roleName);
    return r;
  }

  async deleteRole(roleName: string): Promise<void> {
    const { record, holder } = this.role(roleName);
    if (holder.inline.size > 0) throw err.deleteConflict("delete policies");
    if (holder.attached.length > 0) throw err.deleteConflict("detach all policies");
    await this.#store.deleteRole(record.roleName);
    this.model.roles.delete(nameKey(record.roleName));
  }

  /** Adds tags to a role (a key already there takes the new value). */
  async tagRole(roleName: string, tags: readonly IamTag[]): Promise<void> {
    const { record } = this.role(roleName);
    await this.#replaceRole({ ...record, tags: mergeTags(record.tags ?? [], tags) });
  }

  /** Removes tags of a role by key. */
  async untagRole(roleName: string, keys: readonly string[]): Promise<void> {
    const { record } = this.role(roleName);
    await this.#replaceRole({ ...record, tags: withoutTags(record.tags ?? [], keys) });
  }

  async #replaceRole(next: IamRoleRecord): Promise<void> {
    if (!(await this.#store.updateRole(next))) throw err.noSuchRole(next.roleName);
    const entry = this.model.roles.get(nameKey(next.roleName));
    if (entry) this.model.roles.set(nameKey(next.roleName), { record: next, holder: entry.holder });
  }

  // --- policies of users and roles ------------------------------------------------------------

  #owner(kind: "user" | "role", name: string): { owner: PolicyOwner; holder: Holder } {
    const found = kind === "user" ? this.user(name) : this.role(name);
    const ownerName = "userName" in found.record ? found.record.userName : found.record.roleName;
    return { owner: { kind, name: ownerName }, holder: found.holder };
  }

  async putInlinePolicy(kind: "user" | "role", name: string, policyName: string, document: string): Promise<void> {
    const { owner, holder } = this.#owner(kind, name);
    err.checkName(policyName, "policyName", 128);
    checkDocument(document, "identity");
    await this.#store.putInlinePolicy({ owner, policyName, document });
    holder.inline.set(policyName, document);
    holder.compiled = undefined;
  }

  inlinePolicy(kind: "user" | "role", name: string, policyName: string): string {
    const { holder } = this.#owner(kind, name);
    const doc = holder.inline.get(policyName);
    if (doc === undefined) throw err.noSuchInline(kind, policyName);
    return doc;
  }

  inlinePolicyNames(kind: "user" | "role", name: string): string[] {
    return [...this.#owner(kind, name).holder.inline.keys()];
  }

  async deleteInlinePolicy(kind: "user" | "role", name: string, policyName: string): Promise<void> {
    const { owner, holder } = this.#owner(kind, name);
    if (!holder.inline.has(policyName)) throw err.noSuchInline(kind, policyName);
    await this.#store.deleteInlinePolicy(owner, policyName);
    holder.inline.delete(policyName);
    holder.compiled = undefined;
  }

  async attachPolicy(kind: "user" | "role", name: string, policyArn: string): Promise<void> {
    const { owner, holder } = this.#owner(kind, name);
    if (managedPolicy(policyArn)?.arn !== policyArn && !this.model.policies.has(policyArn))
      throw err.noSuchManaged(policyArn);
    if (await this.#store.attachPolicy(owner, policyArn)) holder.attached.push(policyArn);
    holder.compiled = undefined;
  }

  async detachPolicy(kind: "user" | "role", name: string, policyArn: string): Promise<void> {
    const { owner, holder } = this.#owner(kind, name);
    const i = holder.attached.indexOf(policyArn);
    if (i < 0) throw err.notAttached(policyArn);
    await this.#store.detachPolicy(owner, policyArn);
    holder.attached.splice(i, 1);
    holder.compiled = undefined;
  }

  attachedPolicies(kind: "user" | "role", name: string): string[] {
    return [...this.#owner(kind, name).holder.attached];
  }
}

/** Refuses a document IAM would refuse, with MalformedPolicyDocument. */
function checkDocument(text: string, kind: PolicyKind): void {
  try {
    parsePolicy(text, kind);
  } catch (e) {
    if (e instanceof MalformedPolicyError) throw new PlatformError("ERR_IAM_MALFORMED_POLICY", e.message);
    throw e;
  }
}

/** An IAM-style id: prefix + 16 (AKIA/ASIA) or 17 (AIDA/AROA) base32 characters. */
function newId(prefix: string): string {
  const length = prefix === "AKIA" ? 16 : 17;
  let id = prefix;
  for (const b of randomBytes(length)) id += KEY_ALPHABET[b & 31];
  return id;
}

/**
 * `store`, counting its writes in `writes` (a reload under way reads again) and telling `onChange`
 * after each write has been made (reads pass through).
 */
function tracking(
  store: IamStore,
  writes: { running: number; begun: number },
  onChange: (() => void) | undefined,
): IamStore {
  const after = <T>(write: () => Promise<T>): Promise<T> => {
    writes.running++;
    writes.begun++;
    return write().then(
      (v) => {
        writes.running--;
        onChange?.();
        return v;
      },
      (e: unknown) => {
        writes.running--;
        throw e;
      },
    );
  };
  return {
    insertUser: (u) => after(() => store.insertUser(u)),
    listUsers: () => store.listUsers(),
    deleteUser: (n) => after(() => store.deleteUser(n)),
    insertRole: (r) => after(() => store.insertRole(r)),
    listRoles: () => store.listRoles(),
    deleteRole: (n) => after(() => store.deleteRole(n)),
    updateRole: (r) => after(() => store.updateRole(r)),
    insertPolicy: (p) => after(() => store.insertPolicy(p)),
    updatePolicy: (p) => after(() => store.updatePolicy(p)),
    listPolicies: () => store.listPolicies(),
    deletePolicy: (n) => after(() => store.deletePolicy(n)),
    insertAccessKey: (k) => after(() => store.insertAccessKey(k)),
    listAccessKeys: () => store.listAccessKeys(),
    deleteAccessKey: (u, k) => after(() => store.deleteAccessKey(u, k)),
    putInlinePolicy: (p) => after(() => store.putInlinePolicy(p)),
    listInlinePolicies: () => store.listInlinePolicies(),
    deleteInlinePolicy: (o, n) => after(() => store.deleteInlinePolicy(o, n)),
    attachPolicy: (o, a) => after(() => store.attachPolicy(o, a)),
    listAttachments: () => store.listAttachments(),
    detachPolicy: (o, a) => after(() => store.detachPolicy(o, a)),
    close: () => store.close(),
  };
}
