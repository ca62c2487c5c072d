/** One route: an HTTP method, a path template and what it leads to. */
export interface RouteDefinition<T> {
  readonly method: string;
  /** `/2015-03-31/functions/{FunctionName}/invocations`; `{Label}` is one segment, `{Label+}` the rest. */
  readonly path: string;
  readonly value: T;
}

/** A matched route with its path labels %-decoded. */
export interface RouteMatch<T> {
  readonly value: T;
  readonly params: Record<string, string>;
}

interface Leaf<T> {
  readonly value: T;
  /** Label names in capture order. */
  readonly labels: readonly string[];
  readonly greedy: string | undefined;
}

interface TrieNode<T> {
  readonly statics: Map<string, TrieNode<T>>;
  label: TrieNode<T> | undefined;
  /** Routes ending in `{Label+}` below this node, by method. */
  readonly greedy: Map<string, Leaf<T>>;
  /** Routes ending at this node, by method. */
  readonly leaves: Map<string, Leaf<T>>;
}

function newNode<T>(): TrieNode<T> {
  return { statics: new Map(), label: undefined, greedy: new Map(), leaves: new Map() };
}

/**
 * Routes rest-json requests by method and path template. The table is compiled once into a trie of
 * segments; matching walks the raw path without building regular expressions or splitting strings.
 * Static segments win over labels; a trailing slash is ignored (botocore sends `/functions/`).
 * @example new Router([{ method: "GET", path: "/fns/{Name}", value: 1 }]).match("GET", "/fns/a%3Ab")
 *   // { value: 1, params: { Name: "a:b" } }
 */
export class Router<T> {
  readonly #root = newNode<T>();

  constructor(routes: readonly RouteDefinition<T>[]) {
    for (const r of routes) this.#add(r);
  }

  #add(route: RouteDefinition<T>): void {
    let node = this.#root;
    const labels: string[] = [];
    let greedy: string | undefined;
    const trimmed = trimSlashes(route.path);
    const segments = trimmed === "" ? [] : trimmed.split("/");
    for (let i = 0; i < segments.length; i++) {
      const s = segments[i] ?? "";
      if (s.startsWith("{") && s.endsWith("+}")) {
        if (i !== segments.length - 1) throw new Error(`greedy label must be last: ${route.path}`);
        greedy = s.slice(1, -2);
        break;
      }
      if (s.startsWith("{") && s.endsWith("}")) {
        labels.push(s.slice(1, -1));
        node.label ??= newNode();
        node = node.label;
        continue;
      }
      let next = node.statics.get(s);
      if (next === undefined) node.statics.set(s, (next = newNode()));
      node = next;
    }
    const table = greedy === undefined ? node.leaves : node.greedy;
    if (table.has(route.method)) throw new Error(`duplicate route: ${route.method} ${route.path}`);
    table.set(route.method, { value: route.value, labels, greedy });
  }

  /** Finds the route for `method` and the raw (still %-encoded, query-less) `path`. */
  match(method: string, path: string): RouteMatch<T> | undefined {
    const end = path.length > 1 && path.endsWith("/") ? path.length - 1 : path.length;
    const captures: string[] = [];
    const found = this.#walk(this.#root, method, path, path.charCodeAt(0) === 47 ? 1 : 0, end, captures);
    if (found === undefined) return undefined;
    const params: Record<string, string> = {};
    try {
      for (let i = 0; i < found.leaf.labels.length; i++) {
        params[found.leaf.labels[i] as string] = decodeURIComponent(captures[i] as string);
      }
      if (found.leaf.greedy !== undefined) params[found.leaf.greedy] = decodeURIComponent(found.rest);
    } catch {
      return undefined; // a malformed %-escape names no resource
    }
    return { value: found.leaf.value, params };
  }

  #walk(
    node: TrieNode<T>,
    method: string,
    path: string,
    start: number,
    end: number,
    captures: string[],
  ): { leaf: Leaf<T>; rest: string } | undefined {
    if (start >= end) {
      const leaf = node.leaves.get(method);
      return leaf && { leaf, rest: "" };
    }
    let slash = path.indexOf("/", start);
    if (slash < 0 || slash > end) slash = end;
    const segment = path.slice(start, slash);
    const next = node.statics.get(segment);
    if (next !== undefined) {
      const found = this.#walk(next, method, path, slash + 1, end, captures);
      if (found) return found;
    }
    if (node.label !== undefined && segment !== "") {
      captures.push(segment);
      const found = this.#walk(node.label, method, path, slash + 1, end, captures);
      if (found) return found;
      captures.pop();
    }
    const greedy = node.greedy.get(method);
    return greedy && { leaf: greedy, rest: path.slice(start, end) };
  }
}

function trimSlashes(path: string): string {
  let s = path.startsWith("/") ? path.slice(1) : path;
  if (s.endsWith("/")) s = s.slice(0, -1);
  return s;
}
