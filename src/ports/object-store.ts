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

/** Where artifacts are kept. */
export interface ObjectStore {
  /** Creates a bucket; false when it exists. */
  createBucket(bucket: BucketRecord): Promise<boolean>;
  /** A bucket by name. */
  getBucket(name: string): Promise<BucketRecord | undefined>;
  /** Every bucket, by name. */
  listBuckets(): Promise<BucketRecord[]>;
  /** Deletes an empty bucket; false when it does not exist or is not empty. */
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
  /** Releases the store. */
  close(): Promise<void>;
}
