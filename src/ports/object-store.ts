/**
 * The ObjectStore: haneul's small S3 for deployment artifacts (packaged code, templates). Buckets
 * and objects live in the node's database, so every node of a cluster sees the same artifacts.
 */

/** A bucket. */
export interface BucketRecord {
  readonly name: string;
  readonly createdAt: number;
}

/** An object's metadata. */
export interface ObjectMeta {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  /** The quoted MD5 hex of the content, as S3's ETag. */
  readonly etag: string;
  readonly contentType?: string | undefined;
  readonly lastModified: number;
}

/** A multipart upload in progress. */
export interface UploadRecord {
  readonly uploadId: string;
  readonly bucket: string;
  readonly key: string;
  readonly contentType?: string | undefined;
  readonly initiated: number;
}

/** A part of a multipart upload. */
export interface PartMeta {
  readonly uploadId: string;
  readonly partNumber: number;
  readonly size: number;
  /** The quoted MD5 hex of the part. */
  readonly etag: string;
  readonly lastModified: number;
}

/** Where artifacts are kept. */
export interface ObjectStore {
  /** Creates a bucket; false when it exists. */
  createBucket(bucket: BucketRecord): Promise<boolean>;
  /** A bucket by name. */
  getBucket(name: string): Promise<BucketRecord | undefined>;
  /** Every bucket, by name. */
  listBuckets(): Promise<BucketRecord[]>;
  /** Deletes a bucket without objects (and its unfinished uploads); false when it does not exist or has objects. */
  deleteBucket(name: string): Promise<boolean>;
  /** Writes (or replaces) an object. */
  putObject(meta: ObjectMeta, body: Buffer): Promise<void>;
  /** An object's metadata. */
  headObject(bucket: string, key: string): Promise<ObjectMeta | undefined>;
  /** An object with its content. */
  getObject(bucket: string, key: string): Promise<{ meta: ObjectMeta; body: Buffer } | undefined>;
  /** Deletes an object; false when it was not there. */
  deleteObject(bucket: string, key: string): Promise<boolean>;
  /** Metadata of the objects of a bucket whose key starts with `prefix` and comes after `after`, by key. */
  listObjects(bucket: string, o: { prefix: string; after: string; limit: number }): Promise<ObjectMeta[]>;
  /** Starts a multipart upload. */
  createUpload(upload: UploadRecord): Promise<void>;
  /** A multipart upload in progress. */
  getUpload(uploadId: string): Promise<UploadRecord | undefined>;
  /** The uploads of a bucket under `prefix` after (`afterKey`, `afterUploadId`), by key then upload id. */
  listUploads(
    bucket: string,
    o: { prefix: string; afterKey: string; afterUploadId: string; limit: number },
  ): Promise<UploadRecord[]>;
  /** Writes (or replaces) a part; false when its upload no longer exists. */
  putPart(part: PartMeta, body: Buffer): Promise<boolean>;
  /** The parts of an upload numbered above `after`, by number. */
  listParts(uploadId: string, o: { after: number; limit: number }): Promise<PartMeta[]>;
  /**
   * Writes the object made of the parts `partNumbers` (in that order) and removes the upload and
   * all its parts, in one transaction; false when the upload no longer exists.
   */
  completeUpload(uploadId: string, meta: ObjectMeta, partNumbers: readonly number[]): Promise<boolean>;
  /** Removes an upload and its parts; false when it did not exist. */
  abortUpload(uploadId: string): Promise<boolean>;
  /** Releases the store. */
  close(): Promise<void>;
}
