/** Evaluates an expression against one row (an event, or a row `stats` made). */
import type { Expr } from "./ast.js";
import { scalarFunction } from "./functions.js";
import { compareValues, show, toNumber, truthy, type Value } from "./values.js";

/** What an expression reads its fields from. */
export interface Row {
  get(name: string): Value;
  put(name: string, value: Value): void;
}

function arithmetic(op: string, a: Value, b: Value): Value {
  const x = toNumber(a);
  const y = toNumber(b);
  if (Number.isNaN(x) || Number.isNaN(y)) return undefined;
  switch (op) {
    case "+":
      return x + y;
    case "-":
      return x - y;
    case "*":
      return x * y;
    case "/":
      return y === 0 ? undefined : x / y;
    case "%":
      return y === 0 ? undefined : x % y;
    default:
      return x ** y;
  }
}

function compare(op: string, a: Value, b: Value): boolean {
  if (a === undefined || b === undefined) return op === "!=" ? a !== b : false;
  const c = compareValues(a, b);
  switch (op) {
    case "=":
      return c === 0;
    case "!=":
      return c !== 0;
    case "<":
      return c < 0;
    case "<=":
      return c <= 0;
    case ">":
      return c > 0;
    default:
      return c >= 0;
  }
}

function like(row: Row, e: Extract<Expr, { k: "like" }>): boolean {
  const s = show(evaluate(row, e.e));
  if (s === undefined) return false;
  if (e.pattern.k === "regex") return e.pattern.re.test(s);
  const p = show(evaluate(row, e.pattern));
  return p !== undefined && s.includes(p);
}

/** The value of `e` on `row`; absent fields and failed conversions are undefined. */
export function evaluate(row: Row, e: Expr): Value {
  switch (e.k) {
    case "field":
      return row.get(e.name);
    case "lit":
      return e.value;
    case "regex":
      return e.re.source;
    case "duration":
      return e.ms;
    case "neg":
      return arithmetic("-", 0, evaluate(row, e.e));
    case "not":
      return !truthy(evaluate(row, e.e));
    case "like":
      return like(row, e);
    case "in": {
      const v = evaluate(row, e.e);
      return v !== undefined && e.list.some((x) => compareValues(v, evaluate(row, x)) === 0);
    }
    case "binary":
      if (e.op === "and") return truthy(evaluate(row, e.left)) && truthy(evaluate(row, e.right));
      if (e.op === "or") return truthy(evaluate(row, e.left)) || truthy(evaluate(row, e.right));
      if (/^[-+*/%^]$/.test(e.op)) return arithmetic(e.op, evaluate(row, e.left), evaluate(row, e.right));
      return compare(e.op, evaluate(row, e.left), evaluate(row, e.right));
    case "call": {
      if (e.fn === "bin") {
        const step = toNumber(evaluate(row, e.args[0] as Expr));
        const at = toNumber(row.get("@timestamp"));
        return step > 0 && !Number.isNaN(at) ? new Date(Math.floor(at / step) * step) : undefined;
      }
      const fn = scalarFunction(e.fn);
      // An aggregate outside stats has no value per record.
      return fn ? fn(e.args.map((a) => evaluate(row, a))) : undefined;
    }
  }
}

/** A row `stats` produced: its group's keys and aggregates. */
export class MapRow implements Row {
  readonly values = new Map<string, Value>();
  get(name: string): Value {
    return this.values.get(name);
  }
  put(name: string, value: Value): void {
    this.values.set(name, value);
  }
}
