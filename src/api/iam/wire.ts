/**
 * The AWS query protocol as IAM speaks it: form-encoded POST bodies (`Action=CreateUser&…`) and
 * XML answers in the `https://iam.amazonaws.com/doc/2010-05-08/` namespace, errors included.
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

export { xml, type XmlValue } from "../query-wire.js";

export const IAM_XMLNS = "https://iam.amazonaws.com/doc/2010-05-08/";

const IAM: QueryDialect = { xmlns: IAM_XMLNS, codes: { ERR_SERVICE: "ServiceFailure" } };

/** A successful answer `<ActionResponse><ActionResult>…</ActionResult><ResponseMetadata>…`. */
export function xmlResponse(action: string, result: XmlValue | undefined, requestId: string): ApiResponse {
  return queryResponse(IAM, action, result, requestId);
}

/** The query protocol's `<ErrorResponse>` for a platform error. */
export function xmlError(e: WireError, requestId: string): ApiResponse {
  return queryError(IAM, e, requestId);
}

/** A required form parameter; missing is IAM's ValidationError. */
export function required(form: URLSearchParams, name: string): string {
  return requiredParam(form, name, "ERR_IAM_VALIDATION");
}

/** IAM's timestamps: ISO 8601 with seconds, UTC. */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}
