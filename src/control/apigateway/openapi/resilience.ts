/**
 * `x-haneul-resilience` in an OpenAPI document: inside an operation's
 * `x-amazon-apigateway-integration`, or at the document's root as the default of every integration
 * that calls a backend (an integration's own settings replace the default whole). MOCK
 * integrations call nothing: settings on one are refused, the default passes them by.
 */
import {
  isPolicyError,
  parseResiliencePolicy,
  RESILIENCE_EXTENSION,
  type ResiliencePolicy,
} from "../../../domain/resilience-policy.js";
import type { Obj } from "./document.js";

export { RESILIENCE_EXTENSION };

/** The settings of integration `i` (`type` upper-case) in `doc`, or the problem naming `where`. */
export function integrationResilience(
  i: Obj,
  s: { readonly doc: Obj; readonly type: string; readonly where: string },
): ResiliencePolicy | undefined | { readonly error: string } {
  const own = i[RESILIENCE_EXTENSION];
  if (s.type === "MOCK") {
    return own === undefined
      ? undefined
      : { error: `${RESILIENCE_EXTENSION} does not apply to MOCK integrations (${s.where})` };
  }
  const value = own ?? s.doc[RESILIENCE_EXTENSION];
  if (value === undefined) return undefined;
  const p = parseResiliencePolicy(value);
  return isPolicyError(p) ? { error: `${p.error} (${s.where})` } : p;
}
