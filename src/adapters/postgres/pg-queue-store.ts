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
import { messageOf, queueOf, type MessageRow } from "../sqlite/queue-rows.js";
import type { PgDatabase, Queryable } from "./database.js";
import { PgMoveTasks } from "./pg-move-tasks.js";

// FIFO: a group with a message in flight (received, still hidden) waits until that one is done.
const FREE_GROUP = `(group_id IS NULL OR group_id NOT IN (SELECT group_id FROM sqs_messages
  WHERE queue_name = $1 AND visible_at > $2 AND receive_count > 0 AND group_id IS NOT NULL))`;

/**
 * The QueueStore on PostgreSQL, shared by the nodes of a cluster. Standard queues claim with
 * FOR UPDATE SKIP LOCKED (receivers never wait on each other nor take the same message); a FIFO
 * receive holds the queue's advisory lock for its transaction, so that two receivers never take
 * messages of one group at once.
 */
export class PgQueueStore implements QueueStore {
  readonly #db: PgDatabase;
  readonly #moves: PgMoveTasks;

  /** A store over `db` (already open and migrated); it releases its use of `db` on close. */
  constructor(db: PgDatabase) {
    this.#db = db;
    this.#moves = new PgMoveTasks(db);
    db.retain();
  }

  async createQueue(queue: QueueRecord): Promise<QueueRecord> {
    await this.#db.run("INSERT INTO sqs_queues (name, body) VALUES ($1, $2) ON CONFLICT DO NOTHING", [
      queue.name,
      JSON.stringify(queue),
    ]);
    return (await this.getQueue(queue.name)) ?? queue;
  }

  async getQueue(name: string): Promise<QueueRecord | undefined> {
    const row = (await this.#db.rows<{ body: string }>("SELECT body FROM sqs_queues WHERE name = $1", [name]))[0];
    return row && queueOf(row.body);
  }

  async listQueues(): Promise<QueueRecord[]> {
    return (await this.#db.rows<{ body: string }>("SELECT body FROM sqs_queues ORDER BY name")).map((r) =>
      queueOf(r.body),
    );
  }

  async updateQueue(queue: QueueRecord): Promise<boolean> {
    return (
      (await this.#db.run("UPDATE sqs_queues SET body = $2 WHERE name = $1", [queue.name, JSON.stringify(queue)])) === 1
    );
  }

  deleteQueue(name: string): Promise<boolean> {
    return this.#db.transaction(async (q) => {
      await this.#db.run("DELETE FROM sqs_messages WHERE queue_name = $1", [name], q);
      await this.#db.run("DELETE FROM sqs_dedup WHERE queue_name = $1", [name], q);
      return (await this.#db.run("DELETE FROM sqs_queues WHERE name = $1", [name], q)) === 1;
    });
  }

  async sendMessages(
    queue: string,
    messages: readonly NewQueueMessage[],
    dedup?: { readonly now: number; readonly until: number },
  ): Promise<SentMessage[]> {
    if (!dedup && messages.length === 1) return [await this.#insert(queue, messages[0]!, this.#db.pool)];
    return this.#db.transaction(async (q) => {
      // Deduplication ids of one queue are checked and written one sender at a time.
      if (dedup) await this.#db.run("SELECT pg_advisory_xact_lock(hashtext($1))", [`sqs-dedup:${queue}`], q);
      const sent: SentMessage[] = [];
      for (const m of messages) sent.push(await this.#sendOne(queue, m, { q, dedup }));
      return sent;
    });
  }

  async #sendOne(
    queue: string,
    m: NewQueueMessage,
    o: { q: Queryable; dedup: { now: number; until: number } | undefined },
  ): Promise<SentMessage> {
    const dedupId = m.content.dedupId;
    if (!o.dedup || dedupId === undefined) return this.#insert(queue, m, o.q);
    const seen = await this.#db.rows<{ message_id: string; sequence: string }>(
      "SELECT message_id, sequence FROM sqs_dedup WHERE queue_name = $1 AND dedup_id = $2 AND expires_at > $3",
      [queue, dedupId, o.dedup.now],
      o.q,
    );
    if (seen[0]) return { id: seen[0].message_id, sequence: seen[0].sequence, duplicate: true };
    const sent = await this.#insert(queue, m, o.q);
    await this.#db.run(
      `INSERT INTO sqs_dedup (queue_name, dedup_id, message_id, sequence, expires_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (queue_name, dedup_id) DO UPDATE SET message_id = EXCLUDED.message_id,
         sequence = EXCLUDED.sequence, expires_at = EXCLUDED.expires_at`,
      [queue, dedupId, m.id, sent.sequence, o.dedup.until],
      o.q,
    );
    await this.#db.run("DELETE FROM sqs_dedup WHERE queue_name = $1 AND expires_at <= $2", [queue, o.dedup.now], o.q);
    return sent;
  }

  async #insert(queue: string, m: NewQueueMessage, q: Queryable): Promise<SentMessage> {
    const rows = await this.#db.rows<{ seq: string }>(
      `INSERT INTO sqs_messages (id, queue_name, content, group_id, visible_at) VALUES ($1, $2, $3, $4, $5) RETURNING seq`,
      [m.id, queue, JSON.stringify(m.content), m.content.groupId ?? null, m.visibleAt],
      q,
    );
    return { id: m.id, sequence: String(rows[0]!.seq).padStart(20, "0"), duplicate: false };
  }

  receiveMessages(s: ReceiveSpec): Promise<QueueMessageRecord[]> {
    return this.#db.transaction(async (q) => {
      if (s.fifo) await this.#db.run("SELECT pg_advisory_xact_lock(hashtext($1))", [`sqs-fifo:${s.queue}`], q);
      if (s.redrive) {
        // SQS replaces a message's deduplication id with its message id in a FIFO dead-letter queue.
        const dedup = s.fifo ? `, content = jsonb_set(content::jsonb, '{dedupId}', to_jsonb(id))::text` : "";
        await this.#db.run(
          `UPDATE sqs_messages SET queue_name = $3, receive_count = 0, receipt_handle = NULL, origin_queue = $1${dedup}
           WHERE queue_name = $1 AND visible_at <= $2 AND receive_count >= $4`,
          [s.queue, s.now, s.redrive.target, s.redrive.maxReceiveCount],
          q,
        );
      }
      const where = `queue_name = $1 AND visible_at <= $2${s.fifo ? ` AND ${FREE_GROUP}` : ""}`;
      const due = await this.#db.rows<{ seq: string; id: string }>(
        `SELECT seq, id FROM sqs_messages WHERE ${where} ORDER BY seq LIMIT $3 FOR UPDATE SKIP LOCKED`,
        [s.queue, s.now, s.max],
        q,
      );
      if (due.length === 0) return [];
      const rows = await this.#db.rows<MessageRow>(
        `UPDATE sqs_messages m SET visible_at = $1, receive_count = m.receive_count + 1,
           first_receive_at = COALESCE(m.first_receive_at, $2), receipt_handle = c.handle
         FROM unnest($3::bigint[], $4::text[]) AS c (seq, handle) WHERE m.seq = c.seq RETURNING m.*`,
        [s.visibleUntil, s.now, due.map((d) => d.seq), due.map((d) => s.handle(d.id))],
        q,
      );
      return rows.map(messageOf).sort((a, b) => (a.sequence < b.sequence ? -1 : 1));
    });
  }

  async deleteMessage(queue: string, receiptHandle: string): Promise<boolean> {
    const sql = "DELETE FROM sqs_messages WHERE queue_name = $1 AND receipt_handle = $2";
    return (await this.#db.run(sql, [queue, receiptHandle])) === 1;
  }

  async changeVisibility(
    queue: string,
    receiptHandle: string,
    o: { now: number; visibleAt: number },
  ): Promise<boolean> {
    const sql = `UPDATE sqs_messages SET visible_at = $3 WHERE queue_name = $1 AND receipt_handle = $2 AND visible_at > $4`;
    return (await this.#db.run(sql, [queue, receiptHandle, o.visibleAt, o.now])) === 1;
  }

  async purgeQueue(queue: string): Promise<void> {
    await this.#db.run("DELETE FROM sqs_messages WHERE queue_name = $1", [queue]);
  }

  async countMessages(queue: string, now: number): Promise<QueueCounts> {
    const sql = `SELECT
      COUNT(*) FILTER (WHERE visible_at <= $2) AS visible,
      COUNT(*) FILTER (WHERE visible_at > $2 AND receive_count > 0) AS in_flight,
      COUNT(*) FILTER (WHERE visible_at > $2 AND receive_count = 0) AS delayed
      FROM sqs_messages WHERE queue_name = $1`;
    const r = (await this.#db.rows<{ visible: string; in_flight: string; delayed: string }>(sql, [queue, now]))[0]!;
    return { visible: Number(r.visible), inFlight: Number(r.in_flight), delayed: Number(r.delayed) };
  }

  async nextVisibleAt(queue: string, now: number): Promise<number | undefined> {
    const sql = "SELECT MIN(visible_at) AS at FROM sqs_messages WHERE queue_name = $1 AND visible_at > $2";
    const at = (await this.#db.rows<{ at: string | null }>(sql, [queue, now]))[0]?.at;
    return at === null || at === undefined ? undefined : Number(at);
  }

  startMoveTask(task: MoveTaskRecord): Promise<boolean> {
    return this.#moves.start(task);
  }

  getMoveTask(taskId: string): Promise<MoveTaskRecord | undefined> {
    return this.#moves.get(taskId);
  }

  listMoveTasks(sourceQueue: string, limit: number): Promise<MoveTaskRecord[]> {
    return this.#moves.list(sourceQueue, limit);
  }

  activeMoveTasks(): Promise<MoveTaskRecord[]> {
    return this.#moves.active();
  }

  setMoveTaskStatus(
    taskId: string,
    o: { readonly from: readonly MoveTaskStatus[]; readonly to: MoveTaskStatus },
  ): Promise<MoveTaskRecord | undefined> {
    return this.#moves.setStatus(taskId, o);
  }

  moveMessages(step: MoveStep): Promise<MoveStepResult> {
    return this.#moves.step(step);
  }

  close(): Promise<void> {
    return this.#db.release();
  }
}
