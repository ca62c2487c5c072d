/**
 * FilterCriteria: up to 5 patterns in EventBridge's pattern language, any of which lets a record
 * through. An SQS record's body is matched as JSON when it parses, else as the string it is.
 */
import { compileEventPattern, type EventPredicate } from "../domain/event-pattern/index.js";
import { invalidParameter } from "./validation.js";

const MAX_FILTERS = 5;

/** Checks FilterCriteria as Lambda does (`{}` and `{"Filters": []}` clear the filters). */
export function checkFilterCriteria(value: unknown): void {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalidParameter("Invalid filter pattern definition.");
  }
  const filters = (value as { Filters?: unknown }).Filters;
  if (filters === undefined) return;
  if (!Array.isArray(filters)) throw invalidParameter("Invalid filter pattern definition.");
  if (filters.length > MAX_FILTERS) {
    throw invalidParameter(`The number of filters exceeds the maximum quota of ${MAX_FILTERS}.`);
  }
  for (const f of filters as unknown[]) {
    const pattern = (f as { Pattern?: unknown } | null)?.Pattern;
    if (typeof pattern !== "string" || pattern === "") throw invalidParameter("Invalid filter pattern definition.");
    try {
      compileEventPattern(pattern);
    } catch {
      throw invalidParameter("Invalid filter pattern definition.");
    }
  }
}

/** The stored FilterCriteria compiled to one predicate; undefined when nothing is filtered. */
export function compileFilters(criteria: unknown): EventPredicate | undefined {
  const filters = (criteria as { Filters?: { Pattern: string }[] } | undefined)?.Filters ?? [];
  if (filters.length === 0) return undefined;
  const predicates = filters.map((f) => compileEventPattern(f.Pattern));
  return (record) => predicates.some((p) => p(record));
}

/** An SQS record as filters see it: `body` as JSON when it parses. */
export function filterableSqsRecord(record: { readonly body: string }): unknown {
  let body: unknown = record.body;
  try {
    body = JSON.parse(record.body);
  } catch {
    // Not JSON: matched as the string it is.
  }
  return { ...record, body };
}
