import type { Database } from "better-sqlite3";
import type { BucketRecord, ObjectMeta, ObjectStore } from "../../ports/object-store.js";
import { closeDatabase, openDatabase, settle, type SqliteDatabaseOptions } from "./database.js";
import { stmt } from "./statements.js";

interface ObjectRow {
  bucket: string;
  key: string;
  size: number;
  etag: string;
  content_type: string | null;
  last_modified: number;
}

const META = "bucket, key, size, etag, content_type, last_modified";
const metaOf = (r: ObjectRow): ObjectMeta => ({
  bucket: r.bucket,
  key: r.key,
  size: r.size,
  etag: r.etag,
  contentType: r.content_type ?? undefined,
  lastModified: r.last_modified,
});

/** The ObjectStore on one SQLite file (WAL) or in memory; it may share the Lambda store's file. */
export class SqliteObjectStore implements ObjectStore {
  readonly #db: Database;

  private constructor(db: Database) {
    this.#db = db;
  }

  /** Opens (and migrates) the database. */
  static open(options: SqliteDatabaseOptions): SqliteObjectStore {
    return new SqliteObjectStore(openDatabase(options));
  }

  createBucket(b: BucketRecord): Promise<boolean> {
    return settle(
      () =>
        stmt(this.#db, "INSERT INTO s3_buckets (name, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING").run(
          b.name,
          b.createdAt,
        ).changes === 1,
    );
  }

  getBucket(name: string): Promise<BucketRecord | undefined> {
    return settle(() => {
      const r = stmt(this.#db, "SELECT name, created_at FROM s3_buckets WHERE name = ?").get(name) as
        { name: string; created_at: number } | undefined;
      return r && { name: r.name, createdAt: r.created_at };
    });
  }

  listBuckets(): Promise<BucketRecord[]> {
    return settle(() =>
      (
        stmt(this.#db, "SELECT name, created_at FROM s3_buckets ORDER BY name").all() as {
          name: string;
          created_at: number;
        }[]
      ).map((r) => ({ name: r.name, createdAt: r.created_at })),
    );
  }

  deleteBucket(name: string): Promise<boolean> {
    return settle(
      () =>
        stmt(
          this.#db,
          "DELETE FROM s3_buckets WHERE name = ? AND NOT EXISTS (SELECT 1 FROM s3_objects WHERE bucket = ?)",
        ).run(name, name).changes === 1,
    );
  }

  putObject(m: ObjectMeta, body: Buffer): Promise<void> {
    return settle(() => {
      stmt(
        this.#db,
        `INSERT INTO s3_objects (${META}, body) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (bucket, key) DO UPDATE SET size = excluded.size, etag = excluded.etag,
           content_type = excluded.content_type, last_modified = excluded.last_modified, body = excluded.body`,
      ).run(m.bucket, m.key, m.size, m.etag, m.contentType ?? null, m.lastModified, body);
    });
  }

  headObject(bucket: string, key: string): Promise<ObjectMeta | undefined> {
    return settle(() => {
      const r = stmt(this.#db, `SELECT ${META} FROM s3_objects WHERE bucket = ? AND key = ?`).get(bucket, key) as
        ObjectRow | undefined;
      return r && metaOf(r);
    });
  }

  getObject(bucket: string, key: string): Promise<{ meta: ObjectMeta; body: Buffer } | undefined> {
    return settle(() => {
      const r = stmt(this.#db, `SELECT ${META}, body FROM s3_objects WHERE bucket = ? AND key = ?`).get(bucket, key) as
        (ObjectRow & { body: Buffer }) | undefined;
      return r && { meta: metaOf(r), body: r.body };
    });
  }

  deleteObject(bucket: string, key: string): Promise<boolean> {
    return settle(
      () => stmt(this.#db, "DELETE FROM s3_objects WHERE bucket = ? AND key = ?").run(bucket, key).changes === 1,
    );
  }

  listObjects(bucket: string, o: { prefix: string; after: string; limit: number }): Promise<ObjectMeta[]> {
    return settle(() =>
      (
        stmt(
          this.#db,
          `SELECT ${META} FROM s3_objects WHERE bucket = ? AND substr(key, 1, length(?)) = ? AND key > ?
           ORDER BY key LIMIT ?`,
        ).all(bucket, o.prefix, o.prefix, o.after, o.limit) as ObjectRow[]
      ).map(metaOf),
    );
  }

  close(): Promise<void> {
    closeDatabase(this.#db);
    return Promise.resolve();
  }
}
