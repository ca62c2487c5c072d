/**
 * CloudWatch's Embedded Metric Format: a log line that is a JSON object with an `_aws` member
 * naming metrics, whose values are the object's own members. A line that is not valid EMF stays
 * a log line and yields no metric, as CloudWatch treats it.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
import type { Dimension } from "./metric-key.js";
import { STANDARD_UNITS } from "./units.js";

/** One metric of an EMF line, for one of its dimension sets. */
export interface EmfMetric {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: readonly Dimension[];
  readonly unit: string;
  /** 1 for high resolution, 60 otherwise. */
  readonly storageResolution: 1 | 60;
  readonly values: readonly number[];
  /** Epoch milliseconds, from `_aws.Timestamp`. */
  readonly timestamp: number;
}

const MAX_DIMENSIONS = 30;
const MAX_METRICS = 100;
const MAX_VALUES = 100;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The JSON object a function's log line carries: the whole line, the message part of the Node
 * runtime's text format (`<time>\t<request id>\t<LEVEL>\t{…}`), or a JSON-format record's `message`.
 */
function objectOf(line: string): Json | undefined {
  const at = line.startsWith("{") ? 0 : line.indexOf("\t{");
  if (at < 0) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(at === 0 ? line : line.slice(at + 1));
  } catch {
    return undefined;
  }
  if (!isObject(value)) return undefined;
  if (!("_aws" in value) && isObject(value["message"])) return value["message"];
  return value;
}

function valuesOf(v: unknown): number[] | undefined {
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0 || list.length > MAX_VALUES) return undefined;
  return list.every((x) => typeof x === "number" && Number.isFinite(x)) ? (list as number[]) : undefined;
}

function dimensionSets(directive: Json, root: Json): Dimension[][] | undefined {
  const sets = directive["Dimensions"];
  if (!Array.isArray(sets)) return undefined;
  const out: Dimension[][] = [];
  for (const set of sets) {
    if (!Array.isArray(set) || set.length > MAX_DIMENSIONS) return undefined;
    const dims: Dimension[] = [];
    for (const name of set) {
      const value = typeof name === "string" ? root[name] : undefined;
      if (typeof value !== "string") return undefined;
      dims.push({ name: name as string, value });
    }
    out.push(dims);
  }
  return out;
}

/** The metrics an EMF line defines; empty for a line that is not (valid) EMF. */
export function emfMetrics(line: string): EmfMetric[] {
  if (!line.includes('"_aws"')) return [];
  const root = objectOf(line.trim());
  const aws = root?.["_aws"];
  if (!root || !isObject(aws)) return [];
  const timestamp = aws["Timestamp"];
  const directives = aws["CloudWatchMetrics"];
  if (typeof timestamp !== "number" || !Number.isFinite(timestamp) || !Array.isArray(directives)) return [];
  const out: EmfMetric[] = [];
  for (const directive of directives) {
    if (!isObject(directive)) return [];
    const namespace = directive["Namespace"];
    const metrics = directive["Metrics"];
    const sets = dimensionSets(directive, root);
    if (typeof namespace !== "string" || namespace === "" || namespace.startsWith("AWS/")) return [];
    if (!Array.isArray(metrics) || metrics.length > MAX_METRICS || !sets) return [];
    for (const m of metrics) {
      const name = isObject(m) ? m["Name"] : undefined;
      if (typeof name !== "string" || name === "") return [];
      const values = valuesOf(root[name]);
      if (!values) return [];
      const unit = (m as Json)["Unit"] ?? "None";
      if (typeof unit !== "string" || !STANDARD_UNITS.has(unit)) return [];
      const storageResolution = (m as Json)["StorageResolution"] === 1 ? 1 : 60;
      // A directive with no dimension set publishes the metric without dimensions.
      for (const dimensions of sets.length > 0 ? sets : [[]]) {
        out.push({ namespace, name, dimensions, unit, storageResolution, values, timestamp });
      }
    }
  }
  return out;
}
