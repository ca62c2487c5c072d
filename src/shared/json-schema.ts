/**
 * API Gateway models as JSON Schema draft 4, compiled by Ajv (ajv-draft-04). A model may point at
 * another of its API's models with `{"$ref": "https://apigateway.amazonaws.com/restapis/{apiId}/models/{name}"}`,
 * so every model of an API is registered under that address in one Ajv instance per API.
 */
import Ajv04Module, { type ValidateFunction } from "ajv-draft-04";

// A CommonJS module whose class is also its `default` member.
const Ajv04 = Ajv04Module.default;

/** The address a model is referred to by. */
export function modelAddress(apiId: string, name: string): string {
  return `https://apigateway.amazonaws.com/restapis/${apiId}/models/${name}`;
}

/** The compiled models of one API. */
export interface ModelSchemas {
  /**
   * The validator of model `name`; undefined when its schema is not a valid draft 4 schema, and it
   * throws when a schema it refers to cannot be resolved.
   */
  validator(name: string): ValidateFunction | undefined;
}

/** The models of API `apiId` (name → schema text); a schema that is not JSON is skipped. */
export function modelSchemas(apiId: string, models: Readonly<Record<string, string | undefined>>): ModelSchemas {
  const ajv = new Ajv04({ strict: false, allErrors: false, validateFormats: false });
  for (const [name, text] of Object.entries(models)) {
    const schema = parseSchema(text);
    try {
      if (schema !== undefined) ajv.addSchema(schema, modelAddress(apiId, name));
    } catch {
      // Not a draft 4 schema: the model has no validator (callers refuse it or reject its bodies).
    }
  }
  return {
    validator: (name) => ajv.getSchema(modelAddress(apiId, name)),
  };
}

/** A schema text as an object, or undefined when it is not a JSON object (or boolean). */
export function parseSchema(text: string | undefined): object | boolean | undefined {
  if (text === undefined) return {};
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === "object" && v !== null && !Array.isArray(v) ? v : typeof v === "boolean" ? v : undefined;
  } catch {
    return undefined;
  }
}
