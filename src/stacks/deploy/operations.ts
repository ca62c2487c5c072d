import { resolveDeployedOutputs } from "../../domain/template/prepare.js";
import type {
  StackOutputRecord,
  StackRecord,
  StackResourceRecord,
  StackStatus,
  StackStore,
} from "../../ports/stack-store.js";
import type { Clock } from "../../shared/clock.js";
import { applyTemplate, cleanUp } from "./apply.js";
import type { LiveResources } from "./apply.js";
import { deployedView } from "./deployed-view.js";
import { stackEvent } from "./events.js";
import type { OperationScope } from "./events.js";
import { reasonOf } from "./handler.js";
import type { StackServices } from "./handler.js";
import { parameterOverrides, processStackTemplate } from "./stack-template.js";

/**
 * The stack operations: deploy a template (create or update) with rollback on failure, delete a
 * stack, and finish what a restart interrupted. Every state change is written to the store
 * before the next step, so a restart finds the stack as it was left.
 */

/** What operations run with. */
export interface OperationDeps {
  readonly store: StackStore;
  readonly services: StackServices;
  readonly clock: Clock;
  readonly nodeId: string;
}

type Op = OperationScope & { readonly services: StackServices };

function scopeOf(deps: OperationDeps, stack: StackRecord): Op {
  return {
    stackId: stack.stackId,
    stackName: stack.stackName,
    store: deps.store,
    clock: deps.clock,
    ids: deps.services.ids,
    services: deps.services,
  };
}

async function setStatus(
  deps: OperationDeps,
  stack: StackRecord,
  status: StackStatus,
  extra: Partial<StackRecord> = {},
): Promise<StackRecord> {
  const next: StackRecord = { ...stack, ...extra, status, statusReason: extra.statusReason };
  await deps.store.putStack(next);
  await stackEvent(scopeOf(deps, next), status, extra.statusReason);
  return next;
}

async function liveOf(deps: OperationDeps, stackId: string): Promise<LiveResources> {
  return new Map((await deps.store.listResources(stackId)).map((r) => [r.logicalId, r]));
}

function exportsOf(deps: OperationDeps): Promise<Map<string, string>> {
  return deps.store.listExports().then((all) => new Map(all.map((e) => [e.name, e.value])));
}

function reverseOrder(live: LiveResources, order: readonly string[]): StackResourceRecord[] {
  const known = order.filter((id) => live.has(id));
  const rest = [...live.keys()].filter((id) => !order.includes(id));
  return [...known, ...rest].reverse().map((id) => live.get(id) as StackResourceRecord);
}

