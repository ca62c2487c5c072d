import { subReferences } from "./sub.js";
import { intrinsicName, isObject, templateError } from "./values.js";
import type { TemplateObject, TemplateValue } from "./values.js";

/**
 * The dependency graph of a template's resources: an edge for every Ref, Fn::GetAtt, Fn::Sub
 * variable and DependsOn between resources; a deterministic creation order; cycles refused with
 * CloudFormation's message.
 */

/** The names a value refers to: Ref targets, Fn::GetAtt resources and Fn::Sub variables (before the dot). */
export function referencedNames(value: TemplateValue, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const v of value) referencedNames(v, out);
    return out;
  }
  if (!isObject(value)) return out;
  const name = intrinsicName(value);
  const arg = name ? (value[name] as TemplateValue) : undefined;
  if (name === "Ref" && typeof arg === "string") out.add(arg);
  else if (name === "Fn::GetAtt") {
    const target = typeof arg === "string" ? arg.split(".")[0] : Array.isArray(arg) ? arg[0] : undefined;
    if (typeof target === "string") out.add(target);
    if (Array.isArray(arg)) referencedNames(arg.slice(1), out);
  } else if (name === "Fn::Sub") {
    for (const v of subReferences(arg as TemplateValue))
      out.add(v.includes(".") && !v.startsWith("AWS::") ? (v.split(".")[0] as string) : v);
    if (Array.isArray(arg) && isObject(arg[1])) referencedNames(arg[1], out);
  } else if (name !== "Condition") {
    for (const v of Object.values(value)) referencedNames(v, out);
  }
  return out;
}

/** The DependsOn of a resource as a list. */
export function dependsOnList(resource: TemplateObject): string[] {
  const d = resource.DependsOn;
  if (d === undefined) return [];
  if (typeof d === "string") return [d];
  if (Array.isArray(d) && d.every((x) => typeof x === "string")) return d;
  throw templateError("Template format error: DependsOn must be a string or list of strings.");
}

/** Logical id → the resources it depends on. */
export type DependencyGraph = ReadonlyMap<string, ReadonlySet<string>>;

/**
 * Builds the graph of `resources`; `known` are the other names a Ref may use (parameters, pseudo
 * parameters). A reference to anything else is CloudFormation's unresolved-dependency error.
 */
export function dependencyGraph(
  resources: Readonly<Record<string, TemplateObject>>,
  known: ReadonlySet<string>,
): DependencyGraph {
  const graph = new Map<string, Set<string>>();
  const unresolved = new Set<string>();
  for (const [id, resource] of Object.entries(resources)) {
    const deps = new Set<string>();
    const names = referencedNames({ Properties: resource.Properties ?? null, Metadata: null });
    for (const n of [...names, ...dependsOnList(resource)]) {
      if (n in resources) deps.add(n);
      else if (!known.has(n) && !n.startsWith("AWS::")) unresolved.add(n);
    }
    graph.set(id, deps);
  }
  if (unresolved.size) {
    throw templateError(
      `Template format error: Unresolved resource dependencies [${[...unresolved].sort().join(", ")}] in the Resources block of the template`,
    );
  }
  const cycle = cyclicResources(graph);
  if (cycle.length) throw templateError(`Circular dependency between resources: [${cycle.join(", ")}]`);
  return graph;
}

/** Resources in dependency order (each after everything it depends on); ties in logical-id order. */
export function creationOrder(graph: DependencyGraph): string[] {
  const pending = new Map([...graph].map(([id, deps]) => [id, new Set(deps)]));
  const order: string[] = [];
  while (pending.size) {
    const ready = [...pending]
      .filter(([, deps]) => deps.size === 0)
      .map(([id]) => id)
      .sort();
    if (!ready.length)
      throw templateError(`Circular dependency between resources: [${cyclicResources(graph).join(", ")}]`);
    for (const id of ready) {
      order.push(id);
      pending.delete(id);
    }
    for (const deps of pending.values()) for (const id of ready) deps.delete(id);
  }
  return order;
}

/** The resources that are part of a cycle (Tarjan's strongly connected components of more than one node, or a self-edge), sorted. */
export function cyclicResources(graph: DependencyGraph): string[] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop() as string;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v)?.has(v)) out.push(...component);
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return out.sort();
}
