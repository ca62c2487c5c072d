import { referencedNames } from "./graph.js";
import type { PreparedTemplate } from "./prepare.js";
import { recreation } from "./replacement.js";
import { isObject, sameValue, templateError } from "./values.js";
import type { TemplateObject, TemplateValue } from "./values.js";

/**
 * Change sets: what deploying a template changes in a stack, per resource, in CloudFormation's
 * ChangeSet shape — Add, Modify (which properties, whether it replaces the resource) or Remove —
 * and the order a deploy carries them out in.
 */

/** One resource of a stack as deployed or about to be. */
export interface ResourceState {
  readonly type: string;
  /** Properties resolved before deploying (parameters, conditions, mappings applied). */
  readonly properties: TemplateObject;
  readonly physicalId?: string | undefined;
  readonly deletionPolicy?: string | undefined;
}

/** A stack's resources and their creation order. */
export interface StackState {
  readonly resources: ReadonlyMap<string, ResourceState>;
  readonly order: readonly string[];
}

/** One detail of a Modify, as DescribeChangeSet lists it. */
export interface ChangeDetail {
  readonly Target: {
    readonly Attribute: "Properties";
    readonly Name: string;
    readonly RequiresRecreation: "Never" | "Conditionally" | "Always";
  };
  readonly Evaluation: "Static" | "Dynamic";
  readonly ChangeSource: "DirectModification" | "ResourceReference";
  readonly CausingEntity?: string | undefined;
}

/** A resource change in CloudFormation's shape, with the changed property paths haneul adds. */
export interface ResourceChange {
  readonly Action: "Add" | "Modify" | "Remove";
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string | undefined;
  readonly ResourceType: string;
  /** For Modify: "True", "False" or "Conditional". */
  readonly Replacement?: "True" | "False" | "Conditional" | undefined;
  readonly Scope: readonly "Properties"[];
  readonly Details: readonly ChangeDetail[];
  /** For Remove: a resource kept by DeletionPolicy Retain is left in place. */
  readonly PolicyAction?: "Delete" | "Retain" | undefined;
  /** Every changed property path, e.g. `Environment/Variables/STAGE`. */
  readonly changedPaths: readonly string[];
}

/** The state a prepared template asks for (what `computeChangeSet` takes as `next`). */
export function stackStateOf(prepared: PreparedTemplate): StackState {
  const resources = new Map<string, ResourceState>();
  for (const [id, r] of prepared.resources) {
    resources.set(id, { type: r.type, properties: r.properties, deletionPolicy: r.deletionPolicy });
  }
  return { resources, order: prepared.order };
}

/** The changes from `previous` to `next`, in logical-id order within each action. */
export function computeChangeSet(previous: StackState, next: StackState): ResourceChange[] {
  const retyped = [...next.resources]
    .filter(([id, r]) => previous.resources.has(id) && previous.resources.get(id)?.type !== r.type)
    .map(([id]) => id);
  if (retyped.length) {
    throw templateError(
      `Update of resource type is not permitted. The new template modifies resource type of the following resources: [${retyped.sort().join(", ")}]`,
    );
  }
  const changes = new Map<string, ResourceChange>();
  for (const [id, r] of [...next.resources].sort(([a], [b]) => a.localeCompare(b))) {
    const before = previous.resources.get(id);
    if (!before)
      changes.set(id, {
        Action: "Add",
        LogicalResourceId: id,
        ResourceType: r.type,
        Scope: [],
        Details: [],
        changedPaths: [],
      });
    else {
      const modified = directModification(id, before, r);
      if (modified) changes.set(id, modified);
    }
  }
  propagateReplacements(next, previous, changes);
  for (const [id, r] of [...previous.resources].sort(([a], [b]) => a.localeCompare(b))) {
    if (next.resources.has(id)) continue;
    changes.set(id, {
      Action: "Remove",
      LogicalResourceId: id,
      PhysicalResourceId: r.physicalId,
      ResourceType: r.type,
      Scope: [],
      Details: [],
      PolicyAction: r.deletionPolicy === "Retain" ? "Retain" : "Delete",
      changedPaths: [],
    });
  }
  const rank = { Add: 0, Modify: 1, Remove: 2 } as const;
  return [...changes.values()].sort(
    (a, b) => rank[a.Action] - rank[b.Action] || a.LogicalResourceId.localeCompare(b.LogicalResourceId),
  );
}