/** Deploys `templateBody` with `parameters` to `stack` (marked in progress by the caller's record). */
export async function deployStack(
  deps: OperationDeps,
  stack: StackRecord,
  input: { templateBody: string; overrides: Record<string, string>; changeSetId?: string | undefined },
): Promise<StackRecord> {
  const creating = stack.status === "REVIEW_IN_PROGRESS" || stack.status === "CREATE_IN_PROGRESS";
  const live = await liveOf(deps, stack.stackId);
  const op = scopeOf(deps, stack);
  let current = await setStatus(deps, stack, creating ? "CREATE_IN_PROGRESS" : "UPDATE_IN_PROGRESS", {
    templateBody: input.templateBody,
    changeSetId: input.changeSetId,
    runningOn: deps.nodeId,
    updatedAt: creating ? undefined : deps.clock.now(),
    rollbackTo: creating
      ? undefined
      : {
          status: stack.status,
          templateBody: stack.templateBody,
          parameters: stack.parameters,
          outputs: stack.outputs,
          resources: [...live.values()],
          order: stack.order,
        },
  });
  let template: ReturnType<typeof processStackTemplate>;
  try {
    template = processStackTemplate({
      ...context(deps, stack),
      templateBody: input.templateBody,
      overrides: input.overrides,
      exports: await exportsOf(deps),
    });
  } catch (e) {
    return rollBack(deps, current, { reason: reasonOf(e), live, replaced: [], creating });
  }
  const { processed, parameters } = template;
  current = {
    ...current,
    parameters,
    processedTemplate: JSON.stringify(processed.processed),
    description: typeof processed.processed.Description === "string" ? processed.processed.Description : undefined,
  };
  await deps.store.putStack(current);
  const result = await applyTemplate({ ...op, rollback: false }, processed.prepared, {
    records: live,
    order: stack.order,
  });
  let failure =
    result.failed &&
    `The following resource(s) failed to ${creating ? "create" : "update"}: [${result.failed.logicalId}]. `;
  let outputs: StackOutputRecord[] = [];
  if (!failure) {
    try {
      outputs = resolveDeployedOutputs(processed.prepared, deployedView(live)).map((o) => ({
        key: o.name,
        value: outputText(o.value),
        description: o.description,
        exportName: o.exportName,
      }));
      const exports = outputs
        .filter((o) => o.exportName)
        .map((o) => ({ name: o.exportName ?? "", value: o.value, stackId: stack.stackId }));
      const taken = await deps.store.replaceExports(stack.stackId, exports);
      if (taken) failure = `Export with name ${taken} is already exported by another stack. `;
    } catch (e) {
      failure = reasonOf(e);
    }
  }
  if (failure) return rollBack(deps, current, { reason: failure, live, replaced: result.replaced, creating });
  if (!creating) current = await setStatus(deps, current, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS");
  await cleanUp(op, result.cleanup, live);
  return setStatus(deps, current, creating ? "CREATE_COMPLETE" : "UPDATE_COMPLETE", {
    outputs,
    order: [...processed.prepared.order],
    rollbackTo: undefined,
    runningOn: undefined,
  });
}

function outputText(value: unknown): string {
  if (Array.isArray(value)) return value.map(outputText).join(",");
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean"
    ? String(value)
    : JSON.stringify(value);
}

function context(deps: OperationDeps, stack: StackRecord) {
  return {
    stackName: stack.stackName,
    stackId: stack.stackId,
    region: deps.services.region,
    accountId: deps.services.accountId,
  };
}

/** Returns the stack to the state it had before the operation (a new stack: to nothing). */
export async function rollBack(
  deps: OperationDeps,
  stack: StackRecord,
  input: { reason: string; live: LiveResources; replaced: readonly StackResourceRecord[]; creating: boolean },
): Promise<StackRecord> {
  const op = scopeOf(deps, stack);
  const { live } = input;
  // Reasons read as sentences: "The following resource(s) failed to create: [X]. Rollback requested by user."
  input = { ...input, reason: /\.\s*$/.test(input.reason) ? `${input.reason.trimEnd()} ` : `${input.reason}. ` };
  if (input.creating || !stack.rollbackTo) {
    let current = await setStatus(deps, stack, "ROLLBACK_IN_PROGRESS", {
      statusReason: `${input.reason}Rollback requested by user.`,
    });
    const failures = await cleanUp(op, reverseOrder(live, stack.order), live);
    await deps.store.replaceExports(stack.stackId, []);
    current = { ...current, outputs: [] };
    return setStatus(deps, current, failures.length ? "ROLLBACK_FAILED" : "ROLLBACK_COMPLETE", {
      statusReason: failures.length
        ? `The following resource(s) failed to delete: [${failures.join("; ")}]`
        : `${input.reason}Rollback requested by user.`,
      runningOn: undefined,
    });
  }
  const before = stack.rollbackTo;
  const current = await setStatus(deps, stack, "UPDATE_ROLLBACK_IN_PROGRESS", { statusReason: input.reason });
  // A replaced resource gets its old copy back; the new copy goes in the clean-up.
  const newCopies: StackResourceRecord[] = [];
  for (const old of input.replaced) {
    const fresh = live.get(old.logicalId);
    if (fresh && fresh !== old) newCopies.push(fresh);
    live.set(old.logicalId, old);
    await deps.store.putResource(stack.stackId, old);
  }
  try {
    const { processed } = processStackTemplate({
      ...context(deps, stack),
      templateBody: before.templateBody,
      overrides: parameterOverrides(before.parameters),
      exports: await exportsOf(deps),
    });
    const result = await applyTemplate({ ...op, rollback: true }, processed.prepared, {
      records: live,
      order: stack.order,
    });
    if (result.failed) throw new Error(`${result.failed.logicalId}: ${result.failed.reason}`);
    const cleaning = await setStatus(deps, current, "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS");
    for (const copy of newCopies) live.set(copy.logicalId, copy);
    await cleanUp(op, [...newCopies, ...result.cleanup], live);
    for (const old of input.replaced) live.set(old.logicalId, old);
    await deps.store.replaceExports(
      stack.stackId,
      before.outputs
        .filter((o) => o.exportName)
        .map((o) => ({ name: o.exportName ?? "", value: o.value, stackId: stack.stackId })),
    );
    return setStatus(deps, cleaning, "UPDATE_ROLLBACK_COMPLETE", {
      statusReason: input.reason,
      templateBody: before.templateBody,
      parameters: before.parameters,
      outputs: before.outputs,
      order: before.order,
      rollbackTo: undefined,
      runningOn: undefined,
    });
  } catch (e) {
    return setStatus(deps, current, "UPDATE_ROLLBACK_FAILED", {
      statusReason: reasonOf(e),
      runningOn: undefined,
    });
  }
}

/** Deletes every resource of the stack (in reverse creation order), then the stack. */
export async function deleteStack(deps: OperationDeps, stack: StackRecord): Promise<StackRecord> {
  const live = await liveOf(deps, stack.stackId);
  const current = await setStatus(deps, stack, "DELETE_IN_PROGRESS", {
    runningOn: deps.nodeId,
  });
  const failures = await cleanUp(scopeOf(deps, stack), reverseOrder(live, stack.order), live);
  if (failures.length) {
    return setStatus(deps, current, "DELETE_FAILED", {
      statusReason: `The following resource(s) failed to delete: [${failures.join("; ")}]. `,
      runningOn: undefined,
    });
  }
  await deps.store.replaceExports(stack.stackId, []);
  for (const cs of await deps.store.listChangeSets(stack.stackId)) await deps.store.deleteChangeSet(cs.changeSetId);
  return setStatus(deps, current, "DELETE_COMPLETE", {
    deletedAt: deps.clock.now(),
    runningOn: undefined,
  });
}

/**
 * After a restart: a stack this node was working on is rolled back (a creation: its resources
 * deleted; an update: back to the previous template), a deletion or a clean-up is finished.
 */
export async function recoverStack(deps: OperationDeps, stack: StackRecord): Promise<StackRecord> {
  const reason = "haneul restarted during the operation. ";
  const live = await liveOf(deps, stack.stackId);
  switch (stack.status) {
    case "CREATE_IN_PROGRESS":
    case "ROLLBACK_IN_PROGRESS":
      return rollBack(deps, stack, { reason, live, replaced: [], creating: true });
    case "UPDATE_IN_PROGRESS":
    case "UPDATE_ROLLBACK_IN_PROGRESS":
    case "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS":
      return rollBack(deps, stack, { reason, live, replaced: [], creating: false });
    case "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS":
      return deployStack(
        deps,
        { ...stack, rollbackTo: undefined },
        { templateBody: stack.templateBody, overrides: parameterOverrides(stack.parameters) },
      );
    case "DELETE_IN_PROGRESS":
      return deleteStack(deps, stack);
    case "REVIEW_IN_PROGRESS":
    case "CREATE_COMPLETE":
    case "CREATE_FAILED":
    case "ROLLBACK_COMPLETE":
    case "ROLLBACK_FAILED":
    case "UPDATE_COMPLETE":
    case "UPDATE_ROLLBACK_COMPLETE":
    case "UPDATE_ROLLBACK_FAILED":
    case "DELETE_COMPLETE":
    case "DELETE_FAILED":
      return stack;
  }
}
