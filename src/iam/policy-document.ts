/**
 * IAM policy documents: parsing and validation with IAM's MalformedPolicyDocument messages, into
 * a normalized form (every element an array) that the evaluator compiles once.
 */

/** A policy element that may be one string or a list of them, normalized to a list. */
export type Strings = readonly string[];

/** The principals a resource-based statement names: `*`, or lists per kind (AWS, Service, Federated…). */
export type PrincipalSpec = "*" | Readonly<Record<string, Strings>>;

/** Condition block: operator → context key → values (all strings, as IAM compares them). */
export type ConditionBlock = Readonly<Record<string, Readonly<Record<string, Strings>>>>;

/** One statement, normalized. Exactly one of action/notAction and (for identity policies) resource/notResource. */
export interface PolicyStatement {
  readonly sid?: string | undefined;
  readonly effect: "Allow" | "Deny";
  readonly action?: Strings | undefined;
  readonly notAction?: Strings | undefined;
  readonly resource?: Strings | undefined;
  readonly notResource?: Strings | undefined;
  readonly principal?: PrincipalSpec | undefined;
  readonly notPrincipal?: PrincipalSpec | undefined;
  readonly condition?: ConditionBlock | undefined;
}

/** A normalized policy document. `version` decides whether `${…}` policy variables are expanded. */
export interface PolicyDocument {
  readonly version: "2012-10-17" | "2008-10-17";
  readonly id?: string | undefined;
  readonly statements: readonly PolicyStatement[];
}

/** Whose policy this is: identity policies may not name principals; resource policies must. */
export type PolicyKind = "identity" | "resource" | "trust";

/** A document IAM would refuse, with IAM's message. */
export class MalformedPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MalformedPolicyError";
  }
}

const STATEMENT_KEYS = new Set([
  "Sid",
  "Effect",
  "Action",
  "NotAction",
  "Resource",
  "NotResource",
  "Principal",
  "NotPrincipal",
  "Condition",
]);
const ACTION_RE = /^(\*|[a-zA-Z0-9-]+:[a-zA-Z0-9*?]+)$/;

/** Parses a policy document (JSON text or an already-parsed value); throws MalformedPolicyError. */
export function parsePolicy(input: unknown, kind: PolicyKind = "identity"): PolicyDocument {
  let raw: unknown = input;
  if (typeof input === "string") {
    try {
      raw = JSON.parse(input);
    } catch {
      throw new MalformedPolicyError("Syntax errors in policy.");
    }
  }
  if (!isObject(raw)) throw new MalformedPolicyError("Syntax errors in policy.");
  const version = raw["Version"] ?? "2008-10-17";
  if (version !== "2012-10-17" && version !== "2008-10-17") {
    throw new MalformedPolicyError("The policy must contain a valid version string");
  }
  const rawStatements = raw["Statement"];
  if (rawStatements === undefined) throw new MalformedPolicyError("Syntax errors in policy.");
  const list = Array.isArray(rawStatements) ? (rawStatements as unknown[]) : [rawStatements];
  const statements = list.map((s) => parseStatement(s, kind));
  const id = typeof raw["Id"] === "string" ? raw["Id"] : undefined;
  return { version, id, statements };
}

function parseStatement(raw: unknown, kind: PolicyKind): PolicyStatement {
  if (!isObject(raw)) throw new MalformedPolicyError("Syntax errors in policy.");
  for (const key of Object.keys(raw)) {
    if (!STATEMENT_KEYS.has(key)) throw new MalformedPolicyError(`Syntax errors in policy.`);
  }
  const effect = raw["Effect"];
  if (effect !== "Allow" && effect !== "Deny") {
    throw new MalformedPolicyError(
      effect === undefined ? "Missing required field Effect" : `Invalid effect: ${JSON.stringify(effect)}`,
    );
  }
  const action = strings(raw, "Action");
  const notAction = strings(raw, "NotAction");
  if ((action === undefined) === (notAction === undefined)) {
    throw new MalformedPolicyError("Policy statement must contain actions.");
  }
  for (const a of action ?? notAction ?? []) {
    if (!ACTION_RE.test(a)) {
      throw new MalformedPolicyError("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
    }
  }
  const resource = strings(raw, "Resource");
  const notResource = strings(raw, "NotResource");
  if (resource !== undefined && notResource !== undefined) throw new MalformedPolicyError("Syntax errors in policy.");
  if (kind === "identity" && resource === undefined && notResource === undefined) {
    throw new MalformedPolicyError("Policy statement must contain resources.");
  }
  const principal = principalOf(raw, "Principal");
  const notPrincipal = principalOf(raw, "NotPrincipal");
  if (kind === "identity" && (principal !== undefined || notPrincipal !== undefined)) {
    throw new MalformedPolicyError("Policy document should not specify a principal.");
  }
  if (kind !== "identity" && principal === undefined && notPrincipal === undefined) {
    throw new MalformedPolicyError("Missing required field Principal");
  }
  const sid = raw["Sid"];
  if (sid !== undefined && typeof sid !== "string") throw new MalformedPolicyError("Syntax errors in policy.");
  return {
    sid,
    effect,
    action,
    notAction,
    resource,
    notResource,
    principal,
    notPrincipal,
    condition: conditionOf(raw),
  };
}

function strings(o: Record<string, unknown>, key: string): Strings | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v === "string") return [v];
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "string")) return v;
  throw new MalformedPolicyError("Syntax errors in policy.");
}

function principalOf(o: Record<string, unknown>, key: string): PrincipalSpec | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (v === "*") return "*";
  if (!isObject(v)) throw new MalformedPolicyError(`Invalid principal in policy: ${JSON.stringify(v)}`);
  const out: Record<string, Strings> = {};
  for (const [kindName, value] of Object.entries(v)) {
    const list = strings(v, kindName);
    if (list === undefined) continue;
    if (!["AWS", "Service", "Federated", "CanonicalUser"].includes(kindName)) {
      throw new MalformedPolicyError(`Invalid principal in policy: ${JSON.stringify({ [kindName]: value })}`);
    }
    out[kindName] = list;
  }
  return out;
}

function conditionOf(o: Record<string, unknown>): ConditionBlock | undefined {
  const v = o["Condition"];
  if (v === undefined) return undefined;
  if (!isObject(v)) throw new MalformedPolicyError("Syntax errors in policy.");
  const out: Record<string, Record<string, Strings>> = {};
  for (const [operator, keys] of Object.entries(v)) {
    if (!isObject(keys)) throw new MalformedPolicyError("Syntax errors in policy.");
    const block: Record<string, Strings> = {};
    for (const [key, values] of Object.entries(keys)) {
      const list = Array.isArray(values) ? (values as unknown[]) : [values];
      if (!list.every((x) => ["string", "number", "boolean"].includes(typeof x))) {
        throw new MalformedPolicyError("Syntax errors in policy.");
      }
      block[key] = list.map(String);
    }
    out[operator] = block;
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
