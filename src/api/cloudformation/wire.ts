/**
 * The query protocol as CloudFormation speaks it: form-encoded requests with `.member.N` lists,
 * XML answers in the `http://cloudformation.amazonaws.com/doc/2010-05-15/` namespace.
 */
import { PlatformError } from "../../shared/errors.js";
import type { ApiResponse } from "../types.js";
import { xml, xmlError, type XmlValue } from "../iam/wire.js";

export const CFN_XMLNS = "http://cloudformation.amazonaws.com/doc/2010-05-15/";

/** A successful answer `<ActionResponse><ActionResult>…`. */
export function cfnResponse(action: string, result: XmlValue | undefined, requestId: string): ApiResponse {
  const body =
    `<${action}Response xmlns="${CFN_XMLNS}">` +
    (result === undefined ? "" : `<${action}Result>${xml(result)}</${action}Result>`) +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
  return { status: 200, headers: { "Content-Type": "text/xml" }, body };
}

/** CloudFormation's `<ErrorResponse>` (the query protocol's, in its namespace). */
export function cfnError(e: { code: string; awsType: string; status: number; message: string }, requestId: string) {
  const answer = xmlError(e, requestId);
  const text = typeof answer.body === "string" ? answer.body : "";
  return { ...answer, body: text.replace(/^<ErrorResponse xmlns="[^"]*">/, `<ErrorResponse xmlns="${CFN_XMLNS}">`) };
}

/** A required parameter; missing is CloudFormation's ValidationError. */
export function required(form: URLSearchParams, name: string): string {
  const v = form.get(name);
  if (v === null || v === "") {
    const member = name.charAt(0).toLowerCase() + name.slice(1);
    throw new PlatformError(
      "ERR_CFN_VALIDATION",
      `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return v;
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
