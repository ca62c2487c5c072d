import type { Database } from "better-sqlite3";
import type { MoveStep, MoveStepResult, MoveTaskRecord, MoveTaskStatus } from "../../ports/move-task-store.js";
import type {
  NewQueueMessage,
  QueueCounts,
  QueueMessageRecord,
  QueueRecord,
  QueueStore,
  ReceiveSpec,
  SentMessage,
} from "../../ports/queue-store.js";
import { CommitGroup } from "./commit-group.js";
import { closeDatabase, openDatabase, settle, type SqliteDatabaseOptions } from "./database.js";
import { SqliteMoveTasks } from "./move-tasks.js";
import { messageOf, queueOf, type MessageRow } from "./queue-rows.js";
import { stmt } from "./statements.js";

const DUE = "queue_name = @queue AND visible_at <= @now";
// FIFO: a group with a message in flight (received, still hidden) waits until that one is done.
const FREE_GROUP = `(group_id IS NULL OR group_id NOT IN (SELECT group_id FROM sqs_messages
  WHERE queue_name = @queue AND visible_at > @now AND receive_count > 0 AND group_id IS NOT NULL))`;

/** The QueueStore on SQLite (one node): a receive is one transaction, so claims never overlap. */
export class SqliteQueueStore implements QueueStore {
  readonly #db: Database;
  /** Sends and deletes arriving together share one commit. */
  readonly #group: CommitGroup;
  readonly #moves: SqliteMoveTasks;

  private constructor(db: Database) {
    this.#db = db;
    this.#group = new CommitGroup(db);
    this.#moves = new SqliteMoveTasks(db);
  }

  /** Opens (and migrates) the database; it may share the Lambda store's file. */
  static open(options: SqliteDatabaseOptions): SqliteQueueStore {
    return new SqliteQueueStore(openDatabase(options));
  }

