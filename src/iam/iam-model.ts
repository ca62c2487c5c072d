/**
 * The IAM entities held in memory (loaded once from the store, changed through the service),
 * and the compiled identity policies of each user and role, rebuilt only when they change.
 */
import type {
  AccessKeyRecord,
  CustomerPolicyRecord,
  IamRoleRecord,
  IamUserRecord,
  PolicyOwner,
} from "../ports/iam-store.js";
import { compilePolicy, type CompiledPolicy } from "./evaluate.js";
import { managedPolicy } from "./managed-policies.js";
import { parsePolicy } from "./policy-document.js";

/** A user or role with its policies. */
export interface Holder {
  /** Inline policies by name (insertion order kept), as documents. */
  readonly inline: Map<string, string>;
  /** Attached managed policy ARNs, in order. */
  readonly attached: string[];
  /** Compiled inline + attached policies; undefined until first needed after a change. */
  compiled: readonly CompiledPolicy[] | undefined;
}

/** Case-insensitive key of a name, as IAM compares names. */
export const nameKey = (name: string): string => name.toLowerCase();

/** Everything IAM knows, in memory. */
export class IamModel {
  readonly users = new Map<string, { record: IamUserRecord; holder: Holder }>();
  readonly roles = new Map<string, { record: IamRoleRecord; holder: Holder }>();
  /** Access keys by id, with their opened secrets. */
  readonly keys = new Map<string, { record: AccessKeyRecord; secret: string }>();
  /** Customer managed policies by ARN. */
  readonly policies = new Map<string, CustomerPolicyRecord>();

  /** The user or role a policy belongs to. */
  holder(owner: PolicyOwner): Holder | undefined {
    return (owner.kind === "user" ? this.users : this.roles).get(nameKey(owner.name))?.holder;
  }

  /** The compiled identity policies of a holder (cached until its policies change). */
  policiesOf(h: Holder): readonly CompiledPolicy[] {
    if (h.compiled === undefined) {
      const docs: CompiledPolicy[] = [];
      for (const text of h.inline.values()) docs.push(compilePolicy(parsePolicy(text)));
      for (const arn of h.attached) {
        const managed = managedPolicy(arn);
        if (managed) docs.push(compilePolicy(parsePolicy(managed.document)));
        const customer = this.policies.get(arn);
        if (customer) docs.push(compilePolicy(parsePolicy(defaultDocument(customer))));
      }
      h.compiled = docs;
    }
    return h.compiled;
  }

  /** Forgets every holder's compiled policies (a customer managed policy changed or went). */
  recompileAll(): void {
    for (const u of this.users.values()) u.holder.compiled = undefined;
    for (const r of this.roles.values()) r.holder.compiled = undefined;
  }

  /** The users and roles a managed policy is attached to. */
  entitiesOf(policyArn: string): { users: IamUserRecord[]; roles: IamRoleRecord[] } {
    const users = [...this.users.values()].filter((u) => u.holder.attached.includes(policyArn));
    const roles = [...this.roles.values()].filter((r) => r.holder.attached.includes(policyArn));
    return { users: users.map((u) => u.record), roles: roles.map((r) => r.record) };
  }
}

/** The document of a customer managed policy's default version. */
export function defaultDocument(p: CustomerPolicyRecord): string {
  return p.versions.find((v) => v.versionId === p.defaultVersionId)?.document ?? "{}";
}

/** A holder with no policies. */
export function emptyHolder(): Holder {
  return { inline: new Map(), attached: [], compiled: undefined };
}
