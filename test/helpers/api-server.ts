/** Plumbing for tests of the API server alone: an administrator key and operations that need no IAM. */
import type { CredentialLookup } from "../../src/api/sigv4.js";
import type { Caller, Operation } from "../../src/api/types.js";
import { rootPrincipal } from "../../src/iam/index.js";

/** Accepts one key, as the account's administrator (allowed everything). */
export function adminKey(accessKeyId: string, secret: string, accountId = "123456789012"): CredentialLookup<Caller> {
  const caller: Caller = { accessKeyId, principal: rootPrincipal(accountId), policies: "all" };
  return (id) => (id === accessKeyId ? { secret, caller } : undefined);
}

/** An operation signed for `lambda` that needs `lambda:<name>` on `*`. */
export function lambdaOp(op: Omit<Operation, "service" | "access">): Operation {
  return { service: "lambda", access: () => ({ action: `lambda:${op.name}`, resource: "*" }), ...op };
}
