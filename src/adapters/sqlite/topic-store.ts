import type { Database } from "better-sqlite3";
import type {
  DeliveryRecord,
  NewDelivery,
  SigningKeyRecord,
  SubscriptionRecord,
  TopicRecord,
  TopicStore,
} from "../../ports/topic-store.js";
import { closeDatabase, openDatabase, settle, type SqliteDatabaseOptions } from "./database.js";
import { stmt } from "./statements.js";

interface DeliveryRow {
  id: string;
  subscription_arn: string;
  body: string;
  due_at: number;
  attempts: number;
}

const toDelivery = (r: DeliveryRow): DeliveryRecord => ({
  id: r.id,
  subscriptionArn: r.subscription_arn,
  body: r.body,
  dueAt: r.due_at,
  attempts: r.attempts,
});

const bodies = <T>(rows: unknown[]): T[] => (rows as { body: string }[]).map((r) => JSON.parse(r.body) as T);

/** The TopicStore on one SQLite file (WAL) or in memory; it may share the Lambda store's file. */
export class SqliteTopicStore implements TopicStore {
  readonly #db: Database;

  private constructor(db: Database) {
    this.#db = db;
  }

  /** Opens (and migrates) the database. */
  static open(options: SqliteDatabaseOptions): SqliteTopicStore {
    return new SqliteTopicStore(openDatabase(options));
  }

