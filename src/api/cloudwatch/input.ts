/**
 * Reading CloudWatch inputs of either protocol: the query protocol sends every value as a string
 * (timestamps ISO 8601), JSON sends numbers (timestamps as epoch seconds). Missing and malformed
 * values get CloudWatch's errors.
 */
import type { Dimension, MetricId } from "../../domain/metrics/metric-key.js";
import { PlatformError } from "../../shared/errors.js";

export type Input = Record<string, unknown>;

/** A required parameter is missing. */
export function missing(name: string): PlatformError {
  return new PlatformError("ERR_CW_MISSING_PARAMETER", `The parameter ${name} is required.`);
}

/** A parameter's value is not valid. */
export function invalid(name: string, value: unknown): PlatformError {
  return new PlatformError("ERR_CW_INVALID_PARAMETER", `The value ${String(value)} for parameter ${name} is invalid.`);
}

/** An optional string. */
export function optString(o: Input, name: string): string | undefined {
  const v = o[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw invalid(name, v);
  return v;
}

/** A required string. */
export function reqString(o: Input, name: string): string {
  const v = optString(o, name);
  if (v === undefined || v === "") throw missing(name);
  return v;
}

/** An optional number (strings of the query protocol parsed). */
export function optNumber(o: Input, name: string): number | undefined {
  const v = o[name];
  if (v === undefined || v === null || v === "") return undefined;
  const n = typeof v === "number" ? v : typeof v === "string" ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw invalid(name, v);
  return n;
}

/** A required number. */
export function reqNumber(o: Input, name: string): number {
  const n = optNumber(o, name);
  if (n === undefined) throw missing(name);
  return n;
}

/** An optional boolean. */
export function optBoolean(o: Input, name: string): boolean | undefined {
  const v = o[name];
  if (v === undefined || v === null) return undefined;
  if (v === true || v === "true") return true;
  if (v === false || v === "false") return false;
  throw invalid(name, v);
}

/** A timestamp in ms: ISO 8601 (query) or epoch seconds (JSON). */
export function optTime(o: Input, name: string): number | undefined {
  const v = o[name];
  if (v === undefined || v === null || v === "") return undefined;
  const ms =
    typeof v === "number"
      ? v * 1000
      : typeof v === "string"
        ? /^\d+(\.\d+)?$/.test(v)
          ? Number(v) * 1000
          : Date.parse(v)
        : NaN;
  if (!Number.isFinite(ms)) throw invalid(name, v);
  return Math.round(ms);
}

/** A required timestamp. */
export function reqTime(o: Input, name: string): number {
  const t = optTime(o, name);
  if (t === undefined) throw missing(name);
  return t;
}

/** A list (absent: empty). */
export function list(o: Input, name: string): Input[] {
  const v = o[name];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw invalid(name, v);
  return v as Input[];
}

/** A list of strings. */
export function stringList(o: Input, name: string): string[] {
  return (list(o, name) as unknown[]).map((v) => {
    if (typeof v !== "string") throw invalid(name, v);
    return v;
  });
}

/** A nested structure (absent: undefined). */
export function struct(o: Input, name: string): Input | undefined {
  const v = o[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object" || Array.isArray(v)) throw invalid(name, v);
  return v as Input;
}

/** Dimensions [{Name, Value}] (at most 30, as CloudWatch allows). */
export function dimensions(o: Input, name = "Dimensions"): Dimension[] {
  const dims = list(o, name).map((d) => ({ name: reqString(d, "Name"), value: reqString(d, "Value") }));
  if (dims.length > 30) throw invalid(name, `${dims.length} dimensions`);
  return dims;
}

/** A metric {Namespace, MetricName, Dimensions}. */
export function metric(o: Input): MetricId {
  return { namespace: reqString(o, "Namespace"), name: reqString(o, "MetricName"), dimensions: dimensions(o) };
}

/** Dimensions as CloudWatch answers them. */
export function dimensionsOut(dims: readonly Dimension[]): { Name: string; Value: string }[] {
  return dims.map((d) => ({ Name: d.name, Value: d.value }));
}

/** CloudWatch's periods: 1, 5, 10, 30 or a multiple of 60 seconds. */
export function checkPeriod(period: number, name = "Period"): void {
  if (!(period === 1 || period === 5 || period === 10 || period === 30 || (period > 0 && period % 60 === 0))) {
    throw invalid(name, period);
  }
}
