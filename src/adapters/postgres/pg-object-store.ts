import type { BucketRecord, ObjectMeta, ObjectStore } from "../../ports/object-store.js";
import type { PgDatabase } from "./database.js";

interface ObjectRow {
  bucket: string;
  key: string;
  size: string;
  etag: string;
  content_type: string | null;
  last_modified: string;
}

const META = "bucket, key, size, etag, content_type, last_modified";
const metaOf = (r: ObjectRow): ObjectMeta => ({
  bucket: r.bucket,
  key: r.key,
  size: Number(r.size),
  etag: r.etag,
  contentType: r.content_type ?? undefined,
  lastModified: Number(r.last_modified),
});

/** The ObjectStore on PostgreSQL, shared by the nodes of a cluster. */
export class PgObjectStore implements ObjectStore {
  readonly #db: PgDatabase;
  #closed = false;

  /** A store over `db` (already open and migrated); it releases its use of `db` on close. */
  constructor(db: PgDatabase) {
    this.#db = db;
    db.retain();
  }

  async createBucket(b: BucketRecord): Promise<boolean> {
    const sql = "INSERT INTO s3_buckets (name, created_at) VALUES ($1, $2) ON CONFLICT DO NOTHING";
    return (await this.#db.run(sql, [b.name, b.createdAt])) === 1;
  }

  async getBucket(name: string): Promise<BucketRecord | undefined> {
    const rows = await this.#db.rows<{ name: string; created_at: string }>(
      "SELECT name, created_at FROM s3_buckets WHERE name = $1",
      [name],
    );
    return rows[0] && { name: rows[0].name, createdAt: Number(rows[0].created_at) };
  }

  async listBuckets(): Promise<BucketRecord[]> {
    const rows = await this.#db.rows<{ name: string; created_at: string }>(
      "SELECT name, created_at FROM s3_buckets ORDER BY name",
    );
    return rows.map((r) => ({ name: r.name, createdAt: Number(r.created_at) }));
  }

  async deleteBucket(name: string): Promise<boolean> {
    const sql = "DELETE FROM s3_buckets WHERE name = $1 AND NOT EXISTS (SELECT 1 FROM s3_objects WHERE bucket = $1)";
    return (await this.#db.run(sql, [name])) === 1;
  }

  async putObject(m: ObjectMeta, body: Buffer): Promise<void> {
    await this.#db.run(
      `INSERT INTO s3_objects (${META}, body) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (bucket, key) DO UPDATE SET size = excluded.size, etag = excluded.etag,
         content_type = excluded.content_type, last_modified = excluded.last_modified, body = excluded.body`,
      [m.bucket, m.key, m.size, m.etag, m.contentType ?? null, m.lastModified, body],
    );
  }

  async headObject(bucket: string, key: string): Promise<ObjectMeta | undefined> {
    const rows = await this.#db.rows<ObjectRow>(`SELECT ${META} FROM s3_objects WHERE bucket = $1 AND key = $2`, [
      bucket,
      key,
    ]);
    return rows[0] && metaOf(rows[0]);
  }

  async getObject(bucket: string, key: string): Promise<{ meta: ObjectMeta; body: Buffer } | undefined> {
    const rows = await this.#db.rows<ObjectRow & { body: Buffer }>(
      `SELECT ${META}, body FROM s3_objects WHERE bucket = $1 AND key = $2`,
      [bucket, key],
    );
    return rows[0] && { meta: metaOf(rows[0]), body: rows[0].body };
  }

  async deleteObject(bucket: string, key: string): Promise<boolean> {
    return (await this.#db.run("DELETE FROM s3_objects WHERE bucket = $1 AND key = $2", [bucket, key])) === 1;
  }

  async listObjects(bucket: string, o: { prefix: string; after: string; limit: number }): Promise<ObjectMeta[]> {
    const rows = await this.#db.rows<ObjectRow>(
      `SELECT ${META} FROM s3_objects WHERE bucket = $1 AND starts_with(key, $2) AND key > $3 ORDER BY key LIMIT $4`,
      [bucket, o.prefix, o.after, o.limit],
    );
    return rows.map(metaOf);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#db.release();
  }
}
