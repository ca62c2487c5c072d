import { applyOrder, computeChangeSet, stackStateOf } from "../../domain/template/change-set.js";
import type { ResourceChange, StackState } from "../../domain/template/change-set.js";
import type { PreparedTemplate } from "../../domain/template/prepare.js";
import { resolveDeployedProperties, resolveDeployedUpdatePolicy } from "../../domain/template/prepare.js";
import type { StackResourceRecord } from "../../ports/stack-store.js";
import { deployedView } from "./deployed-view.js";
import { recordEvent } from "./events.js";
import type { OperationScope } from "./events.js";
import { reasonOf } from "./handler.js";
import type { ResourceScope, StackServices } from "./handler.js";
import { handlerFor, recordedOnly } from "./handlers.js";

/**
 * Carries a stack's resources to what a prepared template asks for: creates and updates in the
 * template's dependency order (a replaced resource gets its new copy first), each recorded in the
 * store as soon as it exists; what is removed or replaced is left for the clean-up.
 */

/** A stack's resources while an operation runs (logical id → record), updated as steps complete. */
export type LiveResources = Map<string, StackResourceRecord>;

/** The previous state as the change set compares it. */
export function stateOfRecords(records: LiveResources, order: readonly string[]): StackState {
  const resources = new Map(
    [...records].map(([id, r]) => [
      id,
      { type: r.type, properties: r.properties as never, physicalId: r.physicalId, deletionPolicy: r.deletionPolicy },
    ]),
  );
  return {
    resources,
    order: [...order.filter((id) => records.has(id)), ...[...records.keys()].filter((id) => !order.includes(id))],
  };
}

/** The changes deploying `target` over `live` makes. */
export function changesFor(live: LiveResources, order: readonly string[], target: PreparedTemplate): ResourceChange[] {
  return computeChangeSet(stateOfRecords(live, order), stackStateOf(target));
}

/** What an apply leaves behind. */
export interface ApplyResult {
  /** The resource that failed, and why. */
  readonly failed?: { readonly logicalId: string; readonly reason: string } | undefined;
  /** Records to delete in the clean-up, in order (removed resources, old copies of replaced ones). */
  readonly cleanup: StackResourceRecord[];
  /** Replaced resources: their old records, to restore if the operation rolls back. */
  readonly replaced: StackResourceRecord[];
}

/** Runs the create/update/replace steps of deploying `target` over `live`. */
export async function applyTemplate(
  op: OperationScope & { readonly services: StackServices; readonly rollback: boolean },
  target: PreparedTemplate,
  live: { readonly records: LiveResources; readonly order: readonly string[] },
): Promise<ApplyResult> {
  const previous = stateOfRecords(live.records, live.order);
  const next = stackStateOf(target);
  const changes = computeChangeSet(previous, next);
  const steps = applyOrder(changes, next, previous);
  const cleanup: StackResourceRecord[] = [];
  const replaced: StackResourceRecord[] = [];
  const verb = op.rollback ? "UPDATE" : undefined;
  for (const step of steps) {
    const id = step.logicalId;
    const old = live.records.get(id);
    if (step.action === "delete") {
      if (old) cleanup.push(old);
      continue;
    }
    const resource = target.resources.get(id);
    if (!resource) continue;
    const handler = handlerFor(resource.type);
    const inPlace = step.action === "update" && handler.update !== undefined && old !== undefined;
    const action = inPlace ? "UPDATE" : (verb ?? (old ? "UPDATE" : "CREATE"));
    const scope: ResourceScope = {
      ...{ stackName: op.stackName, logicalId: id, type: resource.type, services: op.services, rollback: op.rollback },
      progress: (reason) =>
        recordEvent(op, {
          logicalId: id,
          type: resource.type,
          status: "UPDATE_IN_PROGRESS",
          physicalId: old?.physicalId,
          reason,
        }),
    };
    await recordEvent(op, {
      logicalId: id,
      type: resource.type,
      status: `${action}_IN_PROGRESS`,
      physicalId: old?.physicalId,
    });
    try {
      const props = resolveDeployedProperties(target, id, deployedView(live.records)) as Record<string, unknown>;
      const updatePolicy = resolveDeployedUpdatePolicy(target, id, deployedView(live.records));
      const result =
        inPlace && old && handler.update
          ? await handler.update(props, old, { ...scope, updatePolicy })
          : await handler.create(props, scope);
      const record: StackResourceRecord = {
        logicalId: id,
        type: resource.type,
        physicalId: result.physicalId,
        status: `${action}_COMPLETE`,
        properties: resource.properties,
        attributes: result.attributes,
        deletionPolicy: resource.deletionPolicy,
        updatedAt: op.clock.now(),
      };
      if (old && !inPlace) {
        cleanup.push(old);
        replaced.push(old);
      }
      live.records.set(id, record);
      await op.store.putResource(op.stackId, record);
      const recorded = recordedOnly([[id, resource.type]])[0];
      await recordEvent(op, {
        logicalId: id,
        type: resource.type,
        status: record.status,
        physicalId: result.physicalId,
        reason: recorded && `recorded, not created: ${recorded.note}`,
      });
    } catch (e) {
      const reason = reasonOf(e);
      await recordEvent(op, {
        logicalId: id,
        type: resource.type,
        status: `${action}_FAILED`,
        physicalId: old?.physicalId,
        reason,
      });
      return { failed: { logicalId: id, reason }, cleanup, replaced };
    }
  }
  return { cleanup, replaced };
}

/** Deletes `records` in order (DeletionPolicy Retain: left in place), forgetting each; failures are recorded, not thrown. */
export async function cleanUp(
  op: OperationScope & { readonly services: StackServices },
  records: readonly StackResourceRecord[],
  live: LiveResources,
): Promise<string[]> {
  const failures: string[] = [];
  for (const r of records) {
    const replacedCopy = live.get(r.logicalId) !== undefined && live.get(r.logicalId) !== r;
    if (r.deletionPolicy === "Retain") {
      await recordEvent(op, {
        logicalId: r.logicalId,
        type: r.type,
        status: "DELETE_SKIPPED",
        physicalId: r.physicalId,
      });
    } else {
      await recordEvent(op, {
        logicalId: r.logicalId,
        type: r.type,
        status: "DELETE_IN_PROGRESS",
        physicalId: r.physicalId,
      });
      try {
        const scope = { stackName: op.stackName, logicalId: r.logicalId, type: r.type, services: op.services };
        await handlerFor(r.type).delete(r, scope);
        await recordEvent(op, {
          logicalId: r.logicalId,
          type: r.type,
          status: "DELETE_COMPLETE",
          physicalId: r.physicalId,
        });
      } catch (e) {
        const reason = reasonOf(e);
        failures.push(`${r.logicalId}: ${reason}`);
        await recordEvent(op, {
          logicalId: r.logicalId,
          type: r.type,
          status: "DELETE_FAILED",
          physicalId: r.physicalId,
          reason,
        });
        continue;
      }
    }
    if (!replacedCopy) {
      live.delete(r.logicalId);
      await op.store.deleteResource(op.stackId, r.logicalId);
    }
  }
  return failures;
}
