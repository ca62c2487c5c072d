/**
 * Resource-based policies (AddPermission, RemovePermission, GetPolicy) with AWS's statement form
 * and messages. Policies belong to the function or to one version or alias; changing one gives
 * the function (or the alias) a new RevisionId, as on AWS. haneul records and returns them; it has
 * no IAM, so they do not decide who may invoke (every signed caller may).
 */
import type { PolicyChangeResult } from "../ports/store.js";
import { PlatformError } from "../shared/errors.js";
import { functionArn } from "./arn.js";
import type { FunctionEntry } from "./catalog.js";
import { type ControlContext, functionNotFound, newRevision, revisionMismatch, writeLocked } from "./context.js";
import { isVersionNumber, mergeQualifier, parseFunctionRef } from "./names.js";
import type { Json } from "./types.js";
import { Violations } from "./violations.js";

export interface AddPermissionInput {
  StatementId?: string | undefined;
  Action?: string | undefined;
  Principal?: string | undefined;
  SourceArn?: string | undefined;
  SourceAccount?: string | undefined;
  EventSourceToken?: string | undefined;
  RevisionId?: string | undefined;
  PrincipalOrgID?: string | undefined;
  FunctionUrlAuthType?: string | undefined;
  /** The statement applies only to calls made through a function URL (`lambda:InvokedViaFunctionUrl`). */
  InvokedViaFunctionUrl?: boolean | undefined;
}

const SID_RE = /^[a-zA-Z0-9-_]+$/;
const ACTION_RE = /^(lambda:[*]|lambda:[a-zA-Z]+|[*])$/;
const SERVICE_RE = /^[a-zA-Z0-9.-]+\.amazonaws\.com(\.cn)?$/;
const IAM_ARN_RE = /^arn:aws[a-zA-Z-]*:iam::\d{12}:\S+$/;

const noSuchPolicy = () => new PlatformError("ERR_RESOURCE_NOT_FOUND", "The resource you requested does not exist.");
const aliasNotFound = (ctx: ControlContext, name: string, alias: string) =>
  new PlatformError("ERR_RESOURCE_NOT_FOUND", `Cannot find alias arn: ${functionArn(ctx, name, alias)}`);

/**
 * The function and qualifier a policy call names: `qualifier` is "" for the function itself (no
 * qualifier, or `$LATEST`), `given` the qualifier as the caller wrote it.
 */
function target(
  ctx: ControlContext,
  rawName: string,
  query: string | undefined,
): { name: string; qualifier: string; given: string | undefined } {
  const ref = parseFunctionRef(rawName, ctx);
  const given = mergeQualifier(ref, query);
  return { name: ref.name, qualifier: given === undefined || given === "$LATEST" ? "" : given, given };
}

/** The RevisionId of the function (`""`), a version or an alias; undefined when it does not exist. */
export function revisionOf(entry: FunctionEntry, qualifier: string): string | undefined {
  if (qualifier === "") return entry.latest.revisionId;
  if (isVersionNumber(qualifier)) {
    return String(Number(qualifier)) === qualifier ? entry.versions.get(Number(qualifier))?.revisionId : undefined;
  }
  return entry.aliases.get(qualifier)?.revisionId;
}

/** IAM's form of a principal: a service, an account (as its root), an ARN, or everyone. */
function principalOf(p: string): string | Record<string, string> {
  if (p === "*") return "*";
  if (/^\d{12}$/.test(p)) return { AWS: `arn:aws:iam::${p}:root` };
  if (IAM_ARN_RE.test(p)) return { AWS: p };
  if (SERVICE_RE.test(p)) return { Service: p };
  throw new PlatformError(
    "ERR_INVALID_PARAMETER",
    "The provided principal was invalid. Please check the principal and try again.",
  );
}

/** The statement as AWS writes it: keys and condition operators in AWS's order. */
function statementOf(input: AddPermissionInput, resource: string): Record<string, unknown> {
  const equals: Record<string, string> = {};
  if (input.FunctionUrlAuthType !== undefined) equals["lambda:FunctionUrlAuthType"] = input.FunctionUrlAuthType;
  if (input.PrincipalOrgID !== undefined) equals["aws:PrincipalOrgID"] = input.PrincipalOrgID;
  if (input.SourceAccount !== undefined) equals["AWS:SourceAccount"] = input.SourceAccount;
  if (input.EventSourceToken !== undefined) equals["lambda:EventSourceToken"] = input.EventSourceToken;
  const condition: Record<string, Record<string, string>> = {};
  if (Object.keys(equals).length > 0) condition["StringEquals"] = equals;
  if (input.SourceArn !== undefined) condition["ArnLike"] = { "AWS:SourceArn": input.SourceArn };
  if (input.InvokedViaFunctionUrl === true) condition["Bool"] = { "lambda:InvokedViaFunctionUrl": "true" };
  const statement: Record<string, unknown> = {
    Sid: input.StatementId,
    Effect: "Allow",
    Principal: principalOf(input.Principal as string),
    Action: input.Action,
    Resource: resource,
  };
  if (Object.keys(condition).length > 0) statement["Condition"] = condition;
  return statement;
}

