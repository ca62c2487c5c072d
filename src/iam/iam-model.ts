/**
 * The IAM entities held in memory (loaded once from the store, changed through the service),
 * and the compiled identity policies of each user and role, rebuilt only when they change.
 */
import type { AccessKeyRecord, IamRoleRecord, IamUserRecord, PolicyOwner } from "../ports/iam-store.js";
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
      }
      h.compiled = docs;
    }
    return h.compiled;
  }
}

/** A holder with no policies. */
export function emptyHolder(): Holder {
  return { inline: new Map(), attached: [], compiled: undefined };
}
