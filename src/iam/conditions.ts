/**
 * Condition operators, compiled once per statement: String*, Numeric*, Date*, Bool, Binary,
 * IpAddress, Arn*, Null, with the `…IfExists` suffix and the `ForAnyValue:` / `ForAllValues:`
 * set prefixes, following the IAM reference (a missing key fails positive operators and
 * satisfies negated ones; IfExists turns a missing key into a match).
 */
import { BlockList, isIP } from "node:net";
import { MalformedPolicyError, type ConditionBlock } from "./policy-document.js";
import { expandVariables, hasVariable, type RequestContext } from "./request-context.js";
import { arnLike, wildcardMatch } from "./wildcard.js";

/** A compiled condition block: true when every operator's every key is satisfied. */
export type ConditionTest = (ctx: RequestContext) => boolean;

type ValueTest = (requestValue: string, policyValue: string) => boolean;

interface OperatorSpec {
  readonly test: ValueTest;
  /** Negated operators (StringNotEquals…): satisfied when no policy value matches. */
  readonly negated: boolean;
}

const num = (s: string): number => (s.trim() === "" ? NaN : Number(s));
const date = (s: string): number => (/^\d+(\.\d+)?$/.test(s) ? Number(s) * 1000 : Date.parse(s));
const cmp = (a: number, b: number, f: (x: number, y: number) => boolean): boolean => !isNaN(a) && !isNaN(b) && f(a, b);

const OPERATORS: Readonly<Record<string, OperatorSpec>> = {
  stringequals: { test: (r, p) => r === p, negated: false },
  stringnotequals: { test: (r, p) => r === p, negated: true },
  stringequalsignorecase: { test: (r, p) => r.toLowerCase() === p.toLowerCase(), negated: false },
  stringnotequalsignorecase: { test: (r, p) => r.toLowerCase() === p.toLowerCase(), negated: true },
  stringlike: { test: (r, p) => wildcardMatch(p, r), negated: false },
  stringnotlike: { test: (r, p) => wildcardMatch(p, r), negated: true },
  numericequals: { test: (r, p) => cmp(num(r), num(p), (a, b) => a === b), negated: false },
  numericnotequals: { test: (r, p) => cmp(num(r), num(p), (a, b) => a === b), negated: true },
  numericlessthan: { test: (r, p) => cmp(num(r), num(p), (a, b) => a < b), negated: false },
  numericlessthanequals: { test: (r, p) => cmp(num(r), num(p), (a, b) => a <= b), negated: false },
  numericgreaterthan: { test: (r, p) => cmp(num(r), num(p), (a, b) => a > b), negated: false },
  numericgreaterthanequals: { test: (r, p) => cmp(num(r), num(p), (a, b) => a >= b), negated: false },
  dateequals: { test: (r, p) => cmp(date(r), date(p), (a, b) => a === b), negated: false },
  datenotequals: { test: (r, p) => cmp(date(r), date(p), (a, b) => a === b), negated: true },
  datelessthan: { test: (r, p) => cmp(date(r), date(p), (a, b) => a < b), negated: false },
  datelessthanequals: { test: (r, p) => cmp(date(r), date(p), (a, b) => a <= b), negated: false },
  dategreaterthan: { test: (r, p) => cmp(date(r), date(p), (a, b) => a > b), negated: false },
  dategreaterthanequals: { test: (r, p) => cmp(date(r), date(p), (a, b) => a >= b), negated: false },
  bool: { test: (r, p) => r.toLowerCase() === p.toLowerCase(), negated: false },
  binaryequals: { test: (r, p) => Buffer.from(r).toString("base64") === p || r === p, negated: false },
  ipaddress: { test: (r, p) => inCidr(r, p), negated: false },
  notipaddress: { test: (r, p) => inCidr(r, p), negated: true },
  arnequals: { test: (r, p) => arnLike(p, r), negated: false },
  arnlike: { test: (r, p) => arnLike(p, r), negated: false },
  arnnotequals: { test: (r, p) => arnLike(p, r), negated: true },
  arnnotlike: { test: (r, p) => arnLike(p, r), negated: true },
};

/** Compiles a statement's Condition element; throws MalformedPolicyError for an unknown operator. */
export function compileConditions(block: ConditionBlock | undefined, variables: boolean): ConditionTest {
  if (block === undefined) return () => true;
  const tests: ConditionTest[] = [];
  for (const [operatorName, keys] of Object.entries(block)) {
    for (const [key, values] of Object.entries(keys)) tests.push(compileOne(operatorName, key, values, variables));
  }
  return (ctx) => tests.every((t) => t(ctx));
}

function compileOne(operatorName: string, key: string, values: readonly string[], variables: boolean): ConditionTest {
  let name = operatorName;
  let set: "any" | "all" | undefined;
  const lower = name.toLowerCase();
  if (lower.startsWith("foranyvalue:")) [set, name] = ["any", name.slice(12)];
  else if (lower.startsWith("forallvalues:")) [set, name] = ["all", name.slice(13)];
  let ifExists = false;
  if (name.toLowerCase().endsWith("ifexists")) [ifExists, name] = [true, name.slice(0, -8)];
  const op = name.toLowerCase();
  if (op === "null") {
    return (ctx) => {
      const present = (ctx.get(key)?.length ?? 0) > 0;
      return values.some((v) => (v.toLowerCase() === "true" ? !present : present));
    };
  }
  const spec = OPERATORS[op];
  if (spec === undefined) throw new MalformedPolicyError(`Invalid Condition type : ${operatorName}`);
  const dynamic = variables && values.some(hasVariable);
  return (ctx) => {
    const requestValues = ctx.get(key);
    const policyValues = dynamic ? expandAll(values, ctx) : values;
    const anyMatch = (r: string): boolean => policyValues.some((p) => spec.test(r, p));
    if (set === "all")
      return requestValues === undefined || requestValues.every((r) => (spec.negated ? !anyMatch(r) : anyMatch(r)));
    if (requestValues === undefined || requestValues.length === 0)
      return ifExists || (spec.negated && set === undefined);
    if (set === "any") return requestValues.some((r) => (spec.negated ? !anyMatch(r) : anyMatch(r)));
    return spec.negated ? !requestValues.some(anyMatch) : requestValues.some(anyMatch);
  };
}

function expandAll(values: readonly string[], ctx: RequestContext): string[] {
  const out: string[] = [];
  for (const v of values) {
    const e = expandVariables(v, ctx);
    if (e !== undefined) out.push(e);
  }
  return out;
}

const cidrCache = new Map<string, BlockList | undefined>();

function inCidr(ip: string, cidr: string): boolean {
  let list = cidrCache.get(cidr);
  if (!cidrCache.has(cidr)) {
    list = parseCidr(cidr);
    if (cidrCache.size > 1000) cidrCache.clear();
    cidrCache.set(cidr, list);
  }
  const family = isIP(ip);
  if (list === undefined || family === 0) return false;
  return list.check(ip, family === 4 ? "ipv4" : "ipv6");
}

function parseCidr(cidr: string): BlockList | undefined {
  const [addr = "", bits] = cidr.split("/");
  const family = isIP(addr);
  if (family === 0) return undefined;
  const list = new BlockList();
  const prefix = bits === undefined ? (family === 4 ? 32 : 128) : Number(bits);
  if (!Number.isInteger(prefix)) return undefined;
  list.addSubnet(addr, prefix, family === 4 ? "ipv4" : "ipv6");
  return list;
}
