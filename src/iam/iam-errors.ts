/** IAM's error messages, as the IAM API words them. */
import { PlatformError } from "../shared/errors.js";

export const noSuchUser = (name: string) =>
  new PlatformError("ERR_IAM_NO_SUCH_ENTITY", `The user with name ${name} cannot be found.`);
export const noSuchRole = (name: string) =>
  new PlatformError("ERR_IAM_NO_SUCH_ENTITY", `The role with name ${name} cannot be found.`);
export const noSuchInline = (kind: "user" | "role", policy: string) =>
  new PlatformError("ERR_IAM_NO_SUCH_ENTITY", `The ${kind} policy with name ${policy} cannot be found.`);
export const noSuchManaged = (arn: string) =>
  new PlatformError("ERR_IAM_NO_SUCH_ENTITY", `Policy ${arn} does not exist or is not attachable.`);
export const notAttached = (arn: string) => new PlatformError("ERR_IAM_NO_SUCH_ENTITY", `Policy ${arn} was not found.`);
export const noSuchKey = (id: string) =>
  new PlatformError("ERR_IAM_NO_SUCH_ENTITY", `The Access Key with id ${id} cannot be found.`);
export const exists = (what: "User" | "Role", name: string) =>
  new PlatformError("ERR_IAM_ENTITY_EXISTS", `${what} with name ${name} already exists.`);
export const deleteConflict = (what: string) =>
  new PlatformError("ERR_IAM_DELETE_CONFLICT", `Cannot delete entity, must ${what} first.`);

const NAME_RE = /^[\w+=,.@-]+$/;

/** IAM's model validation of a name member (`userName`, `roleName`, `policyName`). */
export function checkName(value: string | undefined, member: string, max: number): string {
  const problems: string[] = [];
  const v = value ?? "";
  if (value === undefined || v.length < 1)
    problems.push(`Value at '${member}' failed to satisfy constraint: Member must not be null`);
  else {
    if (v.length > max)
      problems.push(
        `Value '${v}' at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${max}`,
      );
    if (!NAME_RE.test(v))
      problems.push(
        `Value '${v}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`,
      );
  }
  if (problems.length > 0) {
    const n = problems.length;
    throw new PlatformError(
      "ERR_IAM_VALIDATION",
      `${n} validation error${n > 1 ? "s" : ""} detected: ${problems.join("; ")}`,
    );
  }
  return v;
}
