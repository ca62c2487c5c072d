import { parseTemplate, pickMethod, type RouteMatch, type Router, type TemplatePart } from "./router.js";

interface Entry<T> {
  readonly value: T;
  /** Names of the `{param}` parts in order, then the greedy name if any. */
  readonly names: readonly string[];
}

class TrieNode<T> {
  readonly statics = new Map<string, TrieNode<T>>();
  param: TrieNode<T> | undefined;
  /** Handlers of routes ending here. */
  readonly handlers = new Map<string, Entry<T>>();
  /** Handlers of routes whose greedy variable starts here. */
  readonly greedy = new Map<string, Entry<T>>();
}

/**
 * A segment trie with backtracking: static children first, then `{param}`, then a greedy
 * variable, each tried only if a route below accepts the method. Built once per deployment;
 * matching allocates only the parameter list.
 */
export class TrieRouter<T> implements Router<T> {
  readonly #root = new TrieNode<T>();

  add(method: string, template: string, value: T): void {
    const parts = parseTemplate(template);
    const names: string[] = [];
    let node = this.#root;
    for (const part of parts) {
      if (part.kind === "greedy") {
        names.push(part.name);
        node.greedy.set(method, { value, names });
        return;
      }
      node = this.#child(node, part);
      if (part.kind === "param") names.push(part.name);
    }
    node.handlers.set(method, { value, names });
  }

  match(method: string, segments: readonly string[]): RouteMatch<T> | undefined {
    const values: string[] = [];
    const entry = walk(this.#root, { segments, method, values }, 0);
    if (!entry) return undefined;
    if (entry.names.length === 0) return { value: entry.value, params: undefined };
    const params: Record<string, string> = {};
    for (let i = 0; i < entry.names.length; i++) params[entry.names[i] as string] = values[i] as string;
    return { value: entry.value, params };
  }

  methodsAt(segments: readonly string[]): readonly string[] {
    const w: Walk<T> = { segments, method: undefined, values: [] };
    walk(this.#root, w, 0);
    return w.matched ? [...w.matched.keys()] : [];
  }

  #child(node: TrieNode<T>, part: TemplatePart): TrieNode<T> {
    if (part.kind === "param") return (node.param ??= new TrieNode<T>());
    const text = part.kind === "static" ? part.text : "";
    let next = node.statics.get(text);
    if (!next) {
      next = new TrieNode<T>();
      node.statics.set(text, next);
    }
    return next;
  }
}

interface Walk<T> {
  readonly segments: readonly string[];
  /** undefined: any method (methodsAt); the handler map that matched is left in `matched`. */
  readonly method: string | undefined;
  readonly values: string[];
  matched?: Map<string, Entry<T>>;
}

function accept<T>(handlers: Map<string, Entry<T>>, w: Walk<T>): Entry<T> | undefined {
  if (w.method !== undefined) return pickMethod(handlers, w.method);
  const first = handlers.values().next();
  if (first.done) return undefined;
  w.matched = handlers;
  return first.value;
}

function walk<T>(node: TrieNode<T>, w: Walk<T>, i: number): Entry<T> | undefined {
  const { segments, values } = w;
  if (i === segments.length) return accept(node.handlers, w);
  const seg = segments[i] as string;
  const child = node.statics.get(seg);
  if (child) {
    const hit = walk(child, w, i + 1);
    if (hit) return hit;
  }
  if (node.param && seg !== "") {
    values.push(seg);
    const hit = walk(node.param, w, i + 1);
    if (hit) return hit;
    values.pop();
  }
  if (node.greedy.size > 0) {
    const hit = accept(node.greedy, w);
    if (hit) {
      values.push(segments.slice(i).join("/"));
      return hit;
    }
  }
  return undefined;
}