  insertTopic(topic: TopicRecord): Promise<boolean> {
    const sql = "INSERT INTO sns_topics (arn, body) VALUES (?, ?) ON CONFLICT (arn) DO NOTHING";
    return settle(() => stmt(this.#db, sql).run(topic.arn, JSON.stringify(topic)).changes === 1);
  }

  updateTopic(topic: TopicRecord): Promise<void> {
    return settle(() => {
      stmt(this.#db, "UPDATE sns_topics SET body = ? WHERE arn = ?").run(JSON.stringify(topic), topic.arn);
    });
  }

  getTopic(arn: string): Promise<TopicRecord | undefined> {
    return settle(() => bodies<TopicRecord>(stmt(this.#db, "SELECT body FROM sns_topics WHERE arn = ?").all(arn))[0]);
  }

  listTopics(): Promise<TopicRecord[]> {
    return settle(() => bodies<TopicRecord>(stmt(this.#db, "SELECT body FROM sns_topics ORDER BY arn").all()));
  }

  deleteTopic(arn: string): Promise<boolean> {
    return settle(() =>
      this.#db.transaction(() => {
        stmt(this.#db, "DELETE FROM sns_subscriptions WHERE topic_arn = ?").run(arn);
        stmt(this.#db, "DELETE FROM sns_dedup WHERE topic_arn = ?").run(arn);
        return stmt(this.#db, "DELETE FROM sns_topics WHERE arn = ?").run(arn).changes === 1;
      })(),
    );
  }

  saveSubscription(s: SubscriptionRecord): Promise<void> {
    const sql =
      "INSERT INTO sns_subscriptions (arn, topic_arn, body) VALUES (?, ?, ?) ON CONFLICT (arn) DO UPDATE SET body = excluded.body";
    return settle(() => {
      stmt(this.#db, sql).run(s.arn, s.topicArn, JSON.stringify(s));
    });
  }

  getSubscription(arn: string): Promise<SubscriptionRecord | undefined> {
    const sql = "SELECT body FROM sns_subscriptions WHERE arn = ?";
    return settle(() => bodies<SubscriptionRecord>(stmt(this.#db, sql).all(arn))[0]);
  }

  listSubscriptions(topicArn?: string): Promise<SubscriptionRecord[]> {
    return settle(() =>
      topicArn === undefined
        ? bodies<SubscriptionRecord>(stmt(this.#db, "SELECT body FROM sns_subscriptions ORDER BY arn").all())
        : bodies<SubscriptionRecord>(
            stmt(this.#db, "SELECT body FROM sns_subscriptions WHERE topic_arn = ? ORDER BY arn").all(topicArn),
          ),
    );
  }

  deleteSubscription(arn: string): Promise<boolean> {
    return settle(() => stmt(this.#db, "DELETE FROM sns_subscriptions WHERE arn = ?").run(arn).changes === 1);
  }

  addDeliveries(deliveries: readonly NewDelivery[]): Promise<void> {
    const sql = "INSERT INTO sns_deliveries (id, subscription_arn, body, due_at, ordering_key) VALUES (?, ?, ?, ?, ?)";
    return settle(() =>
      this.#db.transaction(() => {
        for (const d of deliveries) {
          stmt(this.#db, sql).run(d.id, d.subscriptionArn, d.body, d.dueAt, d.orderingKey ?? null);
        }
      })(),
    );
  }

  claimDeliveries(o: { owner: string; now: number; leaseMs: number; limit: number }): Promise<DeliveryRecord[]> {
    const sql =
      "UPDATE sns_deliveries SET claimed_by = ?, claimed_until = ? WHERE id IN (SELECT id FROM sns_deliveries d" +
      " WHERE due_at <= ? AND (claimed_until IS NULL OR claimed_until < ?) AND (ordering_key IS NULL OR NOT EXISTS" +
      " (SELECT 1 FROM sns_deliveries e WHERE e.ordering_key = d.ordering_key AND e.rowid < d.rowid))" +
      " ORDER BY due_at, rowid LIMIT ?)" +
      " RETURNING id, subscription_arn, body, due_at, attempts";
    return settle(() =>
      (stmt(this.#db, sql).all(o.owner, o.now + o.leaseMs, o.now, o.now, o.limit) as DeliveryRow[]).map(toDelivery),
    );
  }

  finishDelivery(id: string): Promise<void> {
    return settle(() => {
      stmt(this.#db, "DELETE FROM sns_deliveries WHERE id = ?").run(id);
    });
  }

  retryDelivery(id: string, dueAt: number): Promise<void> {
    const sql =
      "UPDATE sns_deliveries SET due_at = ?, attempts = attempts + 1, claimed_by = NULL, claimed_until = NULL WHERE id = ?";
    return settle(() => {
      stmt(this.#db, sql).run(dueAt, id);
    });
  }

  nextDeliveryAt(): Promise<number | undefined> {
    const sql = "SELECT MIN(COALESCE(claimed_until, due_at)) AS at FROM sns_deliveries";
    return settle(() => (stmt(this.#db, sql).get() as { at: number | null }).at ?? undefined);
  }

  deduplicate(o: { topicArn: string; id: string; messageId: string; now: number; until: number }) {
    return settle(() =>
      this.#db.transaction(() => {
        const sql = "SELECT message_id, until FROM sns_dedup WHERE topic_arn = ? AND id = ?";
        const row = stmt(this.#db, sql).get(o.topicArn, o.id) as { message_id: string; until: number } | undefined;
        if (row && row.until > o.now) return row.message_id;
        stmt(
          this.#db,
          "INSERT INTO sns_dedup (topic_arn, id, message_id, until) VALUES (?, ?, ?, ?)" +
            " ON CONFLICT (topic_arn, id) DO UPDATE SET message_id = excluded.message_id, until = excluded.until",
        ).run(o.topicArn, o.id, o.messageId, o.until);
        stmt(this.#db, "DELETE FROM sns_dedup WHERE until <= ?").run(o.now);
        return undefined;
      })(),
    );
  }

  adoptSigningKey(candidate: SigningKeyRecord): Promise<SigningKeyRecord> {
    return settle(() => {
      const insert =
        "INSERT INTO sns_signing_key (id, private_key, certificate) VALUES (1, ?, ?) ON CONFLICT DO NOTHING";
      stmt(this.#db, insert).run(candidate.privateKeyPem, candidate.certificatePem);
      const row = stmt(this.#db, "SELECT private_key, certificate FROM sns_signing_key WHERE id = 1").get() as {
        private_key: string;
        certificate: string;
      };
      return { privateKeyPem: row.private_key, certificatePem: row.certificate };
    });
  }

  close(): Promise<void> {
    return settle(() => closeDatabase(this.#db));
  }
}
