/**
 * The managed policy actions: customer managed policies (made, versioned, tagged, deleted) and the
 * AWS managed ones haneul knows (read only), as IAM answers them; and role tags.
 */
import type { IamService } from "../../iam/index.js";
import { managedPolicy, MANAGED_POLICIES } from "../../iam/index.js";
import type { CustomerPolicyRecord, IamTag } from "../../ports/iam-store.js";
import { PlatformError } from "../../shared/errors.js";
import type { IamHandler } from "./handlers.js";
import { isoDate, required, type XmlValue } from "./wire.js";

/** A managed policy as ListPolicies and GetPolicy show it, AWS's or the account's. */
interface PolicyView {
  readonly name: string;
  readonly arn: string;
  readonly path: string;
  readonly policyId: string;
  readonly defaultVersionId: string;
  readonly description: string | undefined;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly tags: readonly IamTag[];
  readonly customer: boolean;
}

/** When AWS made the managed policies (their documents are those of the default versions). */
const AWS_POLICY_DATE = Date.parse("2015-02-06T18:39:46Z");
const ARN_RE = /^arn:aws:iam::(\d{12}|aws):policy\/(.+\/)?[\w+=,.@-]+$/;
const VERSION_RE = /^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$/;
const DEFAULT_MAX_ITEMS = 100;

const customerView = (iam: IamService, p: CustomerPolicyRecord): PolicyView => ({
  name: p.policyName,
  arn: iam.policies.arnOf(p),
  path: p.path,
  policyId: p.policyId,
  defaultVersionId: p.defaultVersionId,
  description: p.description,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
  tags: p.tags,
  customer: true,
});

function awsViews(): PolicyView[] {
  return [...MANAGED_POLICIES.values()].map((p) => ({
    ...{ name: p.name, arn: p.arn, path: p.path, policyId: p.policyId, defaultVersionId: p.defaultVersionId },
    ...{
      description: p.description,
      createdAt: AWS_POLICY_DATE,
      updatedAt: AWS_POLICY_DATE,
      tags: [],
      customer: false,
    },
  }));
}

/** The ARN a request names; one that is not a policy ARN is IAM's InvalidInput. */
function policyArn(f: URLSearchParams): string {
  const arn = required(f, "PolicyArn");
  if (!ARN_RE.test(arn)) throw new PlatformError("ERR_IAM_INVALID_INPUT", `ARN ${arn} is not valid.`);
  return arn;
}

function versionId(f: URLSearchParams): string {
  const v = required(f, "VersionId");
  if (!VERSION_RE.test(v)) {
    throw new PlatformError(
      "ERR_IAM_VALIDATION",
      `1 validation error detected: Value '${v}' at 'versionId' failed to satisfy constraint: Member must satisfy regular expression pattern: v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?`,
    );
  }
  return v;
}

/** The policy an ARN names, AWS managed or the account's; NoSuchEntity when neither. */
function viewOf(iam: IamService, arn: string): PolicyView {
  const aws = managedPolicy(arn);
  if (aws?.arn === arn) return awsViews().find((v) => v.arn === arn)!;
  return customerView(iam, iam.policies.get(arn));
}

function policyXml(iam: IamService, v: PolicyView, detail: { description?: boolean; tags?: boolean }): XmlValue {
  return {
    PolicyName: v.name,
    PolicyId: v.policyId,
    Arn: v.arn,
    Path: v.path,
    DefaultVersionId: v.defaultVersionId,
    AttachmentCount: iam.policies.attachmentCount(v.arn),
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    Description: detail.description ? v.description : undefined,
    CreateDate: isoDate(v.createdAt),
    UpdateDate: isoDate(v.updatedAt),
    Tags: detail.tags && v.tags.length > 0 ? v.tags.map((t) => ({ Key: t.Key, Value: t.Value })) : undefined,
  };
}

/** `Tags.member.N.Key` / `.Value` of a form. */
export function tagsOf(f: URLSearchParams): IamTag[] {
  const out: IamTag[] = [];
  for (let i = 1; f.has(`Tags.member.${i}.Key`); i++)
    out.push({ Key: f.get(`Tags.member.${i}.Key`) ?? "", Value: f.get(`Tags.member.${i}.Value`) ?? "" });
  return out;
}