  createQueue(queue: QueueRecord): Promise<QueueRecord> {
    return settle(() => {
      stmt(this.#db, "INSERT INTO sqs_queues (name, body) VALUES (?, ?) ON CONFLICT DO NOTHING").run(
        queue.name,
        JSON.stringify(queue),
      );
      const row = stmt(this.#db, "SELECT body FROM sqs_queues WHERE name = ?").get(queue.name) as { body: string };
      return queueOf(row.body);
    });
  }

  getQueue(name: string): Promise<QueueRecord | undefined> {
    return settle(() => {
      const row = stmt(this.#db, "SELECT body FROM sqs_queues WHERE name = ?").get(name) as
        { body: string } | undefined;
      return row && queueOf(row.body);
    });
  }

  listQueues(): Promise<QueueRecord[]> {
    return settle(() =>
      (stmt(this.#db, "SELECT body FROM sqs_queues ORDER BY name").all() as { body: string }[]).map((r) =>
        queueOf(r.body),
      ),
    );
  }

  updateQueue(queue: QueueRecord): Promise<boolean> {
    return settle(
      () =>
        stmt(this.#db, "UPDATE sqs_queues SET body = ? WHERE name = ?").run(JSON.stringify(queue), queue.name)
          .changes === 1,
    );
  }

  deleteQueue(name: string): Promise<boolean> {
    return settle(() =>
      this.#db.transaction(() => {
        stmt(this.#db, "DELETE FROM sqs_messages WHERE queue_name = ?").run(name);
        stmt(this.#db, "DELETE FROM sqs_dedup WHERE queue_name = ?").run(name);
        return stmt(this.#db, "DELETE FROM sqs_queues WHERE name = ?").run(name).changes === 1;
      })(),
    );
  }

  sendMessages(
    queue: string,
    messages: readonly NewQueueMessage[],
    dedup?: { readonly now: number; readonly until: number },
  ): Promise<SentMessage[]> {
    return this.#group.run(() => messages.map((m) => this.#sendOne(queue, m, dedup)));
  }

  #sendOne(queue: string, m: NewQueueMessage, dedup?: { now: number; until: number }): SentMessage {
    const db = this.#db;
    const dedupId = m.content.dedupId;
    if (dedup && dedupId !== undefined) {
      const seen = stmt(
        db,
        "SELECT message_id, sequence FROM sqs_dedup WHERE queue_name = ? AND dedup_id = ? AND expires_at > ?",
      ).get(queue, dedupId, dedup.now) as { message_id: string; sequence: string } | undefined;
      if (seen) return { id: seen.message_id, sequence: seen.sequence, duplicate: true };
    }
    const sql = `INSERT INTO sqs_messages (id, queue_name, content, group_id, visible_at) VALUES (?, ?, ?, ?, ?)`;
    const seq = stmt(db, sql).run(
      m.id,
      queue,
      JSON.stringify(m.content),
      m.content.groupId ?? null,
      m.visibleAt,
    ).lastInsertRowid;
    const sequence = String(seq).padStart(20, "0");
    if (dedup && dedupId !== undefined) {
      stmt(
        db,
        `INSERT INTO sqs_dedup (queue_name, dedup_id, message_id, sequence, expires_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (queue_name, dedup_id) DO UPDATE SET message_id = excluded.message_id,
           sequence = excluded.sequence, expires_at = excluded.expires_at`,
      ).run(queue, dedupId, m.id, sequence, dedup.until);
      stmt(db, "DELETE FROM sqs_dedup WHERE queue_name = ? AND expires_at <= ?").run(queue, dedup.now);
    }
    return { id: m.id, sequence, duplicate: false };
  }

  receiveMessages(spec: ReceiveSpec): Promise<QueueMessageRecord[]> {
    // IMMEDIATE: the receive reads then writes; a deferred transaction would fail with SQLITE_BUSY (not
    // wait) when another connection to the file (the log store's) committed between its read and its write.
    return settle(() => this.#db.transaction(() => this.#receive(spec)).immediate());
  }

  #receive(s: ReceiveSpec): QueueMessageRecord[] {
    const db = this.#db;
    const at = { queue: s.queue, now: s.now };
    if (s.redrive) {
      // SQS replaces a message's deduplication id with its message id in a FIFO dead-letter queue.
      const dedup = s.fifo ? `, content = json_set(content, '$.dedupId', id)` : "";
      stmt(
        db,
        `UPDATE sqs_messages SET queue_name = @target, receive_count = 0, receipt_handle = NULL,
           origin_queue = @queue${dedup} WHERE ${DUE} AND receive_count >= @max`,
      ).run({ ...at, target: s.redrive.target, max: s.redrive.maxReceiveCount });
    }
    const where = s.fifo ? `${DUE} AND ${FREE_GROUP}` : DUE;
    const due = stmt(db, `SELECT seq, id FROM sqs_messages WHERE ${where} ORDER BY seq LIMIT @limit`).all({
      ...at,
      limit: s.max,
    }) as { seq: number; id: string }[];
    const claim = stmt(
      db,
      `UPDATE sqs_messages SET visible_at = ?, receive_count = receive_count + 1,
         first_receive_at = COALESCE(first_receive_at, ?), receipt_handle = ? WHERE seq = ? RETURNING *`,
    );
    return due.map((d) => messageOf(claim.get(s.visibleUntil, s.now, s.handle(d.id), d.seq) as MessageRow));
  }

  deleteMessage(queue: string, receiptHandle: string): Promise<boolean> {
    return this.#group.run(
      () =>
        stmt(this.#db, "DELETE FROM sqs_messages WHERE queue_name = ? AND receipt_handle = ?").run(queue, receiptHandle)
          .changes === 1,
    );
  }

  changeVisibility(queue: string, receiptHandle: string, o: { now: number; visibleAt: number }): Promise<boolean> {
    // Named: without statistics SQLite would range-scan the queue's hidden messages (sqs_messages_due).
    const sql = `UPDATE sqs_messages INDEXED BY sqs_messages_handle SET visible_at = ?
      WHERE queue_name = ? AND receipt_handle = ? AND visible_at > ?`;
    return settle(() => stmt(this.#db, sql).run(o.visibleAt, queue, receiptHandle, o.now).changes === 1);
  }

  purgeQueue(queue: string): Promise<void> {
    return settle(() => void stmt(this.#db, "DELETE FROM sqs_messages WHERE queue_name = ?").run(queue));
  }

  countMessages(queue: string, now: number): Promise<QueueCounts> {
    const sql = `SELECT
      COALESCE(SUM(CASE WHEN visible_at <= @now THEN 1 ELSE 0 END), 0) AS visible,
      COALESCE(SUM(CASE WHEN visible_at > @now AND receive_count > 0 THEN 1 ELSE 0 END), 0) AS in_flight,
      COALESCE(SUM(CASE WHEN visible_at > @now AND receive_count = 0 THEN 1 ELSE 0 END), 0) AS delayed
      FROM sqs_messages WHERE queue_name = @queue`;
    return settle(() => {
      const r = stmt(this.#db, sql).get({ queue, now }) as { visible: number; in_flight: number; delayed: number };
      return { visible: r.visible, inFlight: r.in_flight, delayed: r.delayed };
    });
  }

  nextVisibleAt(queue: string, now: number): Promise<number | undefined> {
    const sql = "SELECT MIN(visible_at) AS at FROM sqs_messages WHERE queue_name = ? AND visible_at > ?";
    return settle(() => (stmt(this.#db, sql).get(queue, now) as { at: number | null }).at ?? undefined);
  }

  startMoveTask(task: MoveTaskRecord): Promise<boolean> {
    return settle(() => this.#moves.start(task));
  }

  getMoveTask(taskId: string): Promise<MoveTaskRecord | undefined> {
    return settle(() => this.#moves.get(taskId));
  }

  listMoveTasks(sourceQueue: string, limit: number): Promise<MoveTaskRecord[]> {
    return settle(() => this.#moves.list(sourceQueue, limit));
  }

  activeMoveTasks(): Promise<MoveTaskRecord[]> {
    return settle(() => this.#moves.active());
  }

  setMoveTaskStatus(
    taskId: string,
    o: { readonly from: readonly MoveTaskStatus[]; readonly to: MoveTaskStatus },
  ): Promise<MoveTaskRecord | undefined> {
    return settle(() => this.#moves.setStatus(taskId, o));
  }

  moveMessages(step: MoveStep): Promise<MoveStepResult> {
    return settle(() => this.#moves.step(step));
  }

  close(): Promise<void> {
    return settle(() => {
      if (this.#db.open) this.#group.flush();
      closeDatabase(this.#db);
    });
  }
}
