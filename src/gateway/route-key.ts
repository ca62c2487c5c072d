/** A parsed route key: `"GET /items/{id}"`, `"ANY /{proxy+}"` or HTTP API's `"$default"`. */
export type ParsedRouteKey =
  { readonly kind: "route"; readonly method: string; readonly path: string } | { readonly kind: "default" };

/** Parses a route key; throws on a key that is neither `$default` nor `METHOD /path`. */
export function parseRouteKey(routeKey: string): ParsedRouteKey {
  if (routeKey === "$default") return { kind: "default" };
  const space = routeKey.indexOf(" ");
  const method = space > 0 ? routeKey.slice(0, space).toUpperCase() : "";
  const path = routeKey.slice(space + 1).trim();
  if (!method || !path.startsWith("/")) throw new Error(`invalid route key: ${JSON.stringify(routeKey)}`);
  return { kind: "route", method, path };
}
