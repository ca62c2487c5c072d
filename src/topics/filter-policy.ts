/**
 * SNS filter policies, compiled once per subscription with the event-pattern language (exact values,
 * prefix, suffix, anything-but, numeric, exists, equals-ignore-case, cidr, `$or`), under SNS's own
 * rules: `wildcard` is not SNS's, an attribute-scope policy is flat with at most 5 keys, and a
 * message matches on its attributes (String, Number, String.Array values) or on its JSON body.
 */
import { compileEventPattern, InvalidEventPattern, type EventPredicate } from "../domain/event-pattern/index.js";
import { invalid } from "./refs.js";

/** A message attribute as SNS carries it. */
export interface MessageAttribute {
  readonly DataType: string;
  readonly StringValue?: string | undefined;
  readonly BinaryValue?: string | undefined;
}

/** What a filter policy sees of a message. */
export interface FilterInput {
  readonly message: string;
  readonly attributes: Readonly<Record<string, MessageAttribute>>;
}

/** A compiled filter policy: true when the message is delivered. */
export type MessageFilter = (m: FilterInput) => boolean;

const MAX_KEYS = 5;

/** Compiles a FilterPolicy for `scope`; InvalidParameter with SNS's message when it is not valid. */
export function compileFilterPolicy(text: string, scope: string): MessageFilter {
  let predicate: EventPredicate;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalid("Invalid parameter: FilterPolicy: failed to parse JSON.");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw invalid("Invalid parameter: FilterPolicy: Filter policy must be a JSON object");
  }
  if (text.includes('"wildcard"')) throw invalid("Invalid parameter: FilterPolicy: Unrecognized match type wildcard");
  if (scope === "MessageAttributes") checkFlat(parsed as Record<string, unknown>);
  try {
    predicate = compileEventPattern(text);
  } catch (e) {
    if (e instanceof InvalidEventPattern) throw invalid(`Invalid parameter: FilterPolicy: ${e.message}`);
    throw e;
  }
  if (scope === "MessageBody") return (m) => predicate(parseBody(m.message));
  return (m) => predicate(attributeValues(m.attributes));
}

function checkFlat(policy: Record<string, unknown>): void {
  const keys = Object.keys(policy).filter((k) => k !== "$or");
  if (keys.length > MAX_KEYS) {
    throw invalid(`Invalid parameter: FilterPolicy: Filter policy can not have more than ${MAX_KEYS} keys`);
  }
  for (const [key, value] of Object.entries(policy)) {
    if (key === "$or" && Array.isArray(value)) {
      for (const alternative of value) checkFlat(alternative as Record<string, unknown>);
    } else if (!Array.isArray(value)) {
      throw invalid(
        `Invalid parameter: FilterPolicy: "${key}" must be an object or an array; nested filter policies are for FilterPolicyScope MessageBody`,
      );
    }
  }
}

function parseBody(message: string): unknown {
  try {
    return JSON.parse(message);
  } catch {
    return undefined;
  }
}

/** The attributes as the values a policy matches: strings, numbers, arrays of either. */
function attributeValues(attributes: Readonly<Record<string, MessageAttribute>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, a] of Object.entries(attributes)) {
    if (a.StringValue === undefined) continue;
    const type = a.DataType.split(".")[0];
    if (type === "Number") out[name] = Number(a.StringValue);
    else if (a.DataType.startsWith("String.Array")) out[name] = parseBody(a.StringValue);
    else if (type === "String") out[name] = a.StringValue;
  }
  return out;
}
