/** Each IAM action: the resource it is authorized on, and what it does and answers. */
import type { IamService } from "../../iam/index.js";
import { managedPolicy } from "../../iam/index.js";
import type { IamRoleRecord, IamUserRecord } from "../../ports/iam-store.js";
import { PlatformError } from "../../shared/errors.js";
import type { ApiRequest } from "../types.js";
import { POLICY_HANDLERS, roleTagHandlers, tagsOf } from "./policy-handlers.js";
import { isoDate, required, type XmlValue } from "./wire.js";

/** One IAM action. */
export interface IamHandler {
  resource(iam: IamService, form: URLSearchParams, req: ApiRequest): string;
  run(iam: IamService, form: URLSearchParams, req: ApiRequest): Promise<XmlValue | undefined>;
}

const userView = (iam: IamService, u: IamUserRecord): XmlValue => ({
  Path: u.path,
  UserName: u.userName,
  UserId: u.userId,
  Arn: iam.userArn(u),
  CreateDate: isoDate(u.createdAt),
});

const roleView = (iam: IamService, r: IamRoleRecord, withTags = false): XmlValue => ({
  Path: r.path,
  RoleName: r.roleName,
  RoleId: r.roleId,
  Arn: iam.roleArn(r),
  CreateDate: isoDate(r.createdAt),
  // IAM answers policy documents URL-encoded; the CLI decodes them, the SDKs hand them on as sent.
  AssumeRolePolicyDocument: encodeURIComponent(r.assumeRolePolicyDocument),
  Description: r.description,
  MaxSessionDuration: r.maxSessionDuration,
  // GetRole and CreateRole show a role's tags; ListRoles does not.
  Tags: withTags && r.tags && r.tags.length > 0 ? r.tags.map((t) => ({ Key: t.Key, Value: t.Value })) : undefined,
});

const userArnOf = (iam: IamService, name: string) => `arn:aws:iam::${iam.accountId}:user/${name}`;
const roleArnOf = (iam: IamService, name: string) => `arn:aws:iam::${iam.accountId}:role/${name}`;
const onUser: IamHandler["resource"] = (iam, f, req) => {
  const name = f.get("UserName");
  if (name) return userArnOf(iam, name);
  return req.caller.principal.arn;
};
const onRole: IamHandler["resource"] = (iam, f) => roleArnOf(iam, f.get("RoleName") ?? "");
const unpaged = { IsTruncated: false };

/** The user a request names, or the caller when it names none (GetUser, CreateAccessKey…). */
function userNameOf(f: URLSearchParams, req: ApiRequest): string {
  const name = f.get("UserName");
  if (name) return name;
  const p = req.caller.principal;
  if (p.kind === "user") return p.userName;
  throw new PlatformError("ERR_IAM_VALIDATION", "Must specify userName when calling with non-User credentials");
}

function inlineHandlers(kind: "user" | "role", prefix: "User" | "Role"): Record<string, IamHandler> {
  const resource = kind === "user" ? onUser : onRole;
  const owner = (f: URLSearchParams) => required(f, `${prefix}Name`);
  return {
    [`Put${prefix}Policy`]: {
      resource,
      run: async (iam, f) => {
        await iam.putInlinePolicy(kind, owner(f), required(f, "PolicyName"), required(f, "PolicyDocument"));
        return undefined;
      },
    },
    [`Get${prefix}Policy`]: {
      resource,
      run: (iam, f) => {
        const name = required(f, "PolicyName");
        const doc = iam.inlinePolicy(kind, owner(f), name);
        return Promise.resolve({
          [`${prefix}Name`]: owner(f),
          PolicyName: name,
          PolicyDocument: encodeURIComponent(doc),
        });
      },
    },
    [`List${prefix}Policies`]: {
      resource,
      run: (iam, f) => Promise.resolve({ PolicyNames: iam.inlinePolicyNames(kind, owner(f)), ...unpaged }),
    },
    [`Delete${prefix}Policy`]: {
      resource,
      run: async (iam, f) => {
        await iam.deleteInlinePolicy(kind, owner(f), required(f, "PolicyName"));
        return undefined;
      },
    },
    [`Attach${prefix}Policy`]: {
      resource,
      run: async (iam, f) => {
        await iam.attachPolicy(kind, owner(f), required(f, "PolicyArn"));
        return undefined;
      },
    },
    [`Detach${prefix}Policy`]: {
      resource,
      run: async (iam, f) => {
        await iam.detachPolicy(kind, owner(f), required(f, "PolicyArn"));
        return undefined;
      },
    },
    [`ListAttached${prefix}Policies`]: {
      resource,
      run: (iam, f) => {
        const attached = iam.attachedPolicies(kind, owner(f)).map((arn) => ({
          PolicyName: managedPolicy(arn)?.name ?? arn.slice(arn.lastIndexOf("/") + 1),
          PolicyArn: arn,
        }));
        return Promise.resolve({ AttachedPolicies: attached, ...unpaged });
      },
    },
  };
}

