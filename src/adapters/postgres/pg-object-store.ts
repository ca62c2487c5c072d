import type { BucketRecord, ObjectMeta, ObjectStore, PartMeta, UploadRecord } from "../../ports/object-store.js";
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

interface UploadRow {
  upload_id: string;
  bucket: string;
  key: string;
  content_type: string | null;
  initiated: string;
}
const UPLOAD = "upload_id, bucket, key, content_type, initiated";
const uploadOf = (r: UploadRow): UploadRecord => ({
  uploadId: r.upload_id,
  bucket: r.bucket,
  key: r.key,
  contentType: r.content_type ?? undefined,
  initiated: Number(r.initiated),
});
interface PartRow {
  upload_id: string;
  part_number: number;
  size: string;
  etag: string;
  last_modified: string;
}
const PART = "upload_id, part_number, size, etag, last_modified";
const partOf = (r: PartRow): PartMeta => ({
  uploadId: r.upload_id,
  partNumber: r.part_number,
  size: Number(r.size),
  etag: r.etag,
  lastModified: Number(r.last_modified),
});
const UPSERT_OBJECT = `ON CONFLICT (bucket, key) DO UPDATE SET size = excluded.size, etag = excluded.etag,
  content_type = excluded.content_type, last_modified = excluded.last_modified, body = excluded.body`;

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
    return this.#db.transaction(async (q) => {
      const sql = "DELETE FROM s3_buckets WHERE name = $1 AND NOT EXISTS (SELECT 1 FROM s3_objects WHERE bucket = $1)";
      if ((await this.#db.run(sql, [name], q)) !== 1) return false;
      const uploads = await this.#db.rows<{ upload_id: string }>(
        "DELETE FROM s3_uploads WHERE bucket = $1 RETURNING upload_id",
        [name],
        q,
      );
      const ids = uploads.map((u) => u.upload_id);
      if (ids.length > 0) await this.#db.run("DELETE FROM s3_parts WHERE upload_id = ANY($1)", [ids], q);
      return true;
    });
  }

  async putObject(m: ObjectMeta, body: Buffer): Promise<void> {
    await this.#db.run(`INSERT INTO s3_objects (${META}, body) VALUES ($1, $2, $3, $4, $5, $6, $7) ${UPSERT_OBJECT}`, [
      m.bucket,
      m.key,
      m.size,
      m.etag,
      m.contentType ?? null,
      m.lastModified,
      body,
    ]);
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

  async createUpload(u: UploadRecord): Promise<void> {
    await this.#db.run(`INSERT INTO s3_uploads (${UPLOAD}) VALUES ($1, $2, $3, $4, $5)`, [
      u.uploadId,
      u.bucket,
      u.key,
      u.contentType ?? null,
      u.initiated,
    ]);
  }

  async getUpload(uploadId: string): Promise<UploadRecord | undefined> {
    const rows = await this.#db.rows<UploadRow>(`SELECT ${UPLOAD} FROM s3_uploads WHERE upload_id = $1`, [uploadId]);
    return rows[0] && uploadOf(rows[0]);
  }

  async listUploads(
    bucket: string,
    o: { prefix: string; afterKey: string; afterUploadId: string; limit: number },
  ): Promise<UploadRecord[]> {
    const rows = await this.#db.rows<UploadRow>(
      `SELECT ${UPLOAD} FROM s3_uploads WHERE bucket = $1 AND starts_with(key, $2) AND (key, upload_id) > ($3, $4)
       ORDER BY key, upload_id LIMIT $5`,
      [bucket, o.prefix, o.afterKey, o.afterUploadId, o.limit],
    );
    return rows.map(uploadOf);
  }

  async putPart(p: PartMeta, body: Buffer): Promise<boolean> {
    // The upload row is share-locked: an abort or completion running at once either waits for this
    // part (and removes it) or has removed the upload first (and the part is not written).
    const written = await this.#db.run(
      `WITH u AS (SELECT upload_id FROM s3_uploads WHERE upload_id = $1 FOR SHARE)
       INSERT INTO s3_parts (${PART}, body) SELECT u.upload_id, $2, $3, $4, $5, $6 FROM u
       ON CONFLICT (upload_id, part_number) DO UPDATE SET size = excluded.size, etag = excluded.etag,
         last_modified = excluded.last_modified, body = excluded.body`,
      [p.uploadId, p.partNumber, p.size, p.etag, p.lastModified, body],
    );
    return written === 1;
  }

  async listParts(uploadId: string, o: { after: number; limit: number }): Promise<PartMeta[]> {
    const rows = await this.#db.rows<PartRow>(
      `SELECT ${PART} FROM s3_parts WHERE upload_id = $1 AND part_number > $2 ORDER BY part_number LIMIT $3`,
      [uploadId, o.after, o.limit],
    );
    return rows.map(partOf);
  }

  async completeUpload(uploadId: string, m: ObjectMeta, partNumbers: readonly number[]): Promise<boolean> {
    return this.#db
      .transaction(async (q) => {
        const gone = await this.#db.run("DELETE FROM s3_uploads WHERE upload_id = $1", [uploadId], q);
        if (gone !== 1) return false;
        const written = await this.#db.run(
          `INSERT INTO s3_objects (${META}, body)
         SELECT $2, $3, $4, $5, $6, $7, string_agg(p.body, ''::bytea ORDER BY o.ord)
           FROM unnest($8::int[]) WITH ORDINALITY AS o(n, ord)
           JOIN s3_parts p ON p.upload_id = $1 AND p.part_number = o.n
         HAVING count(*) = $9 ${UPSERT_OBJECT}`,
          [
            uploadId,
            m.bucket,
            m.key,
            m.size,
            m.etag,
            m.contentType ?? null,
            m.lastModified,
            partNumbers,
            partNumbers.length,
          ],
          q,
        );
        // A part missing since it was checked: nothing is written and the upload stays.
        if (written !== 1) throw new PartsChanged();
        await this.#db.run("DELETE FROM s3_parts WHERE upload_id = $1", [uploadId], q);
        return true;
      })
      .catch((e: unknown) => {
        if (e instanceof PartsChanged) return false;
        throw e;
      });
  }

  async abortUpload(uploadId: string): Promise<boolean> {
    return this.#db.transaction(async (q) => {
      // The upload first: it waits for a part being written (putPart share-locks the upload).
      const gone = await this.#db.run("DELETE FROM s3_uploads WHERE upload_id = $1", [uploadId], q);
      await this.#db.run("DELETE FROM s3_parts WHERE upload_id = $1", [uploadId], q);
      return gone === 1;
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#db.release();
  }
}

class PartsChanged extends Error {}
