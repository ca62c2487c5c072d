/**
 * Route matching as API Gateway does it. A request path is split once into decoded segments;
 * a route template is split into static segments, `{param}` segments and a final greedy
 * `{name+}` segment. At each segment a static child beats a `{param}`, which beats a greedy
 * variable; a route must also accept the method (the exact method beats `ANY`), otherwise the
 * search backs off to the next-best template. That is HTTP API's documented order (full match,
 * then greedy, then `$default`); REST resources resolve the same way.
 */

/** One parsed segment of a route template. */
export type TemplatePart =
  | { readonly kind: "static"; readonly text: string }
  | { readonly kind: "param"; readonly name: string }
  | { readonly kind: "greedy"; readonly name: string };

/** A successful match: the stored value and the decoded path parameters. */
export interface RouteMatch<T> {
  readonly value: T;
  readonly params: Record<string, string> | undefined;
}

/**
 * The router every implementation provides; all pass `router.test-cases.ts`.
 * @example const r = new TrieRouter<string>(); r.add("GET", "/items/{id}", "get"); r.match("GET", ["items", "7"]);
 */
export interface Router<T> {
  /** Registers `value` for `method` (`GET`, …, or `ANY`) on a path template such as `/items/{id}`. */
  add(method: string, template: string, value: T): void;
  /** The best route for a method and the decoded path segments (see splitPath), or undefined. */
  match(method: string, segments: readonly string[]): RouteMatch<T> | undefined;
  /** Methods registered on the template the segments resolve to, ignoring the method (for OPTIONS). */
  methodsAt(segments: readonly string[]): readonly string[];
}

/** Parses a route template (`/items/{id}/{proxy+}`) into parts. `/` is the empty list. */
export function parseTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  for (const seg of template.split("/")) {
    if (seg === "") continue;
    if (seg.startsWith("{") && seg.endsWith("}")) {
      const inner = seg.slice(1, -1);
      if (inner.endsWith("+")) parts.push({ kind: "greedy", name: inner.slice(0, -1) });
      else parts.push({ kind: "param", name: inner });
    } else {
      parts.push({ kind: "static", text: seg });
    }
  }
  return parts;
}

/**
 * Splits a raw (still %-encoded) path into decoded segments. One trailing slash is ignored
 * (`/items/` routes like `/items`), as API Gateway does; empty inner segments stay empty and
 * never bind a parameter.
 */
export function splitPath(rawPath: string): readonly string[] {
  const known = SPLIT.get(rawPath);
  if (known) return known;
  const segments = split(rawPath);
  // Requests mostly come again on the same paths: their segments are kept (a bounded number of
  // short paths).
  if (rawPath.length > SPLIT_PATH_CHARS) return segments;
  if (SPLIT.size >= SPLIT_ENTRIES) SPLIT.clear();
  SPLIT.set(rawPath, segments);
  return segments;
}

const SPLIT = new Map<string, readonly string[]>();
const SPLIT_ENTRIES = 1024;
const SPLIT_PATH_CHARS = 256;

function split(rawPath: string): string[] {
  const trimmed = rawPath.endsWith("/") ? rawPath.slice(1, -1) : rawPath.slice(1);
  if (trimmed === "") return [];
  const raw = trimmed.split("/");
  for (let i = 0; i < raw.length; i++) raw[i] = decodeSegment(raw[i] as string);
  return raw;
}

function decodeSegment(seg: string): string {
  if (!seg.includes("%")) return seg;
  try {
    return decodeURIComponent(seg);
  } catch {
    // A malformed escape is matched literally rather than failing the request.
    return seg;
  }
}

/** Picks the handler for a method: the exact method first, then `ANY`. */
export function pickMethod<T>(handlers: ReadonlyMap<string, T>, method: string): T | undefined {
  return handlers.get(method) ?? handlers.get("ANY");
}
