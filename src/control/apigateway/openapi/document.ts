/**
 * Reading an OpenAPI document as ImportRestApi, PutRestApi and ImportApi take it: JSON or YAML
 * bytes, Swagger 2.0 or OpenAPI 3.0, `$ref`s resolved inside the document (never to files or
 * URLs), checked against the OpenAPI schema (schema-check.ts).
 */
import SwaggerParser from "@apidevtools/swagger-parser";
import { parse as parseYaml } from "yaml";
import { PlatformError } from "../../../shared/errors.js";
import { badRequest } from "../context.js";
import { schemaCheckMessage } from "./schema-check.js";

/** A JSON object of the document. */
export type Obj = Record<string, unknown>;

/** A parsed, dereferenced document with what its schema check found. */
export interface OpenApiDocument {
  /** 2 for Swagger 2.0, 3 for OpenAPI 3.x. */
  readonly version: 2 | 3;
  /** The document with every local `$ref` replaced by what it points to. */
  readonly doc: Obj;
  /** The document as sent, with its `$ref`s (model names come from them). */
  readonly raw: Obj;
  /** Schema violations, as API Gateway words its parse warnings. */
  readonly parseIssues: readonly string[];
}

/** `v` as an object, or undefined. */
export function asObj(v: unknown): Obj | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
}

/** `v` as a string, or undefined. */
export function asStr(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** API Gateway's answer for a body that is no OpenAPI document at all. */
export function invalidInput(): Error {
  return badRequest("Invalid OpenAPI input.");
}

function parseText(bytes: Buffer): unknown {
  const text = bytes.toString("utf8");
  try {
    return JSON.parse(text);
  } catch {
    try {
      return parseYaml(text, { maxAliasCount: 100 });
    } catch {
      throw invalidInput();
    }
  }
}

// Only `#/…` references: a document must not make the server read its files or fetch URLs.
const LOCAL_ONLY = { resolve: { external: false }, dereference: { circular: "ignore" as const } };

/** Parses `bytes` (JSON or YAML) into a dereferenced document, or refuses it with BadRequestException. */
export async function readOpenApi(bytes: Buffer): Promise<OpenApiDocument> {
  const raw = asObj(parseText(bytes));
  if (!raw) throw invalidInput();
  const version = typeof raw.swagger === "string" && raw.swagger.startsWith("2.") ? 2 : openApi3(raw);
  if (version === undefined) throw invalidInput();
  let doc: Obj;
  try {
    doc = (await SwaggerParser.dereference(structuredClone(raw) as never, LOCAL_ONLY)) as unknown as Obj;
  } catch (e) {
    throw badRequest(`Errors found during import:\n\tUnable to resolve references: ${firstLine(e)}`);
  }
  return { version, doc, raw, parseIssues: parseIssues(await schemaCheckMessage({ raw, doc, version })) };
}

function openApi3(raw: Obj): 3 | undefined {
  return typeof raw.openapi === "string" && raw.openapi.startsWith("3.0") ? 3 : undefined;
}

function parseIssues(message: string | undefined): string[] {
  if (message === undefined) return [];
  return message
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !/^(Swagger|OpenAPI) schema validation failed\.?$/i.test(line))
    .map((line) => `Parse issue: ${line}`);
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0] ?? "";
}

/** Runs one step of an import; a refusal names the step, as API Gateway's import errors do. */
export async function importStep<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof PlatformError && ["ERR_BAD_REQUEST", "ERR_CONFLICT", "ERR_NOT_FOUND"].includes(e.code)) {
      throw badRequest(`Errors found during import:\n\t${what}: ${e.message}`);
    }
    throw e;
  }
}
