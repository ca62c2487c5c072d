import type {
  DeliveryRecord,
  NewDelivery,
  SigningKeyRecord,
  SubscriptionRecord,
  TopicRecord,
  TopicStore,
} from "../../ports/topic-store.js";
import type { PgDatabase } from "./database.js";

interface DeliveryRow {
  id: string;
  subscription_arn: string;
  body: string;
  due_at: string;
  attempts: number;
}

const toDelivery = (r: DeliveryRow): DeliveryRecord => ({
  id: r.id,
  subscriptionArn: r.subscription_arn,
  body: r.body,
  dueAt: Number(r.due_at),
  attempts: r.attempts,
});

const bodies = <T>(rows: { body: string }[]): T[] => rows.map((r) => JSON.parse(r.body) as T);

/**
 * The TopicStore on PostgreSQL, shared by the nodes of a cluster: a publish through one node is
 * delivered by whichever node claims the delivery first (SKIP LOCKED), and by another if it dies.
 */
export class PgTopicStore implements TopicStore {
  readonly #db: PgDatabase;
  #closed = false;

  /** A store over `db` (already open and migrated); it releases its use of `db` on close. */
  constructor(db: PgDatabase) {
    this.#db = db;
    db.retain();
  }

  async insertTopic(topic: TopicRecord): Promise<boolean> {
    const sql = "INSERT INTO sns_topics (arn, body) VALUES ($1, $2) ON CONFLICT (arn) DO NOTHING";
    return (await this.#db.run(sql, [topic.arn, JSON.stringify(topic)])) === 1;
  }

  async updateTopic(topic: TopicRecord): Promise<void> {
    await this.#db.run("UPDATE sns_topics SET body = $1 WHERE arn = $2", [JSON.stringify(topic), topic.arn]);
  }

  async getTopic(arn: string): Promise<TopicRecord | undefined> {
    return bodies<TopicRecord>(await this.#db.rows("SELECT body FROM sns_topics WHERE arn = $1", [arn]))[0];
  }

  async listTopics(): Promise<TopicRecord[]> {
    return bodies<TopicRecord>(await this.#db.rows("SELECT body FROM sns_topics ORDER BY arn"));
  }

  deleteTopic(arn: string): Promise<boolean> {
    return this.#db.transaction(async (q) => {
      await this.#db.run("DELETE FROM sns_subscriptions WHERE topic_arn = $1", [arn], q);
      await this.#db.run("DELETE FROM sns_dedup WHERE topic_arn = $1", [arn], q);
      return (await this.#db.run("DELETE FROM sns_topics WHERE arn = $1", [arn], q)) === 1;
    });
  }

  async saveSubscription(s: SubscriptionRecord): Promise<void> {
    await this.#db.run(
      "INSERT INTO sns_subscriptions (arn, topic_arn, body) VALUES ($1, $2, $3) ON CONFLICT (arn) DO UPDATE SET body = excluded.body",
      [s.arn, s.topicArn, JSON.stringify(s)],
    );
  }

  async getSubscription(arn: string): Promise<SubscriptionRecord | undefined> {
    const rows = await this.#db.rows<{ body: string }>("SELECT body FROM sns_subscriptions WHERE arn = $1", [arn]);
    return bodies<SubscriptionRecord>(rows)[0];
  }

  async listSubscriptions(topicArn?: string): Promise<SubscriptionRecord[]> {
    const rows =
      topicArn === undefined
        ? await this.#db.rows<{ body: string }>("SELECT body FROM sns_subscriptions ORDER BY arn")
        : await this.#db.rows<{ body: string }>(
            "SELECT body FROM sns_subscriptions WHERE topic_arn = $1 ORDER BY arn",
            [topicArn],
          );
    return bodies<SubscriptionRecord>(rows);
  }

