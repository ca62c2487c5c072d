import type { Database } from "better-sqlite3";
import type { BucketRecord, ObjectMeta, ObjectStore, PartMeta, UploadRecord } from "../../ports/object-store.js";
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

interface UploadRow {
  upload_id: string;
  bucket: string;
  key: string;
  content_type: string | null;
  initiated: number;
}
const uploadOf = (r: UploadRow): UploadRecord => ({
  uploadId: r.upload_id,
  bucket: r.bucket,
  key: r.key,
  contentType: r.content_type ?? undefined,
  initiated: r.initiated,
});
interface PartRow {
  upload_id: string;
  part_number: number;
  size: number;
  etag: string;
  last_modified: number;
}
const PART = "upload_id, part_number, size, etag, last_modified";
const partOf = (r: PartRow): PartMeta => ({
  uploadId: r.upload_id,
  partNumber: r.part_number,
  size: r.size,
  etag: r.etag,
  lastModified: r.last_modified,
});
const UPLOAD = "upload_id, bucket, key, content_type, initiated";

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
    return settle(() =>
      this.#db.transaction((): boolean => {
        const deleted =
          stmt(
            this.#db,
            "DELETE FROM s3_buckets WHERE name = ? AND NOT EXISTS (SELECT 1 FROM s3_objects WHERE bucket = ?)",
          ).run(name, name).changes === 1;
        if (deleted) {
          stmt(
            this.#db,
            "DELETE FROM s3_parts WHERE upload_id IN (SELECT upload_id FROM s3_uploads WHERE bucket = ?)",
          ).run(name);
          stmt(this.#db, "DELETE FROM s3_uploads WHERE bucket = ?").run(name);
        }
        return deleted;
      })(),
    );
  }

  putObject(m: ObjectMeta, body: Buffer): Promise<void> {
    return settle(() => this.#putObjectNow(m, body));
  }

  #putObjectNow(m: ObjectMeta, body: Buffer): void {
    stmt(
      this.#db,
      `INSERT INTO s3_objects (${META}, body) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (bucket, key) DO UPDATE SET size = excluded.size, etag = excluded.etag,
         content_type = excluded.content_type, last_modified = excluded.last_modified, body = excluded.body`,
    ).run(m.bucket, m.key, m.size, m.etag, m.contentType ?? null, m.lastModified, body);
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

  createUpload(u: UploadRecord): Promise<void> {
    return settle(() => {
      stmt(this.#db, `INSERT INTO s3_uploads (${UPLOAD}) VALUES (?, ?, ?, ?, ?)`).run(
        u.uploadId,
        u.bucket,
        u.key,
        u.contentType ?? null,
        u.initiated,
      );
    });
  }

  getUpload(uploadId: string): Promise<UploadRecord | undefined> {
    return settle(() => {
      const r = stmt(this.#db, `SELECT ${UPLOAD} FROM s3_uploads WHERE upload_id = ?`).get(uploadId) as
        UploadRow | undefined;
      return r && uploadOf(r);
    });
  }

  listUploads(
    bucket: string,
    o: { prefix: string; afterKey: string; afterUploadId: string; limit: number },
  ): Promise<UploadRecord[]> {
    return settle(() =>
      (
        stmt(
          this.#db,
          `SELECT ${UPLOAD} FROM s3_uploads WHERE bucket = ? AND substr(key, 1, length(?)) = ?
             AND (key > ? OR (key = ? AND upload_id > ?))
           ORDER BY key, upload_id LIMIT ?`,
        ).all(bucket, o.prefix, o.prefix, o.afterKey, o.afterKey, o.afterUploadId, o.limit) as UploadRow[]
      ).map(uploadOf),
    );
  }

  putPart(p: PartMeta, body: Buffer): Promise<boolean> {
    return settle(() =>
      this.#db.transaction((): boolean => {
        if (!stmt(this.#db, "SELECT 1 FROM s3_uploads WHERE upload_id = ?").get(p.uploadId)) return false;
        stmt(
          this.#db,
          `INSERT INTO s3_parts (${PART}, body) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (upload_id, part_number) DO UPDATE SET size = excluded.size, etag = excluded.etag,
             last_modified = excluded.last_modified, body = excluded.body`,
        ).run(p.uploadId, p.partNumber, p.size, p.etag, p.lastModified, body);
        return true;
      })(),
    );
  }

  listParts(uploadId: string, o: { after: number; limit: number }): Promise<PartMeta[]> {
    return settle(() =>
      (
        stmt(
          this.#db,
          `SELECT ${PART} FROM s3_parts WHERE upload_id = ? AND part_number > ? ORDER BY part_number LIMIT ?`,
        ).all(uploadId, o.after, o.limit) as PartRow[]
      ).map(partOf),
    );
  }

  completeUpload(uploadId: string, meta: ObjectMeta, partNumbers: readonly number[]): Promise<boolean> {
    return settle(() =>
      this.#db.transaction((): boolean => {
        if (!stmt(this.#db, "SELECT 1 FROM s3_uploads WHERE upload_id = ?").get(uploadId)) return false;
        const read = stmt(this.#db, "SELECT body FROM s3_parts WHERE upload_id = ? AND part_number = ?");
        const bodies = partNumbers.map((n) => (read.get(uploadId, n) as { body: Buffer } | undefined)?.body);
        if (bodies.some((b) => b === undefined)) return false;
        this.#putObjectNow(meta, Buffer.concat(bodies as Buffer[]));
        this.#abortNow(uploadId);
        return true;
      })(),
    );
  }

  abortUpload(uploadId: string): Promise<boolean> {
    return settle(() => this.#db.transaction(() => this.#abortNow(uploadId))());
  }

  #abortNow(uploadId: string): boolean {
    stmt(this.#db, "DELETE FROM s3_parts WHERE upload_id = ?").run(uploadId);
    return stmt(this.#db, "DELETE FROM s3_uploads WHERE upload_id = ?").run(uploadId).changes === 1;
  }

  close(): Promise<void> {
    closeDatabase(this.#db);
    return Promise.resolve();
  }
}