function tagKeysOf(f: URLSearchParams): string[] {
  const out: string[] = [];
  for (let i = 1; f.has(`TagKeys.member.${i}`); i++) out.push(f.get(`TagKeys.member.${i}`) ?? "");
  return out;
}

/** One page of `items` by IAM's Marker/MaxItems (the marker is the index the next page starts at). */
function page<T>(f: URLSearchParams, items: readonly T[]): { items: T[]; IsTruncated: boolean; Marker?: string } {
  const start = Number(f.get("Marker") ?? "0");
  const max = Number(f.get("MaxItems") ?? DEFAULT_MAX_ITEMS);
  if (!Number.isInteger(start) || start < 0 || start > items.length)
    throw new PlatformError("ERR_IAM_VALIDATION", "Invalid Marker.");
  if (!Number.isInteger(max) || max < 1 || max > 1000) {
    throw new PlatformError(
      "ERR_IAM_VALIDATION",
      `1 validation error detected: Value '${f.get("MaxItems")}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000`,
    );
  }
  const slice = items.slice(start, start + max);
  const truncated = start + max < items.length;
  return { items: slice, IsTruncated: truncated, ...(truncated ? { Marker: String(start + max) } : {}) };
}

function listed(iam: IamService, f: URLSearchParams): PolicyView[] {
  const scope = f.get("Scope") ?? "All";
  if (!["All", "AWS", "Local"].includes(scope)) {
    throw new PlatformError(
      "ERR_IAM_VALIDATION",
      `1 validation error detected: Value '${scope}' at 'scope' failed to satisfy constraint: Member must satisfy enum value set: [All, AWS, Local]`,
    );
  }
  const prefix = f.get("PathPrefix") ?? "/";
  const onlyAttached = f.get("OnlyAttached") === "true";
  const all = [
    ...(scope === "Local" ? [] : awsViews()),
    ...(scope === "AWS" ? [] : iam.policies.list().map((p) => customerView(iam, p))),
  ];
  return all.filter((v) => v.path.startsWith(prefix) && (!onlyAttached || iam.policies.attachmentCount(v.arn) > 0));
}

const onPolicy: IamHandler["resource"] = (_iam, f) => f.get("PolicyArn") ?? "*";
const done = () => undefined;

