/**
 * A metric's identity in CloudWatch's model: namespace, name and the exact set of dimensions
 * (order does not matter; a metric with one more dimension is another metric).
 */

/** A dimension of a metric. */
export interface Dimension {
  readonly name: string;
  readonly value: string;
}

/** A metric: namespace, name, dimensions sorted by name. */
export interface MetricId {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: readonly Dimension[];
}

/** `dims` sorted by name, as a metric holds them. */
export function sortDimensions(dims: readonly Dimension[]): Dimension[] {
  return [...dims].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The metric's key: equal for the same metric whatever the order its dimensions came in. The
 * separators are control characters CloudWatch refuses in names and values; never NUL, which
 * PostgreSQL's text cannot hold.
 */
export function metricKey(m: MetricId): string {
  const dims = sortDimensions(m.dimensions)
    .map((d) => `${d.name}=${d.value}`)
    .join("\u0001");
  return `${m.namespace}\u001f${m.name}\u001f${dims}`;
}