/** Every IAM action served, by name. */
export const HANDLERS: Readonly<Record<string, IamHandler>> = {
  CreateUser: {
    resource: onUser,
    run: async (iam, f) => ({
      User: userView(iam, await iam.createUser(required(f, "UserName"), f.get("Path") ?? "/")),
    }),
  },
  GetUser: {
    resource: onUser,
    run: (iam, f, req) => Promise.resolve({ User: userView(iam, iam.user(userNameOf(f, req)).record) }),
  },
  ListUsers: {
    resource: (iam) => `arn:aws:iam::${iam.accountId}:user/`,
    run: (iam) =>
      Promise.resolve({ Users: [...iam.model.users.values()].map((u) => userView(iam, u.record)), ...unpaged }),
  },
  DeleteUser: {
    resource: onUser,
    run: async (iam, f) => {
      await iam.deleteUser(required(f, "UserName"));
      return undefined;
    },
  },
  CreateAccessKey: {
    resource: onUser,
    run: async (iam, f, req) => {
      const k = await iam.createAccessKey(userNameOf(f, req));
      return {
        AccessKey: {
          UserName: k.userName,
          AccessKeyId: k.accessKeyId,
          Status: "Active",
          SecretAccessKey: k.secretAccessKey,
          CreateDate: isoDate(k.createDate),
        },
      };
    },
  },
  ListAccessKeys: {
    resource: onUser,
    run: (iam, f, req) => {
      const keys = iam.accessKeysOf(userNameOf(f, req)).map((k) => ({
        UserName: k.userName,
        AccessKeyId: k.accessKeyId,
        Status: k.status,
        CreateDate: isoDate(k.createdAt),
      }));
      return Promise.resolve({ AccessKeyMetadata: keys, ...unpaged });
    },
  },
  DeleteAccessKey: {
    resource: onUser,
    run: async (iam, f, req) => {
      await iam.deleteAccessKey(userNameOf(f, req), required(f, "AccessKeyId"));
      return undefined;
    },
  },
  ...inlineHandlers("user", "User"),
  CreateRole: {
    resource: onRole,
    run: async (iam, f) => {
      const duration = f.get("MaxSessionDuration");
      const role = await iam.createRole({
        roleName: required(f, "RoleName"),
        trustPolicy: required(f, "AssumeRolePolicyDocument"),
        path: f.get("Path") ?? undefined,
        description: f.get("Description") ?? undefined,
        maxSessionDuration: duration ? Number(duration) : undefined,
        tags: tagsOf(f),
      });
      return { Role: roleView(iam, role, true) };
    },
  },
  GetRole: {
    resource: onRole,
    run: (iam, f) => Promise.resolve({ Role: roleView(iam, iam.role(required(f, "RoleName")).record, true) }),
  },
  ListRoles: {
    resource: (iam) => `arn:aws:iam::${iam.accountId}:role/`,
    run: (iam) =>
      Promise.resolve({ Roles: [...iam.model.roles.values()].map((r) => roleView(iam, r.record)), ...unpaged }),
  },
  DeleteRole: {
    resource: onRole,
    run: async (iam, f) => {
      await iam.deleteRole(required(f, "RoleName"));
      return undefined;
    },
  },
  ...inlineHandlers("role", "Role"),
  ...roleTagHandlers(onRole),
  ...POLICY_HANDLERS,
};
