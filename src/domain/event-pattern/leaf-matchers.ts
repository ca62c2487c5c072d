/**
 * The tests an event pattern applies to one leaf value (a string, number, boolean or null):
 * each pattern array element compiles into one LeafMatcher. Reasons for refusal follow AWS's.
 */
import { BlockList, isIPv4, isIPv6 } from "node:net";
import { InvalidEventPattern } from "./errors.js";

type Leaf = string | number | boolean | null;

/** One compiled element of a pattern array. */
export interface LeafMatcher {
  test(value: Leaf): boolean;
  /** True for `exists: false`: the field must be absent (it has no leaf value). */
  readonly matchesAbsent?: boolean;
}

const NEVER: LeafMatcher = { test: () => false };

/** Compiles one element of a pattern array (a value or a match expression) at field path `at`. */
export function compileLeafMatcher(element: unknown, at: string): LeafMatcher {
  if (element === null || typeof element === "string" || typeof element === "boolean") {
    return { test: (v) => v === element };
  }
  if (typeof element === "number") return { test: (v) => typeof v === "number" && v === element };
  if (typeof element !== "object" || Array.isArray(element)) {
    throw new InvalidEventPattern("Match value must be String, number, true, false, or null");
  }
  const entries = Object.entries(element as Record<string, unknown>);
  if (entries.length !== 1) {
    throw new InvalidEventPattern(`Match expression at "${at}" must have exactly one key`);
  }
  const [kind, arg] = entries[0]!;
  switch (kind) {
    case "prefix":
      return affix("prefix", arg);
    case "suffix":
      return affix("suffix", arg);
    case "equals-ignore-case":
      return equalsIgnoreCase(arg);
    case "wildcard":
      return wildcard(arg);
    case "anything-but":
      return anythingBut(arg);
    case "numeric":
      return numeric(arg);
    case "exists":
      if (typeof arg !== "boolean") throw new InvalidEventPattern("exists match pattern must be either true or false.");
      return arg ? { test: () => true } : { ...NEVER, matchesAbsent: true };
    case "cidr":
      return cidr(arg);
    default:
      throw new InvalidEventPattern(`Unrecognized match type ${kind}`);
  }
}

function stringArg(kind: string, arg: unknown): string {
  if (typeof arg !== "string") throw new InvalidEventPattern(`${kind} match pattern must be a string`);
  return arg;
}

/** prefix / suffix, exact or (`{"equals-ignore-case": s}`) without regard to case. */
function affix(kind: "prefix" | "suffix", arg: unknown): LeafMatcher {
  let ignoreCase = false;
  let text: string;
  if (typeof arg === "object" && arg !== null && !Array.isArray(arg)) {
    const entries = Object.entries(arg);
    if (entries.length !== 1 || entries[0]![0] !== "equals-ignore-case") {
      throw new InvalidEventPattern(`Unsupported ${kind} pattern: only "equals-ignore-case" is allowed inside ${kind}`);
    }
    text = stringArg(`${kind} equals-ignore-case`, entries[0]![1]).toLowerCase();
    ignoreCase = true;
  } else {
    text = stringArg(kind, arg);
  }
  return {
    test: (v) => {
      if (typeof v !== "string") return false;
      const s = ignoreCase ? v.toLowerCase() : v;
      return kind === "prefix" ? s.startsWith(text) : s.endsWith(text);
    },
  };
}

function equalsIgnoreCase(arg: unknown): LeafMatcher {
  const text = stringArg("equals-ignore-case", arg).toLowerCase();
  return { test: (v) => typeof v === "string" && v.toLowerCase() === text };
}

/** `*` matches any run of characters; `\*` is a literal star; two stars in a row are refused. */
export function wildcardRegExp(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "\\" && (pattern[i + 1] === "*" || pattern[i + 1] === "\\")) {
      source += `\\${pattern[++i]!}`;
    } else if (c === "*") {
      if (pattern[i + 1] === "*") throw new InvalidEventPattern(`Consecutive wildcard characters at pos ${i + 1}`);
      source += "[\\s\\S]*";
    } else {
      source += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    }
  }
  return new RegExp(`^${source}$`);
}

function wildcard(arg: unknown): LeafMatcher {
  const re = wildcardRegExp(stringArg("wildcard", arg));
  return { test: (v) => typeof v === "string" && re.test(v) };
}

