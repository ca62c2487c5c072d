import { PlatformError } from "../shared/errors.js";
import { type ArnScope, functionArn } from "./arn.js";
import { Violations, validationError } from "./violations.js";

/** A function named by the caller, with the qualifier the name carried (if any). */
export interface FunctionRef {
  readonly name: string;
  readonly qualifier?: string | undefined;
}

const NAME_RE =
  /^(?:arn:(?:aws[a-zA-Z-]*)?:lambda:)?(?:([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d):)?(?:(\d{12}):)?(?:function:)?([a-zA-Z0-9-_]+)(?::(\$LATEST|[a-zA-Z0-9-_]+))?$/;
/** AWS shows this pattern in its messages. */
export const FUNCTION_NAME_PATTERN =
  "(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?";
const QUALIFIER_RE = /^[a-zA-Z0-9$_-]+$/;
const ALIAS_RE = /^(?!^[0-9]+$)[a-zA-Z0-9-_]+$/;
export const ALIAS_PATTERN = "(?!^[0-9]+$)([a-zA-Z0-9-_]+)";

export interface ParseOptions {
  /** CreateFunction: no qualifier, and a bad bare name is InvalidParameterValueException (as AWS answers). */
  readonly create?: boolean;
}

/**
 * Reads `fn`, `fn:qualifier`, `123456789012:function:fn[:q]` or a full ARN. A region or account
 * other than the node's cannot be reached, as in AWS.
 */
export function parseFunctionRef(raw: string, scope: ArnScope, options: ParseOptions = {}): FunctionRef {
  const m = NAME_RE.exec(raw);
  const v = new Violations();
  if (raw.length > 140) v.add(raw, "functionName", "Member must have length less than or equal to 140");
  if (!m || (options.create && m[4] !== undefined)) {
    v.add(raw, "functionName", `Member must satisfy regular expression pattern: ${FUNCTION_NAME_PATTERN}`);
  }
  const name = m?.[3] ?? raw;
  if (m && name.length > 64) v.add(name, "functionName", "Member must have length less than or equal to 64");
  try {
    v.throwIfAny();
  } catch (e) {
    // AWS answers a bad plain name on CreateFunction with InvalidParameterValueException.
    if (options.create && raw === name) throw new PlatformError("ERR_INVALID_PARAMETER", (e as Error).message);
    throw e;
  }
  const [, region, account, , qualifier] = m as RegExpExecArray;
  if (region !== undefined && region !== scope.region) {
    throw new PlatformError(
      "ERR_RESOURCE_NOT_FOUND",
      `Functions from '${region}' are not reachable in this region ('${scope.region}')`,
    );
  }
  if (account !== undefined && account !== scope.accountId) {
    const other = { ...scope, accountId: account };
    throw new PlatformError("ERR_FUNCTION_NOT_FOUND", `Function not found: ${functionArn(other, name, qualifier)}`);
  }
  return { name, qualifier };
}

/** Checks a `?Qualifier=` value. */
export function checkQualifier(qualifier: string | undefined): void {
  const v = new Violations();
  v.maxLength(qualifier, "qualifier", 128);
  if (qualifier !== undefined && qualifier !== "")
    v.pattern(qualifier, "qualifier", QUALIFIER_RE, "(|[a-zA-Z0-9$_-]+)");
  v.throwIfAny();
}

/** Merges the qualifier carried by the name with `?Qualifier=`; a conflict is AWS's error. */
export function mergeQualifier(ref: FunctionRef, query: string | undefined): string | undefined {
  const q = query === "" ? undefined : query;
  checkQualifier(q);
  if (q !== undefined && ref.qualifier !== undefined && q !== ref.qualifier) {
    throw new PlatformError(
      "ERR_INVALID_PARAMETER",
      "The derived qualifier from the function name does not match the specified qualifier.",
    );
  }
  return q ?? ref.qualifier;
}

/** Checks an alias name: 1–128 characters, `[a-zA-Z0-9-_]`, not all digits. */
export function checkAliasName(name: string | undefined, field = "name"): string {
  if (name === undefined) validationError(null, field, "Member must not be null");
  const v = new Violations();
  v.maxLength(name, field, 128);
  v.pattern(name, field, ALIAS_RE, ALIAS_PATTERN);
  v.throwIfAny();
  return name;
}

/** True for a published version number (as a string). */
export function isVersionNumber(q: string): boolean {
  return /^\d+$/.test(q);
}
