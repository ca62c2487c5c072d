/**
 * The LayerStore: published versions of Lambda layers. A version is immutable once published
 * (only its resource policy changes); version numbers of a layer never repeat, even after every
 * version was deleted. The zips live in the code store, addressed by their SHA-256.
 */

/** One published layer version. */
export interface LayerVersionRecord {
  readonly layerName: string;
  readonly version: number;
  readonly description: string;
  readonly licenseInfo?: string | undefined;
  readonly compatibleRuntimes: readonly string[];
  readonly compatibleArchitectures: readonly string[];
  /** Base64 SHA-256 of the zip (CodeSha256). */
  readonly codeSha256: string;
  /** Size of the zip in bytes (CodeSize). */
  readonly codeSize: number;
  /** Sum of the zip's uncompressed entries (counted against a function's 250 MB). */
  readonly unzippedSize: number;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  /** The version's resource policy (AddLayerVersionPermission), JSON text, if any. */
  readonly policy?: string | undefined;
  /** Changes on every policy change (the policy's RevisionId). */
  readonly revisionId: string;
}

/** What publishing a version stores; the store picks the number. */
export type NewLayerVersion = Omit<LayerVersionRecord, "version" | "policy">;

/** Where layer versions are kept. */
export interface LayerStore {
  /** Stores a new version under the next number of its layer (never one used before). */
  publish(v: NewLayerVersion): Promise<LayerVersionRecord>;
  /** One version, or undefined. */
  get(layerName: string, version: number): Promise<LayerVersionRecord | undefined>;
  /** The versions of a layer, newest first. */
  listVersions(layerName: string): Promise<LayerVersionRecord[]>;
  /** Every version of every layer, by layer name then newest first. */
  listAll(): Promise<LayerVersionRecord[]>;
  /** Deletes a version; false when it was not there. */
  delete(layerName: string, version: number): Promise<boolean>;
  /**
   * Replaces the policy of a version when its revision is still `expectedRevision`; false when the
   * version is gone or changed meanwhile.
   */
  setPolicy(
    layerName: string,
    version: number,
    change: { policy: string | undefined; expectedRevision: string; revisionId: string },
  ): Promise<boolean>;
  /** Releases the store. */
  close(): Promise<void>;
}
