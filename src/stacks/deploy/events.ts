import type { StackStore } from "../../ports/stack-store.js";
import type { Clock } from "../../shared/clock.js";
import type { IdSource } from "../../shared/ids.js";

/** What every step of one stack operation writes to. */
export interface OperationScope {
  readonly stackId: string;
  readonly stackName: string;
  readonly store: StackStore;
  readonly clock: Clock;
  readonly ids: IdSource;
}

/** One event to record. */
export interface EventInput {
  readonly logicalId: string;
  readonly type: string;
  readonly status: string;
  readonly physicalId?: string | undefined;
  readonly reason?: string | undefined;
}

/** Appends an event of the stack (or of one of its resources). */
export function recordEvent(op: OperationScope, e: EventInput): Promise<void> {
  return op.store.appendEvent({
    eventId: op.ids.requestId(),
    stackId: op.stackId,
    stackName: op.stackName,
    logicalId: e.logicalId,
    physicalId: e.physicalId,
    type: e.type,
    status: e.status,
    statusReason: e.reason,
    timestamp: op.clock.now(),
  });
}

/** Appends an event of the stack itself. */
export function stackEvent(op: OperationScope, status: string, reason?: string): Promise<void> {
  return recordEvent(op, {
    logicalId: op.stackName,
    type: "AWS::CloudFormation::Stack",
    status,
    physicalId: op.stackId,
    reason,
  });
}
