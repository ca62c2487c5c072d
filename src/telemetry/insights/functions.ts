/** The scalar functions of Logs Insights that a record's values are enough for. */
import { toNumber, type Value } from "./values.js";

type Fn = (args: Value[]) => Value;

const str = (v: Value): string | undefined =>
  v === undefined ? undefined : v instanceof Date ? String(v.getTime()) : String(v);
const num =
  (f: (x: number) => number): Fn =>
  ([v]) => {
    const x = toNumber(v);
    return Number.isNaN(x) ? undefined : f(x);
  };
const text =
  (f: (s: string) => Value): Fn =>
  ([v]) => {
    const s = str(v);
    return s === undefined ? undefined : f(s);
  };

function datefloor([t, unit]: Value[]): Value {
  const ms = toNumber(t);
  const step = toNumber(unit);
  return Number.isNaN(ms) || !(step > 0) ? undefined : new Date(Math.floor(ms / step) * step);
}

const SCALARS: Readonly<Record<string, Fn>> = {
  strlen: text((s) => s.length),
  tolower: text((s) => s.toLowerCase()),
  toupper: text((s) => s.toUpperCase()),
  trim: text((s) => s.trim()),
  ltrim: text((s) => s.trimStart()),
  rtrim: text((s) => s.trimEnd()),
  concat: (args) => args.map((a) => str(a) ?? "").join(""),
  substr: ([s, start, len]) => {
    const v = str(s);
    if (v === undefined) return undefined;
    const from = toNumber(start);
    return len === undefined ? v.slice(from) : v.slice(from, from + toNumber(len));
  },
  replace: ([s, find, by]) =>
    str(s)
      ?.split(str(find) ?? "")
      .join(str(by) ?? ""),
  strcontains: ([s, part]) => (str(s)?.includes(str(part) ?? "") ? 1 : 0),
  abs: num(Math.abs),
  floor: num(Math.floor),
  ceil: num(Math.ceil),
  sqrt: num(Math.sqrt),
  log: num(Math.log),
  greatest: (args) => Math.max(...args.map(toNumber).filter((x) => !Number.isNaN(x))),
  least: (args) => Math.min(...args.map(toNumber).filter((x) => !Number.isNaN(x))),
  ispresent: ([v]) => v !== undefined,
  isempty: ([v]) => v === undefined || v === "",
  isblank: ([v]) => v === undefined || str(v)?.trim() === "",
  datefloor,
  dateceil: ([t, unit]) => {
    const f = datefloor([t, unit]);
    return f instanceof Date && f.getTime() !== toNumber(t) ? new Date(f.getTime() + toNumber(unit)) : f;
  },
  frommillis: num((x) => x),
  tomillis: ([v]) => (v instanceof Date ? v.getTime() : undefined),
};
// fromMillis gives an instant.
const fromMillis: Fn = ([v]) => {
  const x = toNumber(v);
  return Number.isNaN(x) ? undefined : new Date(x);
};

/** A scalar function by its lower-case name. */
export function scalarFunction(name: string): Fn | undefined {
  return name === "frommillis" ? fromMillis : SCALARS[name];
}

/** Every function name the parser accepts besides the aggregates (`bin` reads @timestamp). */
export const FUNCTION_NAMES: ReadonlySet<string> = new Set([...Object.keys(SCALARS), "bin"]);