/** The managed policy and tag actions, by name. */
export const POLICY_HANDLERS: Readonly<Record<string, IamHandler>> = {
  CreatePolicy: {
    resource: (iam, f) => `arn:aws:iam::${iam.accountId}:policy${f.get("Path") ?? "/"}${f.get("PolicyName") ?? ""}`,
    run: async (iam, f) => {
      const p = await iam.policies.create({
        policyName: required(f, "PolicyName"),
        document: required(f, "PolicyDocument"),
        path: f.get("Path") ?? undefined,
        description: f.get("Description") ?? undefined,
        tags: tagsOf(f),
      });
      return { Policy: policyXml(iam, customerView(iam, p), { tags: true }) };
    },
  },
  GetPolicy: {
    resource: onPolicy,
    run: (iam, f) =>
      Promise.resolve({ Policy: policyXml(iam, viewOf(iam, policyArn(f)), { description: true, tags: true }) }),
  },
  ListPolicies: {
    resource: () => "*",
    run: (iam, f) => {
      const { items, ...rest } = page(f, listed(iam, f));
      return Promise.resolve({ Policies: items.map((v) => policyXml(iam, v, {})), ...rest });
    },
  },
  DeletePolicy: {
    resource: onPolicy,
    run: (iam, f) => iam.policies.delete(policyArn(f)).then(done),
  },
  CreatePolicyVersion: {
    resource: onPolicy,
    run: async (iam, f) => {
      const arn = policyArn(f);
      const v = await iam.policies.createVersion(arn, required(f, "PolicyDocument"), f.get("SetAsDefault") === "true");
      const isDefault = iam.policies.get(arn).defaultVersionId === v.versionId;
      return {
        PolicyVersion: { VersionId: v.versionId, IsDefaultVersion: isDefault, CreateDate: isoDate(v.createdAt) },
      };
    },
  },
  GetPolicyVersion: {
    resource: onPolicy,
    run: (iam, f) => {
      const arn = policyArn(f);
      const id = versionId(f);
      const aws = managedPolicy(arn);
      const version =
        aws?.arn === arn && aws.defaultVersionId === id
          ? { versionId: id, document: JSON.stringify(aws.document), createdAt: AWS_POLICY_DATE }
          : iam.policies.version(arn, id);
      const isDefault = viewOf(iam, arn).defaultVersionId === id;
      return Promise.resolve({
        PolicyVersion: {
          // IAM answers policy documents URL-encoded; the CLI decodes them, the SDKs hand them on as sent.
          Document: encodeURIComponent(version.document),
          VersionId: version.versionId,
          IsDefaultVersion: isDefault,
          CreateDate: isoDate(version.createdAt),
        },
      });
    },
  },
  ListPolicyVersions: {
    resource: onPolicy,
    run: (iam, f) => {
      const arn = policyArn(f);
      const view = viewOf(iam, arn);
      const versions = view.customer
        ? iam.policies.get(arn).versions
        : [{ versionId: view.defaultVersionId, createdAt: AWS_POLICY_DATE }];
      // Newest first, as IAM lists them.
      const { items, ...rest } = page(f, [...versions].reverse());
      const Versions = items.map((v) => ({
        VersionId: v.versionId,
        IsDefaultVersion: v.versionId === view.defaultVersionId,
        CreateDate: isoDate(v.createdAt),
      }));
      return Promise.resolve({ Versions, ...rest });
    },
  },
  DeletePolicyVersion: {
    resource: onPolicy,
    run: (iam, f) => iam.policies.deleteVersion(policyArn(f), versionId(f)).then(done),
  },
  SetDefaultPolicyVersion: {
    resource: onPolicy,
    run: (iam, f) => iam.policies.setDefaultVersion(policyArn(f), versionId(f)).then(done),
  },
  ListEntitiesForPolicy: {
    resource: onPolicy,
    run: (iam, f) => {
      const arn = viewOf(iam, policyArn(f)).arn;
      const filter = f.get("EntityFilter");
      const { users, roles } = iam.model.entitiesOf(arn);
      const want = (kind: string) => filter === null || filter === kind;
      return Promise.resolve({
        PolicyGroups: [],
        PolicyUsers: want("User") ? users.map((u) => ({ UserName: u.userName, UserId: u.userId })) : [],
        PolicyRoles: want("Role") ? roles.map((r) => ({ RoleName: r.roleName, RoleId: r.roleId })) : [],
        IsTruncated: false,
      });
    },
  },
  TagPolicy: {
    resource: onPolicy,
    run: (iam, f) => iam.policies.tag(policyArn(f), tagsOf(f)).then(done),
  },
  UntagPolicy: {
    resource: onPolicy,
    run: (iam, f) => iam.policies.untag(policyArn(f), tagKeysOf(f)).then(done),
  },
  ListPolicyTags: {
    resource: onPolicy,
    run: (iam, f) => {
      const { items, ...rest } = page(f, iam.policies.get(policyArn(f)).tags);
      return Promise.resolve({ Tags: items.map((t) => ({ Key: t.Key, Value: t.Value })), ...rest });
    },
  },
};

/** TagRole, UntagRole and ListRoleTags, authorized on the role. */
export function roleTagHandlers(onRole: IamHandler["resource"]): Record<string, IamHandler> {
  return {
    TagRole: { resource: onRole, run: (iam, f) => iam.tagRole(required(f, "RoleName"), tagsOf(f)).then(done) },
    UntagRole: {
      resource: onRole,
      run: (iam, f) => iam.untagRole(required(f, "RoleName"), tagKeysOf(f)).then(done),
    },
    ListRoleTags: {
      resource: onRole,
      run: (iam, f) => {
        const { items, ...rest } = page(f, iam.role(required(f, "RoleName")).record.tags ?? []);
        return Promise.resolve({ Tags: items.map((t) => ({ Key: t.Key, Value: t.Value })), ...rest });
      },
    },
  };
}
