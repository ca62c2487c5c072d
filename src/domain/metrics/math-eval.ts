/**
 * Evaluates a metric math tree over time series as CloudWatch does: arithmetic and comparisons
 * between series apply at the timestamps both have; with a scalar, at every point of the series;
 * SUM/AVG/MIN/MAX of an array give a series (at each timestamp, over the series that have it) and of
 * one series a scalar; IF picks per point; FILL fills the query's timestamps that have no value.
 */
import { MathSyntaxError, type BinaryOp, type MathNode } from "./math-parser.js";

/** A time series: timestamp (ms) → value, in time order. */
export type Series = Map<number, number>;

/** A value during evaluation. */
export type MathValue =
  | { readonly kind: "scalar"; readonly value: number }
  | { readonly kind: "series"; readonly points: Series }
  | { readonly kind: "array"; readonly items: readonly Series[] };

/** What an expression is evaluated against. */
export interface MathContext {
  /** Every period start of the query, in order (what FILL fills). */
  readonly grid: readonly number[];
  /** The series of a query id; undefined when there is no such id. */
  series(id: string): Series | undefined;
  /** The metric (non-expression) queries of the request, for METRICS(): [id, series]. */
  metrics(): readonly (readonly [string, Series])[];
}

const scalar = (value: number): MathValue => ({ kind: "scalar", value });
const series = (points: Series): MathValue => ({ kind: "series", points });

function binary(op: BinaryOp, a: number, b: number): number {
  switch (op) {
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return a * b;
    case "/":
      return a / b;
    case "^":
      return a ** b;
    case ">":
      return a > b ? 1 : 0;
    case "<":
      return a < b ? 1 : 0;
    case ">=":
      return a >= b ? 1 : 0;
    case "<=":
      return a <= b ? 1 : 0;
    case "==":
      return a === b ? 1 : 0;
    case "!=":
      return a !== b ? 1 : 0;
    case "AND":
      return a !== 0 && b !== 0 ? 1 : 0;
    case "OR":
      return a !== 0 || b !== 0 ? 1 : 0;
  }
}

const mapSeries = (s: Series, f: (v: number, t: number) => number): Series => {
  const out: Series = new Map();
  for (const [t, v] of s) out.set(t, f(v, t));
  return out;
};

function combine(op: BinaryOp, l: MathValue, r: MathValue): MathValue {
  if (l.kind === "array") return { kind: "array", items: l.items.map((s) => asSeries(combine(op, series(s), r))) };
  if (r.kind === "array") return { kind: "array", items: r.items.map((s) => asSeries(combine(op, l, series(s)))) };
  if (l.kind === "scalar" && r.kind === "scalar") return scalar(binary(op, l.value, r.value));
  if (l.kind === "scalar" && r.kind === "series") return series(mapSeries(r.points, (v) => binary(op, l.value, v)));
  if (l.kind === "series" && r.kind === "scalar") return series(mapSeries(l.points, (v) => binary(op, v, r.value)));
  const a = (l as { points: Series }).points;
  const b = (r as { points: Series }).points;
  const out: Series = new Map();
  for (const [t, v] of a) {
    const w = b.get(t);
    if (w !== undefined) out.set(t, binary(op, v, w));
  }
  return series(out);
}

function asSeries(v: MathValue): Series {
  if (v.kind === "series") return v.points;
  throw new MathSyntaxError("Expected a time series");
}

function asArray(v: MathValue): readonly Series[] {
  return v.kind === "array" ? v.items : v.kind === "series" ? [v.points] : [];
}

const REDUCERS: Readonly<Record<string, (vs: number[]) => number>> = {
  SUM: (vs) => vs.reduce((s, v) => s + v, 0),
  AVG: (vs) => vs.reduce((s, v) => s + v, 0) / vs.length,
  MIN: (vs) => Math.min(...vs),
  MAX: (vs) => Math.max(...vs),
};

function reduce(fn: string, arg: MathValue): MathValue {
  const f = REDUCERS[fn] as (vs: number[]) => number;
  if (arg.kind === "scalar") return arg;
  if (arg.kind === "series") return arg.points.size ? scalar(f([...arg.points.values()])) : series(new Map());
  const byTime = new Map<number, number[]>();
  for (const s of arg.items) for (const [t, v] of s) (byTime.get(t) ?? byTime.set(t, []).get(t))?.push(v);
  const out: Series = new Map();
  for (const t of [...byTime.keys()].sort((a, b) => a - b)) out.set(t, f(byTime.get(t) as number[]));
  return series(out);
}

