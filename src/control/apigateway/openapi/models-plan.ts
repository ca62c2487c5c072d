/**
 * Request validation in an OpenAPI document: `x-amazon-apigateway-request-validators` (by name),
 * the document's and each operation's `x-amazon-apigateway-request-validator`, models from
 * `definitions` (2.0) / `components.schemas` (3.0), and each operation's body schema as its
 * request models. Schemas are read from the document as sent, so `$ref`s between models become
 * references to API Gateway model addresses rather than copies.
 */
import { type Obj, asObj, asStr } from "./document.js";

/** A validator the document declares. */
export interface PlannedValidator {
  readonly validateRequestBody: boolean;
  readonly validateRequestParameters: boolean;
}

/** The validators and models of a document. */
export interface ValidationPlan {
  readonly validators: Readonly<Record<string, PlannedValidator>>;
  /** Model name → schema (with `#/…` refs to other models left for the import to rewrite). */
  readonly models: Readonly<Record<string, Obj>>;
}

/** The validators and the models of `raw`. */
export function validationPlan(
  raw: Obj,
  version: 2 | 3,
  errors: string[],
): ValidationPlan & { models: Record<string, Obj> } {
  const validators: Record<string, PlannedValidator> = {};
  for (const [name, v] of Object.entries(asObj(raw["x-amazon-apigateway-request-validators"]) ?? {})) {
    const o = asObj(v) ?? {};
    validators[name] = {
      validateRequestBody: o.validateRequestBody === true,
      validateRequestParameters: o.validateRequestParameters === true,
    };
  }
  const schemas = version === 2 ? asObj(raw.definitions) : asObj(asObj(raw.components)?.schemas);
  const models: Record<string, Obj> = {};
  for (const [name, schema] of Object.entries(schemas ?? {})) {
    if (!/^[a-zA-Z0-9]+$/.test(name)) {
      errors.push(`Unable to create model '${name}': model names must be alphanumeric`);
      continue;
    }
    models[name] = asObj(schema) ?? {};
  }
  return { validators, models };
}

/** The validator an operation names (its own, else the document's); an unknown name is an error. */
export function validatorOf(
  raw: Obj,
  op: Obj,
  plan: ValidationPlan,
  where: string,
  errors: string[],
): string | undefined {
  const name =
    asStr(op["x-amazon-apigateway-request-validator"]) ?? asStr(raw["x-amazon-apigateway-request-validator"]);
  if (name !== undefined && !plan.validators[name]) {
    errors.push(`Unknown request validator '${name}' for ${where}`);
    return undefined;
  }
  return name;
}

const MODEL_REF = /^#\/(?:definitions|components\/schemas)\/([^/]+)$/;

/**
 * An operation's body models (content type → model name) from its raw form; a body schema that is
 * not a reference to a model becomes a model of its own, added to `models`.
 */
export function requestModelsOf(
  source: { raw: Obj; version: 2 | 3; op: Obj; modelName: string },
  models: Record<string, Obj>,
): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  const bodies: [string, unknown][] = [];
  if (source.version === 3) {
    const requestBody = resolve(source.raw, source.op.requestBody);
    for (const [ct, media] of Object.entries(asObj(requestBody?.content) ?? {}))
      bodies.push([ct, asObj(media)?.schema]);
  } else {
    const body = (Array.isArray(source.op.parameters) ? (source.op.parameters as unknown[]) : [])
      .map((p) => resolve(source.raw, p))
      .find((p) => p?.in === "body");
    const consumes = source.op.consumes ?? source.raw.consumes;
    const types = Array.isArray(consumes) ? (consumes as string[]) : ["application/json"];
    if (body) for (const ct of types) bodies.push([ct, body.schema]);
  }
  for (const [ct, schema] of bodies) {
    const s = asObj(schema);
    if (!s) continue;
    const ref = MODEL_REF.exec(asStr(s.$ref) ?? "")?.[1];
    if (ref !== undefined && models[ref]) {
      out[ct] = ref;
    } else {
      models[source.modelName] = s;
      out[ct] = source.modelName;
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function resolve(raw: Obj, v: unknown): Obj | undefined {
  const o = asObj(v);
  const ref = asStr(o?.$ref);
  if (!ref?.startsWith("#/")) return o;
  let node: unknown = raw;
  for (const part of ref.slice(2).split("/")) node = asObj(node)?.[part.replace(/~1/g, "/").replace(/~0/g, "~")];
  return asObj(node);
}

/** `schema` with its `#/definitions/X` / `#/components/schemas/X` references pointing at model X of the API. */
export function withModelRefs(schema: Obj, address: (name: string) => string): Obj {
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    const o = asObj(node);
    if (!o) return node;
    const out: Obj = {};
    for (const [k, v] of Object.entries(o)) {
      const ref = k === "$ref" && typeof v === "string" ? MODEL_REF.exec(v)?.[1] : undefined;
      out[k] = ref !== undefined ? address(ref) : rewrite(v);
    }
    return out;
  };
  return rewrite(schema) as Obj;
}