function directModification(id: string, before: ResourceState, after: ResourceState): ResourceChange | undefined {
  const paths = changedPaths(before.properties, after.properties, []);
  if (!paths.length) return undefined;
  const names = [...new Set(paths.map((p) => p.split("/")[0] as string))].sort();
  const details: ChangeDetail[] = names.map((name) => ({
    Target: { Attribute: "Properties", Name: name, RequiresRecreation: recreation(after.type, name) },
    Evaluation: "Static",
    ChangeSource: "DirectModification",
  }));
  return modifyChange(id, before, after.type, details, paths);
}

function modifyChange(
  id: string,
  before: ResourceState,
  type: string,
  details: ChangeDetail[],
  paths: string[],
): ResourceChange {
  const replaces = details.some((d) => d.Target.RequiresRecreation === "Always");
  const maybe = details.some((d) => d.Target.RequiresRecreation === "Conditionally");
  return {
    Action: "Modify",
    LogicalResourceId: id,
    PhysicalResourceId: before.physicalId,
    ResourceType: type,
    Replacement: replaces ? "True" : maybe ? "Conditional" : "False",
    Scope: ["Properties"],
    Details: details,
    changedPaths: paths,
  };
}

/** Where a referenced resource is replaced, the properties that refer to it change too (dynamically). */
function propagateReplacements(next: StackState, previous: StackState, changes: Map<string, ResourceChange>): void {
  const replaced = new Set(
    [...changes.values()].filter((c) => c.Replacement === "True").map((c) => c.LogicalResourceId),
  );
  for (const id of next.order) {
    const r = next.resources.get(id);
    const before = previous.resources.get(id);
    if (!r || !before) continue;
    const existing = changes.get(id);
    const dynamic: ChangeDetail[] = [];
    for (const [name, value] of Object.entries(r.properties)) {
      for (const target of referencedNames(value)) {
        if (!replaced.has(target)) continue;
        const requires = recreation(r.type, name);
        dynamic.push({
          Target: {
            Attribute: "Properties",
            Name: name,
            RequiresRecreation: requires === "Always" ? "Conditionally" : "Never",
          },
          Evaluation: "Dynamic",
          ChangeSource: "ResourceReference",
          CausingEntity: target,
        });
      }
    }
    if (!dynamic.length) continue;
    const details = [...(existing?.Details ?? []), ...dynamic];
    const change = modifyChange(id, before, r.type, details, [...(existing?.changedPaths ?? [])]);
    changes.set(id, change);
    if (change.Replacement === "True") replaced.add(id);
  }
}

/** The paths (keys joined by `/`) where two property maps differ. */
export function changedPaths(a: TemplateValue | undefined, b: TemplateValue | undefined, path: string[]): string[] {
  if (sameValue(a, b)) return [];
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => changedPaths(a[k], b[k], [...path, k]));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    return a.flatMap((x, i) => changedPaths(x, b[i], [...path, String(i)]));
  }
  return [path.join("/")];
}

/** One step of carrying out a change set. */
export interface ApplyStep {
  readonly action: "create" | "update" | "replace" | "delete";
  readonly logicalId: string;
}

/**
 * The order a deploy carries changes out in: creates, updates and replacements in the new
 * template's dependency order, then deletions (including replaced resources' old copies, which
 * CloudFormation removes in its clean-up) in reverse of the old template's order.
 */
export function applyOrder(changes: readonly ResourceChange[], next: StackState, previous: StackState): ApplyStep[] {
  const byId = new Map(changes.map((c) => [c.LogicalResourceId, c]));
  const forward: ApplyStep[] = [];
  for (const id of next.order) {
    const c = byId.get(id);
    if (c?.Action === "Add") forward.push({ action: "create", logicalId: id });
    else if (c?.Action === "Modify")
      forward.push({ action: c.Replacement === "True" ? "replace" : "update", logicalId: id });
  }
  const removals = [...previous.order].reverse().filter((id) => byId.get(id)?.Action === "Remove");
  return [...forward, ...removals.map((id) => ({ action: "delete" as const, logicalId: id }))];
}
