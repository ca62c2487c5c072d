/**
 * API Gateway's PATCH operations (`op`/`path`/`value`, as the `update-*` commands send them),
 * applied through a table of the paths a kind of record accepts. A path or op the table does not
 * accept is AWS's BadRequestException: `Invalid patch path  '<path>' specified for op '<op>'. Must
 * be one of: [<paths that op accepts>]`.
 */
import { badRequest } from "./context.js";
import type { PatchOperation } from "./types.js";

type Op = "add" | "remove" | "replace";

/** One patchable path: `/name`, or `/requestTemplates/{key}` whose last segment is the key. */
export interface PatchField<T> {
  readonly path: string;
  readonly ops: readonly Op[];
  /** Applies `op`; `key` is the unescaped `{key}` segment, `value` the operation's value. */
  apply(target: T, op: Op, o: { readonly key: string; readonly value: string | undefined }): T;
}

const OPS: readonly string[] = ["add", "remove", "replace"];

/** JSON Pointer unescaping (`~1` is `/`, `~0` is `~`). */
export function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, "/").replace(/~0/g, "~");
}

/** Applies `ops` in order; throws BadRequestException on one the fields do not accept. */
export function applyPatch<T>(target: T, ops: readonly PatchOperation[], fields: readonly PatchField<T>[]): T {
  let t = target;
  for (const op of ops) {
    const path = op.path ?? "";
    if (!OPS.includes(op.op)) {
      throw badRequest(`Invalid patch path  '${path}' specified for op '${op.op}'. Please choose supported operations`);
    }
    const kind = op.op as Op;
    const match = findField(fields, path);
    if (!match || !match.field.ops.includes(kind)) {
      const allowed = fields.filter((f) => f.ops.includes(kind)).map((f) => f.path);
      throw badRequest(
        `Invalid patch path  '${path}' specified for op '${kind}'. Must be one of: [${allowed.join(", ")}]`,
      );
    }
    t = match.field.apply(t, kind, { key: match.key, value: op.value });
  }
  return t;
}

function findField<T>(
  fields: readonly PatchField<T>[],
  path: string,
): { field: PatchField<T>; key: string } | undefined {
  for (const field of fields) {
    const brace = field.path.indexOf("{");
    if (brace < 0) {
      if (field.path === path) return { field, key: "" };
      continue;
    }
    const prefix = field.path.slice(0, brace);
    if (path.startsWith(prefix) && path.length > prefix.length && !path.slice(prefix.length).includes("/")) {
      return { field, key: unescapePointer(path.slice(prefix.length)) };
    }
  }
  return undefined;
}

/** The value an op needs, or AWS's error for a missing one. */
export function required(path: string, value: string | undefined): string {
  if (value === undefined) throw badRequest(`Invalid null value for path ${path}`);
  return value;
}

/** A field holding a string (remove clears it). */
export function stringField<T>(path: string, key: keyof T & string, ops: readonly Op[] = ["replace"]): PatchField<T> {
  return {
    path,
    ops,
    apply: (t, op, o) => {
      const out = { ...t } as Record<string, unknown>;
      if (op === "remove") delete out[key];
      else out[key] = required(path, o.value);
      return out as T;
    },
  };
}

/** A field holding `true`/`false`. */
export function boolField<T>(path: string, key: keyof T & string): PatchField<T> {
  return {
    path,
    ops: ["replace"],
    apply: (t, _op, o) => ({ ...t, [key]: parseBool(required(path, o.value)) }),
  };
}

/** A field holding a whole number. */
export function intField<T>(path: string, key: keyof T & string): PatchField<T> {
  return {
    path,
    ops: ["replace"],
    apply: (t, _op, o) => {
      const text = required(path, o.value);
      const n = Number(text);
      if (!Number.isInteger(n)) throw badRequest(`Invalid value for ${path}: ${text}`);
      return { ...t, [key]: n };
    },
  };
}

/** `true`/`false`, or AWS's error. */
export function parseBool(value: string): boolean {
  if (value !== "true" && value !== "false") throw badRequest(`Invalid boolean value: ${value}`);
  return value === "true";
}

/** An entry of a map field (`/requestTemplates/{key}`): add and replace set it, remove deletes it. */
export function mapEntryField<T>(
  path: string,
  key: keyof T & string,
  parse: (value: string) => unknown = (v) => v,
): PatchField<T> {
  return {
    path,
    ops: ["add", "remove", "replace"],
    apply: (t, op, o) => {
      const current = ((t as Record<string, unknown>)[key] ?? {}) as Record<string, unknown>;
      const next = { ...current };
      if (op === "remove") {
        if (!(o.key in next)) throw badRequest(`Invalid patch path ${path.replace("{key}", o.key)}: no such entry`);
        delete next[o.key];
      } else next[o.key] = parse(o.value ?? "");
      return { ...t, [key]: next };
    },
  };
}

/** A member of a list field (`/binaryMediaTypes/{key}`): add appends it, remove deletes it, replace swaps it for the value. */
export function listMemberField<T>(path: string, key: keyof T & string): PatchField<T> {
  return {
    path,
    ops: ["add", "remove", "replace"],
    apply: (t, op, o) => {
      const current = ((t as Record<string, unknown>)[key] ?? []) as string[];
      let next = current.filter((x) => x !== o.key);
      if (op === "add") next = [...next, o.key];
      if (op === "replace") next = [...next, required(path, o.value)];
      return { ...t, [key]: next };
    },
  };
}
