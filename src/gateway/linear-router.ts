import { parseTemplate, type RouteMatch, type Router, type TemplatePart } from "./router.js";

interface Route<T> {
  readonly method: string;
  readonly parts: readonly TemplatePart[];
  readonly value: T;
}

const RANK = { static: 0, param: 1, greedy: 2 } as const;

/**
 * The reference router: tests every route and ranks the matches by template specificity,
 * segment by segment, then exact method over `ANY`. Slow on big tables; it exists so the trie
 * is checked against a second, obviously-correct reading of the same rules.
 */
export class LinearRouter<T> implements Router<T> {
  readonly #routes: Route<T>[] = [];

  add(method: string, template: string, value: T): void {
    this.#routes.push({ method, parts: parseTemplate(template), value });
  }

  match(method: string, segments: readonly string[]): RouteMatch<T> | undefined {
    const best = this.#best(segments, (r) => r.method === method || r.method === "ANY", method);
    return best ? { value: best.route.value, params: best.params } : undefined;
  }

  methodsAt(segments: readonly string[]): readonly string[] {
    const best = this.#best(segments, () => true, undefined);
    if (!best) return [];
    const key = JSON.stringify(best.route.parts);
    return this.#routes.filter((r) => JSON.stringify(r.parts) === key).map((r) => r.method);
  }

  #best(segments: readonly string[], ok: (r: Route<T>) => boolean, method: string | undefined) {
    let best: { route: Route<T>; params: Record<string, string> | undefined } | undefined;
    for (const route of this.#routes) {
      if (!ok(route)) continue;
      const params = bind(route.parts, segments);
      if (params === null) continue;
      if (!best || compare(route, best.route, method) < 0) best = { route, params };
    }
    return best;
  }
}

function bind(parts: readonly TemplatePart[], segments: readonly string[]): Record<string, string> | undefined | null {
  let params: Record<string, string> | undefined;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as TemplatePart;
    const seg = segments[i];
    if (part.kind === "greedy") {
      if (i >= segments.length) return null;
      (params ??= {})[part.name] = segments.slice(i).join("/");
      return params;
    }
    if (seg === undefined) return null;
    if (part.kind === "static" && part.text !== seg) return null;
    if (part.kind === "param") {
      if (seg === "") return null;
      (params ??= {})[part.name] = seg;
    }
  }
  return parts.length === segments.length ? params : null;
}

function compare<T>(a: Route<T>, b: Route<T>, method: string | undefined): number {
  const n = Math.max(a.parts.length, b.parts.length);
  for (let i = 0; i < n; i++) {
    const ra = a.parts[i] ? RANK[(a.parts[i] as TemplatePart).kind] : -1;
    const rb = b.parts[i] ? RANK[(b.parts[i] as TemplatePart).kind] : -1;
    if (ra !== rb) return ra - rb;
  }
  const ea = a.method === method ? 0 : 1;
  const eb = b.method === method ? 0 : 1;
  return ea - eb;
}
