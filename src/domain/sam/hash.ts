import { createHash } from "node:crypto";

/**
 * SAM's stable logical ids (its LogicalIdGenerator): the prefix followed by the first 10 hex
 * digits of the SHA-1 of the data, where the data is a string as is or anything else as Python's
 * `json.dumps(data, separators=(",", ":"), sort_keys=True)` writes it — so the ids match SAM's.
 */

/** The first `length` hex digits of the SHA-1 of `data` as SAM serializes it ("" for empty data). */
export function samHash(data: unknown, length = 10): string {
  if (data === undefined || data === null || data === "" || isEmptyContainer(data)) return "";
  const text = typeof data === "string" ? data : pythonJson(data);
  return createHash("sha1").update(text, "utf8").digest("hex").slice(0, length);
}

/** `prefix` + the hash of `data`, as SAM names versions, layers, deployments and hashed stages. */
export function samLogicalId(prefix: string, data: unknown): string {
  return prefix + samHash(data);
}

function isEmptyContainer(data: unknown): boolean {
  return (
    (Array.isArray(data) && data.length === 0) ||
    (typeof data === "object" && data !== null && Object.keys(data).length === 0)
  );
}

/** Python's compact, key-sorted, ASCII-only JSON. */
export function pythonJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return asciiString(value);
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : pythonFloat(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${asciiString(k)}:${pythonJson(v)}`).join(",")}}`;
}

function asciiString(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function pythonFloat(n: number): string {
  const text = String(n);
  return /e/.test(text) ? text.replace(/e([+-])(\d)$/, "e$10$2") : text;
}
