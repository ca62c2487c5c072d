/**
 * REST request validation as API Gateway does it before the integration runs: the method's
 * required request parameters must be present (`Missing required request parameters: [a, b]`),
 * and the body must match the model of its content type (`Invalid request body`). Validators are
 * compiled once per `setApis()`; a request pays only for the checks its method asks for.
 */
import type { DeployedValidation } from "../domain/deployed-api.js";
import { modelSchemas } from "../shared/json-schema.js";
import type { RequestInfo } from "./request-info.js";

/** A compiled validation. */
export interface CompiledValidation {
  readonly required: readonly { readonly location: string; readonly name: string }[];
  /** Content type (lower case) → body check. */
  readonly bodies: ReadonlyMap<string, (body: unknown) => boolean>;
}

/** A failed check: which gateway response, and its message. */
export interface ValidationFailure {
  readonly kind: "bad-request-parameters" | "bad-request-body";
  readonly message: string;
}

const PARAMETER = /^method\.request\.(header|querystring|path)\.(.+)$/;

/** Compiles `v` for API `apiId`; a model that cannot be compiled rejects every body (it never lets one through). */
export function compileValidation(apiId: string, v: DeployedValidation): CompiledValidation {
  const required = v.requiredParameters.flatMap((p) => {
    const m = PARAMETER.exec(p);
    return m?.[1] && m[2] ? [{ location: m[1], name: m[2] }] : [];
  });
  const bodies = new Map<string, (body: unknown) => boolean>();
  if (Object.keys(v.bodyModels).length > 0) {
    const schemas = modelSchemas(apiId, v.models);
    for (const [contentType, model] of Object.entries(v.bodyModels)) {
      let check: (body: unknown) => boolean;
      try {
        const validate = schemas.validator(model);
        check = validate ? (body) => validate(body) : () => false;
      } catch {
        check = () => false;
      }
      bodies.set(contentType.toLowerCase(), check);
    }
  }
  return { required, bodies };
}

/** The first check `info` fails, or undefined. */
export function validateRequest(
  v: CompiledValidation,
  info: RequestInfo,
  pathParams: Readonly<Record<string, string>> | undefined,
): ValidationFailure | undefined {
  if (v.required.length > 0) {
    const query = v.required.some((r) => r.location === "querystring") ? new URLSearchParams(info.rawQuery) : undefined;
    const missing = v.required
      .filter((r) =>
        r.location === "header"
          ? info.headers[r.name.toLowerCase()] === undefined
          : r.location === "querystring"
            ? !query?.has(r.name)
            : !pathParams?.[r.name],
      )
      .map((r) => r.name);
    if (missing.length > 0) {
      return {
        kind: "bad-request-parameters",
        message: `Missing required request parameters: [${missing.join(", ")}]`,
      };
    }
  }
  if (v.bodies.size > 0) {
    const contentType = (info.headers["content-type"] ?? "application/json").split(";")[0]?.trim().toLowerCase() ?? "";
    const check = v.bodies.get(contentType) ?? v.bodies.get("$default");
    if (check && !check(parseBody(info.body))) return { kind: "bad-request-body", message: "Invalid request body" };
  }
  return undefined;
}

const NOT_JSON = Symbol("not JSON");

function parseBody(body: Buffer | undefined): unknown {
  if (!body || body.length === 0) return {};
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return NOT_JSON;
  }
}
