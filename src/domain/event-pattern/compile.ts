/**
 * EventBridge event patterns: a pattern (JSON) is validated and compiled once into a predicate over
 * events, so that matching an event against many rules costs no parsing. The language is AWS's
 * (the "Content filtering in Amazon EventBridge event patterns" page): exact values, prefix, suffix,
 * equals-ignore-case, anything-but, numeric ranges, exists, wildcard, cidr, `$or`, nested fields,
 * and event arrays that match when any of their elements does.
 */
import { InvalidEventPattern } from "./errors.js";
import { compileLeafMatcher, type LeafMatcher } from "./leaf-matchers.js";

/** A compiled event pattern: true when the event matches. */
export type EventPredicate = (event: unknown) => boolean;

/** One field of a pattern object: its name and either leaf matchers or a nested pattern. */
interface FieldTest {
  readonly name: string;
  readonly leaves?: readonly LeafMatcher[];
  /** True when every leaf is `exists: false`-like (matches a missing field). */
  readonly matchesAbsent?: boolean;
  readonly nested?: ObjectTest;
}

interface ObjectTest {
  readonly fields: readonly FieldTest[];
  /** `$or`: at least one alternative must match too. */
  readonly any?: readonly ObjectTest[];
}

const MAX_PATTERN_CHARS = 4096;

/** Parses, validates and compiles a pattern given as JSON text. Throws InvalidEventPattern. */
export function compileEventPattern(text: string): EventPredicate {
  if (text.length > MAX_PATTERN_CHARS)
    throw new InvalidEventPattern(`Pattern is longer than ${MAX_PATTERN_CHARS} characters`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new InvalidEventPattern(`Filter is not valid JSON: ${(e as Error).message}`);
  }
  const test = compileObject(parsed, "");
  if (test.fields.length === 0 && !test.any) throw new InvalidEventPattern("Empty objects are not allowed");
  return (event) => matchObject(test, event);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function compileObject(pattern: unknown, path: string): ObjectTest {
  if (!isPlainObject(pattern)) throw new InvalidEventPattern("Filter is not an object");
  const fields: FieldTest[] = [];
  let any: ObjectTest[] | undefined;
  for (const [name, value] of Object.entries(pattern)) {
    const at = path ? `${path}.${name}` : name;
    if (name === "$or") {
      any = compileOr(value, path);
      continue;
    }
    if (Array.isArray(value)) {
      if (value.length === 0) throw new InvalidEventPattern(`Empty arrays are not allowed ("${at}")`);
      const leaves = value.map((v) => compileLeafMatcher(v, at));
      fields.push({ name, leaves, matchesAbsent: leaves.some((l) => l.matchesAbsent) });
    } else if (isPlainObject(value)) {
      const nested = compileObject(value, at);
      if (nested.fields.length === 0 && !nested.any)
        throw new InvalidEventPattern(`Empty objects are not allowed ("${at}")`);
      fields.push({ name, nested });
    } else {
      throw new InvalidEventPattern(`"${at}" must be an object or an array`);
    }
  }
  return any ? { fields, any } : { fields };
}

function compileOr(value: unknown, path: string): ObjectTest[] {
  if (!Array.isArray(value) || value.length < 2) {
    throw new InvalidEventPattern('"$or" must be an array of at least two objects');
  }
  return value.map((alternative) => {
    const test = compileObject(alternative, path);
    if (test.fields.length === 0 && !test.any) throw new InvalidEventPattern("Empty objects are not allowed");
    return test;
  });
}

function matchObject(test: ObjectTest, value: unknown): boolean {
  // An array of objects matches when one of its elements matches the whole sub-pattern.
  if (Array.isArray(value)) return value.some((element) => matchObject(test, element));
  if (!isPlainObject(value)) return false;
  for (const field of test.fields) {
    if (!matchField(field, value[field.name])) return false;
  }
  if (test.any && !test.any.some((alternative) => matchObject(alternative, value))) return false;
  return true;
}

function matchField(field: FieldTest, value: unknown): boolean {
  if (field.nested) return value !== undefined && matchObject(field.nested, value);
  const leaves = field.leaves ?? [];
  // Only leaves count as values: a missing field, an object, an empty array or an array of objects
  // has none at this path, so only `exists: false` matches it.
  let sawLeaf = false;
  if (Array.isArray(value)) {
    for (const element of value) {
      if (!isLeaf(element)) continue;
      sawLeaf = true;
      if (matchLeaf(leaves, element)) return true;
    }
  } else if (value !== undefined && isLeaf(value)) {
    sawLeaf = true;
    if (matchLeaf(leaves, value)) return true;
  }
  return !sawLeaf && field.matchesAbsent === true;
}

type Leaf = string | number | boolean | null;

function isLeaf(value: unknown): value is Leaf {
  return value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}

function matchLeaf(leaves: readonly LeafMatcher[], value: Leaf): boolean {
  for (const leaf of leaves) if (leaf.test(value)) return true;
  return false;
}
