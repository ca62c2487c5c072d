import type { Database } from "better-sqlite3";
import {
  MOVE_TARGET_GONE,
  type MoveStep,
  type MoveStepResult,
  type MoveTaskRecord,
  type MoveTaskStatus,
} from "../../ports/move-task-store.js";
import { isFifoQueue, moveTaskOf, moveTaskValues, targetOf, type MoveTaskRow } from "./move-task-rows.js";
import { stmt } from "./statements.js";

/** Message move tasks on SQLite (see MoveTaskStore); each call is one transaction. */
export class SqliteMoveTasks {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  start(task: MoveTaskRecord): boolean {
    const sql = `INSERT INTO sqs_move_tasks (task_id, source_queue, destination_queue, max_per_second, status,
      started_at, moved, to_move) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`;
    return stmt(this.#db, sql).run(...moveTaskValues(task)).changes === 1;
  }

  get(taskId: string): MoveTaskRecord | undefined {
    const row = stmt(this.#db, "SELECT * FROM sqs_move_tasks WHERE task_id = ?").get(taskId) as MoveTaskRow | undefined;
    return row && moveTaskOf(row);
  }

  list(sourceQueue: string, limit: number): MoveTaskRecord[] {
    const sql = "SELECT * FROM sqs_move_tasks WHERE source_queue = ? ORDER BY started_at DESC, rowid DESC LIMIT ?";
    return (stmt(this.#db, sql).all(sourceQueue, limit) as MoveTaskRow[]).map(moveTaskOf);
  }

  active(): MoveTaskRecord[] {
    const sql = "SELECT * FROM sqs_move_tasks WHERE status IN ('RUNNING', 'CANCELLING') ORDER BY started_at, rowid";
    return (stmt(this.#db, sql).all() as MoveTaskRow[]).map(moveTaskOf);
  }

  setStatus(taskId: string, o: { from: readonly MoveTaskStatus[]; to: MoveTaskStatus }): MoveTaskRecord | undefined {
    const task = this.get(taskId);
    if (!task || !o.from.includes(task.status)) return undefined;
    stmt(this.#db, "UPDATE sqs_move_tasks SET status = ? WHERE task_id = ?").run(o.to, taskId);
    return this.get(taskId);
  }

  step(s: MoveStep): MoveStepResult {
    // IMMEDIATE: the step reads then writes (see queue-store.ts receive).
    return this.#db.transaction(() => this.#step(s)).immediate();
  }

  #step(s: MoveStep): MoveStepResult {
    const task = this.get(s.taskId);
    if (!task || task.status !== "RUNNING") return { task, moved: 0 };
    if (!this.#queueExists(task.sourceQueue)) return { task: this.#end(task, "FAILED", MOVE_TARGET_GONE), moved: 0 };
    const limit = Math.min(s.max, task.toMove - task.moved);
    const due = (
      limit <= 0
        ? []
        : stmt(
            this.#db,
            "SELECT seq, origin_queue FROM sqs_messages WHERE queue_name = ? AND visible_at <= ? ORDER BY seq LIMIT ?",
          ).all(task.sourceQueue, s.now, limit)
    ) as { seq: number; origin_queue: string | null }[];
    if (due.length === 0) return { task: this.#end(task, "COMPLETED"), moved: 0 };
    const move = stmt(
      this.#db,
      `UPDATE sqs_messages SET queue_name = ?, visible_at = ?, receive_count = 0, first_receive_at = NULL,
         receipt_handle = NULL, origin_queue = NULL WHERE seq = ?`,
    );
    // A FIFO target takes the message after those it holds (a new sequence number), as SQS does:
    // the next AUTOINCREMENT value, recorded as used so that no later send takes it again.
    const renumber = stmt(
      this.#db,
      `UPDATE sqs_messages SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'sqs_messages') + 1 WHERE seq = ?
         RETURNING seq`,
    );
    const used = stmt(this.#db, "UPDATE sqlite_sequence SET seq = ? WHERE name = 'sqs_messages'");
    let moved = 0;
    let gone = false;
    for (const d of due) {
      const target = targetOf(task, d.origin_queue);
      if (target === undefined || !this.#queueExists(target)) {
        gone = true;
        break;
      }
      move.run(target, s.now, d.seq);
      if (isFifoQueue(target)) used.run((renumber.get(d.seq) as { seq: number }).seq);
      moved++;
    }
    stmt(this.#db, "UPDATE sqs_move_tasks SET moved = moved + ? WHERE task_id = ?").run(moved, task.taskId);
    const after = this.get(task.taskId)!;
    return { task: gone ? this.#end(after, "FAILED", MOVE_TARGET_GONE) : after, moved };
  }

  #queueExists(name: string): boolean {
    return stmt(this.#db, "SELECT 1 FROM sqs_queues WHERE name = ?").get(name) !== undefined;
  }

  #end(task: MoveTaskRecord, status: MoveTaskStatus, reason?: string): MoveTaskRecord {
    const sql = "UPDATE sqs_move_tasks SET status = ?, failure_reason = ? WHERE task_id = ?";
    stmt(this.#db, sql).run(status, reason ?? null, task.taskId);
    return { ...task, status, failureReason: reason };
  }
}
