import { PlatformError } from "../../shared/errors.js";

/** A JSON value as a template holds it (intrinsics are one-key objects such as `{"Ref": "X"}`). */
export type TemplateValue = string | number | boolean | null | TemplateValue[] | { [key: string]: TemplateValue };
/** A JSON object of a template. */
export type TemplateObject = { [key: string]: TemplateValue };

/** Where a value sits in a template: the file, its line (1-based) and its path of keys and indexes. */
export interface TemplateLocation {
  readonly file?: string | undefined;
  readonly line?: number | undefined;
  readonly path?: readonly (string | number)[] | undefined;
}

/** True for a JSON object (not an array, not null). */
export function isObject(value: unknown): value is TemplateObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The name of the intrinsic function when `value` is a one-key object `{Ref|Fn::X|Condition: …}`. */
export function intrinsicName(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const key = keys[0] as string;
  return key === "Ref" || key === "Condition" || key.startsWith("Fn::") ? key : undefined;
}

/** `path` written the way errors show it: `Resources/Fn/Properties/Events/0`. */
export function formatPath(path: readonly (string | number)[]): string {
  return path.join("/");
}

/**
 * A template error in CloudFormation's words (`ValidationError`). `where` adds the file, line and
 * path as fields; the message stays the one CloudFormation sends.
 */
export function templateError(message: string, where: TemplateLocation = {}): PlatformError {
  const fields: Record<string, unknown> = {};
  if (where.file !== undefined) fields.file = where.file;
  if (where.line !== undefined) fields.line = where.line;
  if (where.path !== undefined) fields.path = formatPath(where.path);
  return new PlatformError("ERR_TEMPLATE_VALIDATION", message, fields);
}

/** One line for a person: `template.yaml:12 (Resources/Fn/Properties): message`. */
export function describeTemplateError(error: PlatformError): string {
  const { file, line, path } = error.fields as { file?: string; line?: number; path?: string };
  const at = [file, line].filter((p) => p !== undefined).join(":");
  const prefix = [at, path ? `(${path})` : ""].filter(Boolean).join(" ");
  return prefix ? `${prefix}: ${error.message}` : error.message;
}

/** A deep copy of a JSON value. */
export function cloneValue<T extends TemplateValue>(value: T): T {
  return structuredClone(value);
}

/** Deep equality of JSON values (key order does not matter). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => k in b && sameValue(a[k], b[k]));
  }
  return false;
}

/** A scalar as text (objects and lists as JSON), for messages and string contexts. */
export function textOf(value: TemplateValue | undefined): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}
