import type { MoveTaskRecord, MoveTaskStatus } from "../../ports/move-task-store.js";

/** A sqs_move_tasks row as both adapters read it (PostgreSQL's BIGINTs arrive as strings). */
export interface MoveTaskRow {
  readonly task_id: string;
  readonly source_queue: string;
  readonly destination_queue: string | null;
  readonly max_per_second: number | null;
  readonly status: string;
  readonly started_at: number | string;
  readonly moved: number | string;
  readonly to_move: number | string;
  readonly failure_reason: string | null;
}

/** A sqs_move_tasks row → MoveTaskRecord. */
export function moveTaskOf(r: MoveTaskRow): MoveTaskRecord {
  return {
    taskId: r.task_id,
    sourceQueue: r.source_queue,
    destinationQueue: r.destination_queue ?? undefined,
    maxPerSecond: r.max_per_second ?? undefined,
    status: r.status as MoveTaskStatus,
    startedAt: Number(r.started_at),
    moved: Number(r.moved),
    toMove: Number(r.to_move),
    failureReason: r.failure_reason ?? undefined,
  };
}

/** The values of a task's insert, in column order (task_id … to_move). */
export function moveTaskValues(t: MoveTaskRecord): (string | number | null)[] {
  return [
    t.taskId,
    t.sourceQueue,
    t.destinationQueue ?? null,
    t.maxPerSecond ?? null,
    t.status,
    t.startedAt,
    t.moved,
    t.toMove,
  ];
}

/** Where each message of a step goes: the task's destination, else the queue it came from. */
export function targetOf(task: MoveTaskRecord, origin: string | null): string | undefined {
  return task.destinationQueue ?? origin ?? undefined;
}

/** Whether a queue (by name) is FIFO: SQS requires the .fifo suffix of FIFO queues and only of them. */
export function isFifoQueue(name: string): boolean {
  return name.endsWith(".fifo");
}