function anythingBut(arg: unknown): LeafMatcher {
  if (typeof arg === "string" || typeof arg === "number") return anythingButValues([arg]);
  if (Array.isArray(arg)) {
    if (arg.length === 0) throw new InvalidEventPattern("Empty arrays are not allowed");
    const allStrings = arg.every((v) => typeof v === "string");
    const allNumbers = arg.every((v) => typeof v === "number");
    if (!allStrings && !allNumbers) {
      throw new InvalidEventPattern("Inside anything-but list, only all strings or all numbers are supported.");
    }
    return anythingButValues(arg);
  }
  if (typeof arg === "object" && arg !== null) {
    const entries: [string, unknown][] = Object.entries(arg);
    if (entries.length !== 1) throw new InvalidEventPattern("anything-but expression must have exactly one key");
    const [kind, inner] = entries[0]!;
    if (kind === "prefix" || kind === "suffix" || kind === "wildcard" || kind === "equals-ignore-case") {
      const values: unknown[] = Array.isArray(inner) ? inner : [inner];
      if (values.length === 0) throw new InvalidEventPattern("Empty arrays are not allowed");
      if (Array.isArray(inner) && (kind === "prefix" || kind === "suffix")) {
        throw new InvalidEventPattern(`Value of anything-but ${kind} must be a string`);
      }
      const matchers = values.map((v) => compileLeafMatcher({ [kind]: v }, ""));
      return { test: (v) => typeof v === "string" && !matchers.some((m) => m.test(v)) };
    }
    throw new InvalidEventPattern(`Unsupported anything-but pattern: ${kind}`);
  }
  throw new InvalidEventPattern("Value of anything-but must be an array or single string/number value.");
}

function anythingButValues(values: readonly unknown[]): LeafMatcher {
  const set = new Set<unknown>(values);
  return { test: (v) => v !== null && typeof v !== "boolean" && !set.has(v) };
}

const LOWER = new Set([">", ">="]);
const UPPER = new Set(["<", "<="]);

function numeric(arg: unknown): LeafMatcher {
  if (!Array.isArray(arg) || arg.length === 0) throw new InvalidEventPattern("Value of numeric must be an array.");
  const tests: ((n: number) => boolean)[] = [];
  const ops: string[] = [];
  for (let i = 0; i < arg.length; i += 2) {
    const op: unknown = arg[i];
    const bound: unknown = arg[i + 1];
    if (typeof op !== "string" || !["=", "<", "<=", ">", ">="].includes(op)) {
      throw new InvalidEventPattern(`Unrecognized numeric range operator: ${JSON.stringify(op)}`);
    }
    if (typeof bound !== "number") throw new InvalidEventPattern(`Value of ${op} must be numeric`);
    ops.push(op);
    tests.push(comparison(op, bound));
  }
  const ranged = ops.length === 2 && LOWER.has(ops[0]!) && UPPER.has(ops[1]!);
  if (ops.length > 2 || (ops.length === 2 && !ranged)) {
    throw new InvalidEventPattern(
      "Bad numeric range operator: a range is a lower bound (> or >=) then an upper bound (< or <=)",
    );
  }
  if (ranged && (arg[1] as number) > (arg[3] as number)) {
    throw new InvalidEventPattern("Bottom must be less than top");
  }
  return { test: (v) => typeof v === "number" && tests.every((t) => t(v)) };
}

function comparison(op: string, bound: number): (n: number) => boolean {
  switch (op) {
    case "=":
      return (n) => n === bound;
    case "<":
      return (n) => n < bound;
    case "<=":
      return (n) => n <= bound;
    case ">":
      return (n) => n > bound;
    default:
      return (n) => n >= bound;
  }
}

function cidr(arg: unknown): LeafMatcher {
  const text = stringArg("cidr", arg);
  const slash = text.indexOf("/");
  if (slash < 0 || slash !== text.lastIndexOf("/"))
    throw new InvalidEventPattern(`Malformed CIDR, one '/' required: ${text}`);
  const address = text.slice(0, slash);
  const bits = Number(text.slice(slash + 1));
  const family = isIPv4(address) ? "ipv4" : isIPv6(address) ? "ipv6" : undefined;
  const max = family === "ipv4" ? 32 : 128;
  if (!family || !/^\d+$/.test(text.slice(slash + 1)) || bits > max) {
    throw new InvalidEventPattern(`Invalid CIDR: ${text}`);
  }
  if (family === "ipv4") {
    // IPv4 as 32-bit numbers: a mask and a compare, far cheaper than BlockList's per-call parsing.
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    const base = (ipv4Number(address) & mask) >>> 0;
    return { test: (v) => typeof v === "string" && isIPv4(v) && (ipv4Number(v) & mask) >>> 0 === base };
  }
  const list = new BlockList();
  list.addSubnet(address, bits, family);
  return { test: (v) => typeof v === "string" && isIPv6(v) && list.check(v, "ipv6") };
}

function ipv4Number(address: string): number {
  let n = 0;
  for (const part of address.split(".")) n = n * 256 + Number(part);
  return n;
}