function checkAdd(input: AddPermissionInput): void {
  const v = new Violations();
  v.required(input.StatementId, "statementId");
  v.required(input.Action, "action");
  v.required(input.Principal, "principal");
  v.maxLength(input.StatementId, "statementId", 100);
  v.pattern(input.StatementId, "statementId", SID_RE, "([a-zA-Z0-9-_]+)");
  v.pattern(input.Action, "action", ACTION_RE, "(lambda:[*]|lambda:[a-zA-Z]+|[*])");
  v.oneOf(input.FunctionUrlAuthType, "functionUrlAuthType", ["NONE", "AWS_IAM"]);
  v.throwIfAny();
}

/** Applies a store change and mirrors the new RevisionId in memory. */
async function change(
  ctx: ControlContext,
  entry: FunctionEntry,
  c: { qualifier: string; sid: string; statement?: string; expectedRevisionId?: string | undefined },
): Promise<PolicyChangeResult> {
  const name = entry.latest.name;
  const newRevisionId = newRevision(ctx);
  const result = await ctx.store.changePolicy({ functionName: name, newRevisionId, ...c });
  if (result !== "ok") return result;
  const alias = entry.aliases.get(c.qualifier);
  if (c.qualifier === "") entry.latest = { ...entry.latest, revisionId: newRevisionId };
  else if (alias) entry.aliases.set(c.qualifier, { ...alias, revisionId: newRevisionId });
  return result;
}

/** AddPermission: one statement in the policy of the function, a version or an alias. */
export async function addPermission(
  ctx: ControlContext,
  rawName: string,
  query: string | undefined,
  input: AddPermissionInput,
): Promise<Json> {
  const { name, qualifier, given } = target(ctx, rawName, query);
  if (given === "$LATEST") {
    throw new PlatformError("ERR_INVALID_PARAMETER", "We currently do not support adding policies for $LATEST.");
  }
  checkAdd(input);
  return writeLocked(ctx, name, async () => {
    const entry = ctx.catalog.entry(name);
    if (!entry) throw functionNotFound(ctx, name);
    const current = revisionOf(entry, qualifier);
    if (current === undefined) {
      throw isVersionNumber(qualifier) ? functionNotFound(ctx, name, qualifier) : aliasNotFound(ctx, name, qualifier);
    }
    const statement = statementOf(input, functionArn(ctx, name, qualifier || undefined));
    if (input.RevisionId !== undefined && input.RevisionId !== current) throw revisionMismatch();
    const text = JSON.stringify(statement);
    const sid = input.StatementId as string;
    const result = await change(ctx, entry, {
      qualifier,
      sid,
      statement: text,
      expectedRevisionId: input.RevisionId,
    });
    if (result === "exists") {
      throw new PlatformError(
        "ERR_RESOURCE_CONFLICT",
        `The statement id (${sid}) provided already exists. Please provide a new statement id, or remove the existing statement.`,
      );
    }
    if (result === "conflict") throw revisionMismatch();
    if (result === "not-found") throw functionNotFound(ctx, name, qualifier || undefined);
    return { Statement: text };
  });
}

/** GetPolicy: the whole policy, with the RevisionId of the function, version or alias it belongs to. */
export async function getPolicy(ctx: ControlContext, rawName: string, query: string | undefined): Promise<Json> {
  const { name, qualifier } = target(ctx, rawName, query);
  const entry = ctx.catalog.entry(name);
  if (!entry) throw functionNotFound(ctx, name);
  const revisionId = revisionOf(entry, qualifier);
  if (revisionId === undefined) throw noSuchPolicy();
  const statements = await ctx.store.listPolicyStatements(name, qualifier);
  if (statements.length === 0) throw noSuchPolicy();
  const policy = `{"Version":"2012-10-17","Id":"default","Statement":[${statements.map((s) => s.statement).join(",")}]}`;
  return { Policy: policy, RevisionId: revisionId };
}

/** RemovePermission: drops one statement; the policy goes away with its last one. */
export async function removePermission(
  ctx: ControlContext,
  rawName: string,
  sid: string,
  query: { qualifier?: string | undefined; revisionId?: string | undefined },
): Promise<void> {
  const { name, qualifier } = target(ctx, rawName, query.qualifier);
  await writeLocked(ctx, name, async () => {
    const entry = ctx.catalog.entry(name);
    if (!entry) {
      throw new PlatformError("ERR_RESOURCE_NOT_FOUND", `No policy found for: ${functionArn(ctx, name)}`);
    }
    const current = revisionOf(entry, qualifier);
    if (current === undefined) {
      if (!isVersionNumber(qualifier)) throw aliasNotFound(ctx, name, qualifier);
      throw new PlatformError("ERR_RESOURCE_NOT_FOUND", `No policy found for: ${functionArn(ctx, name, qualifier)}`);
    }
    if (query.revisionId !== undefined && query.revisionId !== current) throw revisionMismatch();
    const statements = await ctx.store.listPolicyStatements(name, qualifier);
    if (statements.length === 0) {
      throw new PlatformError("ERR_RESOURCE_NOT_FOUND", "No policy is associated with the given resource.");
    }
    const result = await change(ctx, entry, { qualifier, sid, expectedRevisionId: query.revisionId });
    if (result === "no-statement") {
      throw new PlatformError("ERR_RESOURCE_NOT_FOUND", `Statement ${sid} is not found in resource policy.`);
    }
    if (result === "conflict") throw revisionMismatch();
    if (result === "not-found") throw noSuchPolicy();
  });
}
