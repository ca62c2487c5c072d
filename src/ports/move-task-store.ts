/**
 * Message move tasks (SQS StartMessageMoveTask), stored beside the queues because a step moves
 * messages and counts them in the task in one transaction: a restart or another node picks the
 * task up where the last committed step left it. Every adapter passes queue-store.contract.ts.
 */

/** A task's state, as SQS names it. */
export type MoveTaskStatus = "RUNNING" | "COMPLETED" | "CANCELLING" | "CANCELLED" | "FAILED";

/** A message move task. */
export interface MoveTaskRecord {
  readonly taskId: string;
  /** The dead-letter queue the messages leave (a name). */
  readonly sourceQueue: string;
  /** Where they go (a name); undefined: each back to the queue it was redriven from. */
  readonly destinationQueue?: string | undefined;
  readonly maxPerSecond?: number | undefined;
  readonly status: MoveTaskStatus;
  /** Milliseconds since the epoch. */
  readonly startedAt: number;
  readonly moved: number;
  /** The messages in the source when the task started: it moves no more than these. */
  readonly toMove: number;
  readonly failureReason?: string | undefined;
}

/** One step of a task: move up to `max` messages visible at `now`. */
export interface MoveStep {
  readonly taskId: string;
  readonly now: number;
  readonly max: number;
}

/** The task after a step (undefined when it is gone) and how many messages the step moved. */
export interface MoveStepResult {
  readonly task: MoveTaskRecord | undefined;
  readonly moved: number;
}

/** Why a step fails its task when the queue a message is to go to (or the source) is gone. */
export const MOVE_TARGET_GONE = "AWS.SimpleQueueService.NonExistentQueue";

/** The durable state of message move tasks. */
export interface MoveTaskStore {
  /** Inserts a task; false when its source already has an active (RUNNING or CANCELLING) one. */
  startMoveTask(task: MoveTaskRecord): Promise<boolean>;
  /** The task, or undefined. */
  getMoveTask(taskId: string): Promise<MoveTaskRecord | undefined>;
  /** The tasks of a source queue, newest first, at most `limit`. */
  listMoveTasks(sourceQueue: string, limit: number): Promise<MoveTaskRecord[]>;
  /** The active (RUNNING or CANCELLING) tasks of every queue, oldest first. */
  activeMoveTasks(): Promise<MoveTaskRecord[]>;
  /** Moves a task whose status is one of `from` to `to`; the task as it then is, or undefined when it was not. */
  setMoveTaskStatus(
    taskId: string,
    o: { readonly from: readonly MoveTaskStatus[]; readonly to: MoveTaskStatus },
  ): Promise<MoveTaskRecord | undefined>;
  /**
   * One step in one transaction, only while the task is RUNNING: moves up to `max` visible
   * messages of the source, oldest first (never more than `toMove` in all), to the destination or
   * each message's origin queue, visible at once and never received, and adds them to `moved`.
   * A target queue (or the source) that is gone fails the task with MOVE_TARGET_GONE, the messages
   * moved before it staying moved; a step that finds nothing left to move completes the task.
   */
  moveMessages(step: MoveStep): Promise<MoveStepResult>;
}
