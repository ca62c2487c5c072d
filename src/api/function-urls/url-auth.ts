/**
 * Who may call a function URL, as Lambda decides it. AWS_IAM: the request is signed (SigV4,
 * service `lambda`) with a key of the node's IAM, and `lambda:InvokeFunctionUrl` on the function
 * (or alias) is allowed by the caller's policies or the function's resource-based policy. NONE:
 * the resource-based policy must allow `lambda:InvokeFunctionUrl` to everyone with
 * `lambda:FunctionUrlAuthType` NONE (what `add-permission --function-url-auth-type NONE` adds).
 */
import type { IncomingMessage } from "node:http";
import {
  authorize,
  compilePolicy,
  parsePolicy,
  RequestContext,
  type CompiledPolicy,
  type Principal,
} from "../../iam/index.js";
import { isPlatformError } from "../../shared/errors.js";
import { beginSigV4, sha256Hex, type CredentialLookup, type PendingSignature } from "../sigv4.js";
import type { Caller } from "../types.js";
import type { IamCaller } from "./url-event.js";

const ANONYMOUS: Principal = { kind: "root", accountId: "anonymous", arn: "anonymous" };

/** The target a URL invokes and its resource-based policy (compiled; undefined when it has none). */
export interface UrlTarget {
  readonly functionArn: string;
  readonly authType: "NONE" | "AWS_IAM";
  readonly policy: CompiledPolicy | undefined;
}

/** Compiles a resource-based policy's text (GetPolicy's `Policy`). */
export function compileResourcePolicy(text: string | undefined): CompiledPolicy | undefined {
  return text === undefined ? undefined : compilePolicy(parsePolicy(text, "resource"));
}

function allowed(t: UrlTarget, principal: Principal, identity: readonly CompiledPolicy[] | "all"): boolean {
  const context = new RequestContext({ "lambda:FunctionUrlAuthType": t.authType });
  const request = { action: "lambda:InvokeFunctionUrl", resource: t.functionArn, principal, context };
  return authorize(request, identity, t.policy).allowed;
}

/** NONE: whether the resource-based policy lets everyone call the URL. */
export function publicAccessAllowed(t: UrlTarget): boolean {
  return t.policy !== undefined && allowed(t, ANONYMOUS, []);
}

/** The header phase of an AWS_IAM request's signature; undefined when it is missing or wrong. */
export function beginIamSignature(
  req: IncomingMessage,
  o: { credentials: CredentialLookup<Caller>; now: number; regions: ReadonlySet<string> },
): PendingSignature<Caller> | undefined {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const head = {
    method: req.method ?? "GET",
    path: q < 0 ? url : url.slice(0, q),
    query: q < 0 ? "" : url.slice(q + 1),
    headers: req.headers,
  };
  try {
    const pending = beginSigV4(head, o.credentials, { now: o.now, scope: { service: "lambda", regions: o.regions } });
    // A declared body hash lets the signature be checked before the body is read.
    if (pending.declaredHash !== undefined) pending.verify(pending.declaredHash);
    return pending;
  } catch (e) {
    if (isPlatformError(e)) return undefined;
    throw e;
  }
}

/** Checks the body against the signature and the caller's access; the caller as the event shows it, or undefined. */
export function finishIamSignature(
  pending: PendingSignature<Caller>,
  body: Buffer,
  t: UrlTarget,
): IamCaller | undefined {
  try {
    pending.verify(sha256Hex(body));
  } catch (e) {
    if (isPlatformError(e)) return undefined;
    throw e;
  }
  const { principal, policies } = pending.caller;
  if (!allowed(t, principal, policies)) return undefined;
  return iamCaller(pending.accessKeyId, principal);
}

function iamCaller(accessKey: string, p: Principal): IamCaller {
  if (p.kind === "service") return { accessKey, accountId: "", callerId: p.service, userArn: p.arn, userId: p.service };
  const id = p.kind === "user" ? p.userId : p.kind === "assumed-role" ? `${p.roleId}:${p.sessionName}` : p.accountId;
  return { accessKey, accountId: p.accountId, callerId: id, userArn: p.arn, userId: id };
}