  async deleteSubscription(arn: string): Promise<boolean> {
    return (await this.#db.run("DELETE FROM sns_subscriptions WHERE arn = $1", [arn])) === 1;
  }

  async addDeliveries(deliveries: readonly NewDelivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    const sql =
      "INSERT INTO sns_deliveries (id, subscription_arn, body, due_at, ordering_key) VALUES ($1, $2, $3, $4, $5)";
    const values = (d: NewDelivery) => [d.id, d.subscriptionArn, d.body, d.dueAt, d.orderingKey ?? null];
    if (deliveries.length === 1) {
      await this.#db.run(sql, values(deliveries[0]!));
      return;
    }
    await this.#db.transaction(async (q) => {
      for (const d of deliveries) await this.#db.run(sql, values(d), q);
    });
  }

  async claimDeliveries(o: { owner: string; now: number; leaseMs: number; limit: number }): Promise<DeliveryRecord[]> {
    const sql =
      "UPDATE sns_deliveries SET claimed_by = $1, claimed_until = $2 WHERE id IN (SELECT id FROM sns_deliveries d" +
      " WHERE due_at <= $3 AND (claimed_until IS NULL OR claimed_until < $3) AND (ordering_key IS NULL OR NOT EXISTS" +
      " (SELECT 1 FROM sns_deliveries e WHERE e.ordering_key = d.ordering_key AND e.seq < d.seq))" +
      " ORDER BY due_at, seq LIMIT $4 FOR UPDATE SKIP LOCKED) RETURNING id, subscription_arn, body, due_at, attempts";
    const rows = await this.#db.rows<DeliveryRow>(sql, [o.owner, o.now + o.leaseMs, o.now, o.limit]);
    return rows.map(toDelivery).sort((a, b) => a.dueAt - b.dueAt);
  }

  async finishDelivery(id: string): Promise<void> {
    await this.#db.run("DELETE FROM sns_deliveries WHERE id = $1", [id]);
  }

  async retryDelivery(id: string, dueAt: number): Promise<void> {
    await this.#db.run(
      "UPDATE sns_deliveries SET due_at = $1, attempts = attempts + 1, claimed_by = NULL, claimed_until = NULL WHERE id = $2",
      [dueAt, id],
    );
  }

  async nextDeliveryAt(): Promise<number | undefined> {
    const rows = await this.#db.rows<{ at: string | null }>(
      "SELECT MIN(COALESCE(claimed_until, due_at)) AS at FROM sns_deliveries",
    );
    const at = rows[0]?.at;
    return at === null || at === undefined ? undefined : Number(at);
  }

  async adoptSigningKey(candidate: SigningKeyRecord): Promise<SigningKeyRecord> {
    await this.#db.run(
      "INSERT INTO sns_signing_key (id, private_key, certificate) VALUES (1, $1, $2) ON CONFLICT DO NOTHING",
      [candidate.privateKeyPem, candidate.certificatePem],
    );
    const rows = await this.#db.rows<{ private_key: string; certificate: string }>(
      "SELECT private_key, certificate FROM sns_signing_key WHERE id = 1",
    );
    return { privateKeyPem: rows[0]!.private_key, certificatePem: rows[0]!.certificate };
  }

  deduplicate(o: { topicArn: string; id: string; messageId: string; now: number; until: number }) {
    return this.#db.transaction(async (q): Promise<string | undefined> => {
      // Inserted first (or locked when present), so that two nodes publishing one id agree on the first.
      await this.#db.run(
        "INSERT INTO sns_dedup (topic_arn, id, message_id, until) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        [o.topicArn, o.id, o.messageId, o.until],
        q,
      );
      const rows = await this.#db.rows<{ message_id: string; until: string }>(
        "SELECT message_id, until FROM sns_dedup WHERE topic_arn = $1 AND id = $2 FOR UPDATE",
        [o.topicArn, o.id],
        q,
      );
      const row = rows[0]!;
      if (row.message_id === o.messageId) return undefined;
      if (Number(row.until) > o.now) return row.message_id;
      await this.#db.run(
        "UPDATE sns_dedup SET message_id = $3, until = $4 WHERE topic_arn = $1 AND id = $2",
        [o.topicArn, o.id, o.messageId, o.until],
        q,
      );
      return undefined;
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#db.release();
  }
}
