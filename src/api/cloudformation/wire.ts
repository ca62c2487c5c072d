/**
 * The query protocol as CloudFormation speaks it: form-encoded requests with `.member.N` lists,
 * XML answers in the `http://cloudformation.amazonaws.com/doc/2010-05-15/` namespace.
 */
import type { ApiResponse } from "../types.js";
import {
  queryError,
  queryResponse,
  requiredParam,
  type QueryDialect,
  type WireError,
  type XmlValue,
} from "../query-wire.js";

export const CFN_XMLNS = "http://cloudformation.amazonaws.com/doc/2010-05-15/";

const CFN: QueryDialect = { xmlns: CFN_XMLNS, codes: { ERR_SERVICE: "ServiceFailure" } };

/** A successful answer `<ActionResponse><ActionResult>…`. */
export function cfnResponse(action: string, result: XmlValue | undefined, requestId: string): ApiResponse {
  return queryResponse(CFN, action, result, requestId);
}

/** CloudFormation's `<ErrorResponse>` (the query protocol's, in its namespace). */
export function cfnError(e: WireError, requestId: string): ApiResponse {
  return queryError(CFN, e, requestId);
}

/** A required parameter; missing is CloudFormation's ValidationError. */
export function required(form: URLSearchParams, name: string): string {
  return requiredParam(form, name, "ERR_CFN_VALIDATION");
}

/** `Name.member.N` as a list of strings. */
export function stringList(form: URLSearchParams, name: string): string[] {
  const out: string[] = [];
  for (let i = 1; form.has(`${name}.member.${i}`); i++) out.push(form.get(`${name}.member.${i}`) ?? "");
  return out;
}

/** `Name.member.N.Field` as a list of records. */
export function structList(form: URLSearchParams, name: string): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  for (let i = 1; ; i++) {
    const prefix = `${name}.member.${i}.`;
    const entry: Record<string, string> = {};
    for (const [k, v] of form) if (k.startsWith(prefix)) entry[k.slice(prefix.length)] = v;
    if (!Object.keys(entry).length) return out;
    out.push(entry);
  }
}

/** CloudFormation's timestamps (ISO 8601 with milliseconds). */
export function timestamp(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}
