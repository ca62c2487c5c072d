/**
 * Drives the active message move tasks on the platform clock: once a second each RUNNING task
 * moves up to its MaxNumberOfMessagesPerSecond (else SQS's most, 500) in one store transaction,
 * and a CANCELLING task becomes CANCELLED. Tasks live in the store, so a restarted node goes on
 * where the last step left off; in a cluster only the leader steps them (its lease), and a step
 * locks its task, so a node that still thinks itself leader for a moment cannot move too many.
 */
import type { MoveTaskRecord, MoveTaskStore } from "../ports/move-task-store.js";
import type { Clock } from "../shared/clock.js";
import { MAX_MOVE_RATE } from "./move-tasks.js";

/** How often tasks step: the rate is per second. */
export const MOVE_STEP_MS = 1000;

export interface MoveTaskRunnerOptions {
  readonly store: MoveTaskStore;
  readonly clock: Clock;
  /** Cluster mode: whether this node is the leader, the one that moves messages. */
  readonly isLeader?: (() => boolean) | undefined;
  readonly onError: (message: string) => void;
}

/** Steps the active move tasks; see the file comment. */
export class MoveTaskRunner {
  readonly #o: MoveTaskRunnerOptions;
  #cancelTimer: (() => void) | undefined;
  #stepping: Promise<void> | undefined;
  #stopped = true;

  constructor(o: MoveTaskRunnerOptions) {
    this.#o = o;
  }

  /** Starts stepping (the tasks a previous run left active go on). */
  start(): void {
    this.#stopped = false;
    this.#arm();
  }

  /** One step of every active task now (the timer's; tests call it too); resolves when done. */
  async stepNow(): Promise<void> {
    if (this.#stepping) return this.#stepping;
    this.#stepping = this.#stepAll().finally(() => (this.#stepping = undefined));
    return this.#stepping;
  }

  /** Stops stepping; resolves once a step under way has finished. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    await this.#stepping;
  }

  #arm(): void {
    if (this.#stopped) return;
    this.#cancelTimer = this.#o.clock.setTimer(() => {
      void this.stepNow().finally(() => this.#arm());
    }, MOVE_STEP_MS);
  }

  async #stepAll(): Promise<void> {
    if (this.#o.isLeader && !this.#o.isLeader()) return;
    try {
      for (const task of await this.#o.store.activeMoveTasks()) await this.#step(task);
    } catch (e) {
      this.#o.onError(`message move tasks: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  async #step(task: MoveTaskRecord): Promise<void> {
    if (task.status === "CANCELLING") {
      await this.#o.store.setMoveTaskStatus(task.taskId, { from: ["CANCELLING"], to: "CANCELLED" });
      return;
    }
    const max = task.maxPerSecond ?? MAX_MOVE_RATE;
    await this.#o.store.moveMessages({ taskId: task.taskId, now: this.#o.clock.now(), max });
  }
}
