/**
 * Evaluates a Lambda authorizer's IAM policy against a method ARN the way API Gateway does:
 * a matching Deny wins, then a matching Allow, otherwise the request is implicitly denied.
 * `*` and `?` in Action and Resource are wildcards.
 */
import { isRecord } from "./reply.js";

/** The verdict of a policy for one method ARN; `invalid` when the document is not a policy. */
export type PolicyVerdict = "allow" | "explicit-deny" | "implicit-deny" | "invalid";

interface Statement {
  readonly effect: "allow" | "deny";
  readonly actions: readonly string[];
  readonly resources: readonly string[];
}

/** A parsed policy document, or undefined when it is malformed. */
export type Policy = readonly Statement[];

/** Parses `policyDocument`; undefined when it has no valid statements. */
export function parsePolicy(doc: unknown): Policy | undefined {
  if (!isRecord(doc)) return undefined;
  const raw = doc["Statement"];
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const out: Statement[] = [];
  for (const s of list) {
    if (!isRecord(s)) return undefined;
    const effect = typeof s["Effect"] === "string" ? s["Effect"].toLowerCase() : "";
    const actions = strings(s["Action"]);
    const resources = strings(s["Resource"]);
    if ((effect !== "allow" && effect !== "deny") || !actions || !resources) return undefined;
    out.push({ effect, actions, resources });
  }
  return out.length > 0 ? out : undefined;
}

/** Evaluates a parsed policy for `execute-api:Invoke` on `arn`. */
export function evaluatePolicy(policy: Policy, arn: string): Exclude<PolicyVerdict, "invalid"> {
  let allowed = false;
  for (const s of policy) {
    if (!s.actions.some((a) => globMatch(a, "execute-api:Invoke"))) continue;
    if (!s.resources.some((r) => globMatch(r, arn))) continue;
    if (s.effect === "deny") return "explicit-deny";
    allowed = true;
  }
  return allowed ? "allow" : "implicit-deny";
}

function strings(v: unknown): string[] | undefined {
  if (typeof v === "string") return [v];
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "string")) return v;
  return undefined;
}

/**
 * IAM wildcard match: `*` any run of characters (including `/` and `:`), `?` exactly one.
 * Linear-time two-pointer matching, no regular expression per request.
 */
export function globMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    const c = pattern[p];
    if (c === "?" || (c !== undefined && c !== "*" && c === text[t])) {
      p++;
      t++;
    } else if (c === "*") {
      star = p++;
      mark = t;
    } else if (star >= 0) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (pattern[p] === "*") p++;
  return p === pattern.length;
}
