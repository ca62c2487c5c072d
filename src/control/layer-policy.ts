/**
 * A layer version's resource-based policy: AddLayerVersionPermission, GetLayerVersionPolicy and
 * RemoveLayerVersionPermission. The API evaluates it for GetLayerVersion by callers whose own
 * policies do not allow the call (api/lambda/layer-operations.ts), as for a function's policy.
 */
import { PlatformError } from "../shared/errors.js";
import { type LayerContext, layerNameOf, layerVersionArn, requireLayerVersion } from "./layer-versions.js";
import type { Json } from "./types.js";
import { Violations } from "./violations.js";

export interface AddLayerVersionPermissionInput {
  StatementId?: string | undefined;
  Action?: string | undefined;
  Principal?: string | undefined;
  OrganizationId?: string | undefined;
}

interface Statement {
  Sid: string;
  Effect: "Allow";
  Principal: "*" | { AWS: string };
  Action: string;
  Resource: string;
  Condition?: Record<string, Record<string, string>>;
}

interface PolicyDocument {
  Version: "2012-10-17";
  Id: "default";
  Statement: Statement[];
}

const PRINCIPAL = /^(?:\d{12}|\*|arn:(aws[a-zA-Z-]*):iam::\d{12}:root)$/;

function checkAdd(input: AddLayerVersionPermissionInput): void {
  const v = new Violations();
  v.required(input.StatementId, "statementId");
  v.required(input.Action, "action");
  v.required(input.Principal, "principal");
  v.maxLength(input.StatementId, "statementId", 100);
  v.pattern(input.StatementId, "statementId", /^[a-zA-Z0-9-_]+$/, "([a-zA-Z0-9-_]+)");
  v.maxLength(input.Action, "action", 22);
  v.pattern(input.Action, "action", /^lambda:GetLayerVersion$/, "lambda:GetLayerVersion");
  v.pattern(input.Principal, "principal", PRINCIPAL, "\\d{12}|\\*|arn:(aws[a-zA-Z-]*):iam::\\d{12}:root");
  v.maxLength(input.OrganizationId, "organizationId", 34);
  v.pattern(input.OrganizationId, "organizationId", /^o-[a-z0-9]{10,32}$/, "o-[a-z0-9]{10,32}");
  v.throwIfAny();
}

function mismatch(): PlatformError {
  return new PlatformError(
    "ERR_PRECONDITION_FAILED",
    "The Revision Id provided does not match the latest Revision Id. Call the GetLayerPolicy API to retrieve the latest Revision Id",
  );
}

function documentOf(text: string | undefined): PolicyDocument {
  return text === undefined
    ? { Version: "2012-10-17", Id: "default", Statement: [] }
    : (JSON.parse(text) as PolicyDocument);
}

/** AddLayerVersionPermission: one more statement allowing `lambda:GetLayerVersion`. */
export async function addLayerVersionPermission(
  ctx: LayerContext,
  ref: { layerName: string; version: number; revisionId?: string | undefined },
  input: AddLayerVersionPermissionInput,
): Promise<Json> {
  checkAdd(input);
  const name = layerNameOf(ctx, ref.layerName);
  const record = await requireLayerVersion(ctx, name, ref.version);
  if (ref.revisionId !== undefined && ref.revisionId !== record.revisionId) throw mismatch();
  const doc = documentOf(record.policy);
  const sid = input.StatementId as string;
  if (doc.Statement.some((s) => s.Sid === sid)) {
    throw new PlatformError(
      "ERR_RESOURCE_CONFLICT",
      `The statement id (${sid}) provided already exists. Please provide a new statement id, or remove the existing statement.`,
    );
  }
  const principal = input.Principal as string;
  const statement: Statement = {
    Sid: sid,
    Effect: "Allow",
    Principal:
      principal === "*" ? "*" : { AWS: /^\d{12}$/.test(principal) ? `arn:aws:iam::${principal}:root` : principal },
    Action: input.Action as string,
    Resource: layerVersionArn(ctx, record),
    ...(input.OrganizationId !== undefined && {
      Condition: { StringEquals: { "aws:PrincipalOrgID": input.OrganizationId } },
    }),
  };
  doc.Statement.push(statement);
  const revisionId = ctx.ids.requestId();
  const change = { policy: JSON.stringify(doc), expectedRevision: record.revisionId, revisionId };
  if (!(await ctx.layers.setPolicy(name, record.version, change))) throw mismatch();
  return { Statement: JSON.stringify(statement), RevisionId: revisionId };
}

/** GetLayerVersionPolicy. */
export async function getLayerVersionPolicy(ctx: LayerContext, rawName: string, version: number): Promise<Json> {
  const record = await requireLayerVersion(ctx, layerNameOf(ctx, rawName), version);
  if (record.policy === undefined) {
    throw new PlatformError("ERR_RESOURCE_NOT_FOUND", "No policy is associated with the given resource.");
  }
  return { Policy: record.policy, RevisionId: record.revisionId };
}

/** RemoveLayerVersionPermission. */
export async function removeLayerVersionPermission(
  ctx: LayerContext,
  ref: { layerName: string; version: number; revisionId?: string | undefined },
  statementId: string,
): Promise<void> {
  const name = layerNameOf(ctx, ref.layerName);
  const record = await requireLayerVersion(ctx, name, ref.version);
  if (ref.revisionId !== undefined && ref.revisionId !== record.revisionId) throw mismatch();
  const doc = documentOf(record.policy);
  const rest = doc.Statement.filter((s) => s.Sid !== statementId);
  if (rest.length === doc.Statement.length) {
    throw new PlatformError("ERR_RESOURCE_NOT_FOUND", `Statement ${statementId} is not found in resource policy.`);
  }
  const policy = rest.length === 0 ? undefined : JSON.stringify({ ...doc, Statement: rest });
  const change = { policy, expectedRevision: record.revisionId, revisionId: ctx.ids.requestId() };
  if (!(await ctx.layers.setPolicy(name, record.version, change))) throw mismatch();
}
