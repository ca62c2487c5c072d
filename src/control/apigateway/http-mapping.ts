/**
 * The parameter mapping of HTTP API integrations in CreateIntegration and UpdateIntegration: checked
 * as API Gateway checks it, and merged on update as the CLI's examples rely on (a request key sent
 * with an empty value is removed; a status code sent with an empty map loses its mappings).
 */
import { ParameterMappingError, parseParameterMapping } from "../../domain/parameter-mapping.js";
import type { IntegrationRecord } from "../../ports/api-store.js";
import { badRequest } from "./context.js";
import type { IntegrationInput } from "./types.js";

type ResponseMap = Record<string, Record<string, string>>;

type MappingFields = Pick<IntegrationRecord, "requestParameters" | "responseParameters">;

/** CreateIntegration's mapping fields, as given (checked by checkMapping). */
export function createdMapping(input: IntegrationInput): MappingFields {
  const request = input.requestParameters;
  const response = input.responseParameters;
  return {
    ...(request && Object.keys(request).length > 0 ? { requestParameters: request } : {}),
    ...(response && Object.keys(response).length > 0 ? { responseParameters: response } : {}),
  };
}

/** The integration's mapping fields after UpdateIntegration's `input`. */
export function updatedMapping(current: MappingFields, input: IntegrationInput): MappingFields {
  const request = input.requestParameters
    ? withoutEmpty({ ...current.requestParameters, ...input.requestParameters })
    : current.requestParameters;
  let response: ResponseMap | undefined = current.responseParameters && { ...current.responseParameters };
  for (const [status, map] of Object.entries(input.responseParameters ?? {})) {
    const merged = withoutEmpty({ ...response?.[status], ...map });
    response ??= {};
    if (Object.keys(map).length === 0 || !merged) delete response[status];
    else response[status] = merged;
  }
  return {
    ...(request ? { requestParameters: request } : {}),
    ...(response && Object.keys(response).length > 0 ? { responseParameters: response } : {}),
  };
}

function withoutEmpty(map: Record<string, string>): Record<string, string> | undefined {
  const out = Object.fromEntries(Object.entries(map).filter(([, v]) => v !== ""));
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Refuses a mapping API Gateway refuses (bad keys, reserved headers, unknown variables), with its message. */
export function checkMapping(i: IntegrationRecord): void {
  try {
    parseParameterMapping(i.requestParameters, i.responseParameters);
  } catch (e) {
    if (e instanceof ParameterMappingError) throw badRequest(e.message);
    throw e;
  }
}
