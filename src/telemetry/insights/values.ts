/** The values a query computes with: strings, numbers, booleans, instants (Date) and absence. */
export type Value = string | number | boolean | Date | undefined;

/** A number from a value: instants as epoch ms, numeric strings parsed; NaN otherwise. */
export function toNumber(v: Value): number {
  if (typeof v === "number") return v;
  if (v instanceof Date) return v.getTime();
  if (typeof v === "string" && v.trim() !== "") return Number(v);
  if (typeof v === "boolean") return v ? 1 : 0;
  return NaN;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, "0");

/** `YYYY-MM-DD HH:MM:SS.mmm` (UTC), as GetQueryResults shows times. */
export function formatTime(d: Date): string {
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`
  );
}

/** A value as a result cell shows it; undefined for an absent one (the cell is left out). */
export function show(v: Value): string | undefined {
  if (v === undefined) return undefined;
  if (v instanceof Date) return formatTime(v);
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(15)));
  return String(v);
}

/** Orders two values: numbers numerically when both are numbers, else as strings; absent last. */
export function compareValues(a: Value, b: Value): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  const x = toNumber(a);
  const y = toNumber(b);
  // Numeric strings compare as numbers: parsed fields are strings (`amount` from `parse`).
  if (!Number.isNaN(x) && !Number.isNaN(y)) return x - y;
  const s = String(show(a));
  const t = String(show(b));
  return s < t ? -1 : s > t ? 1 : 0;
}

/** Truthiness in a filter: absent, false, 0 and "" are false. */
export function truthy(v: Value): boolean {
  return v !== undefined && v !== false && v !== 0 && v !== "";
}