function fill(target: MathValue, how: MathNode, ctx: MathContext, value: (n: MathNode) => MathValue): MathValue {
  const one = (s: Series): Series => {
    const out: Series = new Map();
    let last: number | undefined;
    const known = [...s].sort((a, b) => a[0] - b[0]);
    for (const t of ctx.grid) {
      const v = s.get(t);
      if (v !== undefined) {
        out.set(t, (last = v));
        continue;
      }
      if (how.kind === "keyword" && how.name === "REPEAT") {
        if (last !== undefined) out.set(t, last);
      } else if (how.kind === "keyword") {
        const before = known.filter(([k]) => k < t).pop();
        const after = known.find(([k]) => k > t);
        if (before && after)
          out.set(t, before[1] + ((after[1] - before[1]) * (t - before[0])) / (after[0] - before[0]));
      } else {
        const f = value(how);
        if (f.kind !== "scalar") throw new MathSyntaxError("FILL takes a number, REPEAT or LINEAR");
        out.set(t, f.value);
      }
    }
    return out;
  };
  if (target.kind === "array") return { kind: "array", items: target.items.map(one) };
  return series(one(asSeries(target)));
}

function ifThen(args: readonly MathValue[]): MathValue {
  const [cond, yes, no] = args;
  if (!cond || !yes) throw new MathSyntaxError("IF takes a condition and one or two values");
  const pick = (v: MathValue | undefined, t: number): number | undefined =>
    v === undefined ? undefined : v.kind === "scalar" ? v.value : v.kind === "series" ? v.points.get(t) : undefined;
  if (cond.kind === "scalar") return cond.value !== 0 ? yes : (no ?? series(new Map()));
  const out: Series = new Map();
  for (const [t, c] of asSeries(cond)) {
    const v = pick(c !== 0 ? yes : no, t);
    if (v !== undefined) out.set(t, v);
  }
  return series(out);
}

/** Evaluates `node` in `ctx`; throws MathSyntaxError for what CloudWatch refuses. */
export function evaluateMath(node: MathNode, ctx: MathContext): MathValue {
  const value = (n: MathNode): MathValue => evaluateMath(n, ctx);
  switch (node.kind) {
    case "number":
      return scalar(node.value);
    case "string":
    case "keyword":
      throw new MathSyntaxError(`Unexpected ${node.kind === "string" ? `"${node.value}"` : node.name}`);
    case "ref": {
      const s = ctx.series(node.id);
      if (!s) throw new MathSyntaxError(`Unrecognized metric or expression id: ${node.id}`);
      return series(s);
    }
    case "array":
      return { kind: "array", items: node.items.flatMap((i) => asArray(value(i))) };
    case "unary": {
      const v = value(node.arg);
      return node.op === "-" ? combine("-", scalar(0), v) : combine("==", v, scalar(0));
    }
    case "binary":
      return combine(node.op, value(node.left), value(node.right));
    case "call":
      return call(node, ctx, value);
  }
}

function call(
  node: Extract<MathNode, { kind: "call" }>,
  ctx: MathContext,
  value: (n: MathNode) => MathValue,
): MathValue {
  const { fn, args } = node;
  if (fn === "METRICS") {
    const filter = args[0]?.kind === "string" ? args[0].value : "";
    return {
      kind: "array",
      items: ctx
        .metrics()
        .filter(([id]) => id.includes(filter))
        .map(([, s]) => s),
    };
  }
  if (fn in REDUCERS) {
    if (args.length !== 1) throw new MathSyntaxError(`${fn} takes one argument`);
    return reduce(fn, value(args[0] as MathNode));
  }
  if (fn === "ABS") {
    if (args.length !== 1) throw new MathSyntaxError("ABS takes one argument");
    const v = value(args[0] as MathNode);
    return v.kind === "scalar" ? scalar(Math.abs(v.value)) : combine("*", v, scalar(1)) && absOf(v);
  }
  if (fn === "IF") return ifThen(args.map(value));
  if (fn === "FILL") {
    if (args.length !== 2) throw new MathSyntaxError("FILL takes two arguments");
    return fill(value(args[0] as MathNode), args[1] as MathNode, ctx, value);
  }
  throw new MathSyntaxError(`Unsupported function: ${fn}`);
}

function absOf(v: MathValue): MathValue {
  if (v.kind === "series") return series(mapSeries(v.points, Math.abs));
  if (v.kind === "array") return { kind: "array", items: v.items.map((s) => mapSeries(s, Math.abs)) };
  return scalar(Math.abs(v.value));
}
