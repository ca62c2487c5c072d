import {
  MOVE_TARGET_GONE,
  type MoveStep,
  type MoveStepResult,
  type MoveTaskRecord,
  type MoveTaskStatus,
} from "../../ports/move-task-store.js";
import { isFifoQueue, moveTaskOf, moveTaskValues, targetOf, type MoveTaskRow } from "../sqlite/move-task-rows.js";
import type { PgDatabase, Queryable } from "./database.js";

/**
 * Message move tasks on PostgreSQL (see MoveTaskStore). A step locks its task row (FOR UPDATE),
 * so two nodes stepping the same task take turns, and skips locked messages as receives do.
 */
export class PgMoveTasks {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  async start(task: MoveTaskRecord): Promise<boolean> {
    const sql = `INSERT INTO sqs_move_tasks (task_id, source_queue, destination_queue, max_per_second, status,
      started_at, moved, to_move) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`;
    return (await this.#db.run(sql, moveTaskValues(task))) === 1;
  }

  async get(taskId: string, q?: Queryable, lock = false): Promise<MoveTaskRecord | undefined> {
    const sql = `SELECT * FROM sqs_move_tasks WHERE task_id = $1${lock ? " FOR UPDATE" : ""}`;
    const row = (await this.#db.rows<MoveTaskRow>(sql, [taskId], q))[0];
    return row && moveTaskOf(row);
  }

  async list(sourceQueue: string, limit: number): Promise<MoveTaskRecord[]> {
    const sql = "SELECT * FROM sqs_move_tasks WHERE source_queue = $1 ORDER BY started_at DESC, task_id LIMIT $2";
    return (await this.#db.rows<MoveTaskRow>(sql, [sourceQueue, limit])).map(moveTaskOf);
  }

  async active(): Promise<MoveTaskRecord[]> {
    const sql = "SELECT * FROM sqs_move_tasks WHERE status IN ('RUNNING', 'CANCELLING') ORDER BY started_at, task_id";
    return (await this.#db.rows<MoveTaskRow>(sql)).map(moveTaskOf);
  }

  async setStatus(
    taskId: string,
    o: { readonly from: readonly MoveTaskStatus[]; readonly to: MoveTaskStatus },
  ): Promise<MoveTaskRecord | undefined> {
    const sql = "UPDATE sqs_move_tasks SET status = $2 WHERE task_id = $1 AND status = ANY($3::text[]) RETURNING *";
    const row = (await this.#db.rows<MoveTaskRow>(sql, [taskId, o.to, [...o.from]]))[0];
    return row && moveTaskOf(row);
  }

  step(s: MoveStep): Promise<MoveStepResult> {
    return this.#db.transaction((q) => this.#step(s, q));
  }

  async #step(s: MoveStep, q: Queryable): Promise<MoveStepResult> {
    const task = await this.get(s.taskId, q, true);
    if (!task || task.status !== "RUNNING") return { task, moved: 0 };
    if (!(await this.#queueExists(task.sourceQueue, q))) {
      return { task: await this.#end(task, q, MOVE_TARGET_GONE), moved: 0 };
    }
    const limit = Math.min(s.max, task.toMove - task.moved);
    const due =
      limit <= 0
        ? []
        : await this.#db.rows<{ seq: string; origin_queue: string | null }>(
            `SELECT seq, origin_queue FROM sqs_messages WHERE queue_name = $1 AND visible_at <= $2
             ORDER BY seq LIMIT $3 FOR UPDATE SKIP LOCKED`,
            [task.sourceQueue, s.now, limit],
            q,
          );
    if (due.length === 0) return { task: await this.#end(task, q), moved: 0 };
    let moved = 0;
    let gone = false;
    for (const d of due) {
      const target = targetOf(task, d.origin_queue);
      if (target === undefined || !(await this.#queueExists(target, q))) {
        gone = true;
        break;
      }
      // A FIFO target takes the message after those it holds (a new sequence number), as SQS does.
      const seq = isFifoQueue(target) ? "nextval(pg_get_serial_sequence('sqs_messages', 'seq'))" : "seq";
      await this.#db.run(
        `UPDATE sqs_messages SET queue_name = $1, visible_at = $2, receive_count = 0, first_receive_at = NULL,
           receipt_handle = NULL, origin_queue = NULL, seq = ${seq} WHERE seq = $3`,
        [target, s.now, d.seq],
        q,
      );
      moved++;
    }
    await this.#db.run("UPDATE sqs_move_tasks SET moved = moved + $2 WHERE task_id = $1", [task.taskId, moved], q);
    const after = { ...task, moved: task.moved + moved };
    return { task: gone ? await this.#end(after, q, MOVE_TARGET_GONE) : after, moved };
  }

  async #queueExists(name: string, q: Queryable): Promise<boolean> {
    return (await this.#db.rows("SELECT 1 FROM sqs_queues WHERE name = $1", [name], q)).length > 0;
  }

  async #end(task: MoveTaskRecord, q: Queryable, reason?: string): Promise<MoveTaskRecord> {
    const status: MoveTaskStatus = reason ? "FAILED" : "COMPLETED";
    const sql = "UPDATE sqs_move_tasks SET status = $2, failure_reason = $3 WHERE task_id = $1";
    await this.#db.run(sql, [task.taskId, status, reason ?? null], q);
    return { ...task, status, failureReason: reason };
  }
}
