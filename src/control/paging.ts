import { PlatformError } from "../shared/errors.js";
import type { PageInput } from "./types.js";
import { Violations } from "./violations.js";

/** Lambda's list operations answer at most 50 items per page, whatever MaxItems asks. */
export const MAX_PAGE = 50;

/** One page of items and the marker of the next, if any. */
export interface Page<T> {
  readonly items: T[];
  readonly nextMarker?: string | undefined;
}

/**
 * Pages `items` in the order of `key`: the marker is the opaque key of the last item returned, so
 * paging stays correct while items are added or removed elsewhere.
 */
export function paginate<T>(all: readonly T[], key: (item: T) => string, input: PageInput, maxItems = 10000): Page<T> {
  const items = [...all].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const v = new Violations();
  v.range(input.MaxItems, "maxItems", 1, maxItems);
  v.throwIfAny();
  const size = Math.min(input.MaxItems ?? MAX_PAGE, MAX_PAGE);
  let start = 0;
  if (input.Marker !== undefined && input.Marker !== "") {
    const after = decodeMarker(input.Marker);
    start = items.findIndex((item) => key(item) > after);
    if (start < 0) start = items.length;
  }
  const slice = items.slice(start, start + size);
  const more = start + size < items.length && slice.length > 0;
  return { items: slice, nextMarker: more ? encodeMarker(key(slice[slice.length - 1] as T)) : undefined };
}

function encodeMarker(key: string): string {
  return Buffer.from(key, "utf8").toString("base64url");
}

function decodeMarker(marker: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(marker)) throw new PlatformError("ERR_INVALID_PARAMETER", "Invalid marker: " + marker);
  return Buffer.from(marker, "base64url").toString("utf8");
}

/**
 * Sort key of a version inside its function: `$LATEST` first, then numbers in order. Never empty:
 * the marker is the key of the last item, and an empty marker would read as "start over".
 */
export function versionKey(version: string): string {
  return version === "$LATEST" ? "$" : version.padStart(12, "0");
}
