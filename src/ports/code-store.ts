/** A validated zip package, identified by its content. */
export interface CodePackage {
  /** SHA-256 of the zip in lower-case hex: the storage key. */
  readonly sha256Hex: string;
  /** The same digest in base64: Lambda's `CodeSha256`. */
  readonly codeSha256: string;
  /** Size of the zip in bytes: Lambda's `CodeSize`. */
  readonly size: number;
  /** Sum of the entries' uncompressed sizes. */
  readonly unzippedSize: number;
}

/**
 * Where function code lives. Zips are content-addressed (stored once per SHA-256) and extracted
 * once into a read-only directory that instances use as `LAMBDA_TASK_ROOT`. Invalid packages are
 * refused with Lambda's errors (InvalidParameterValueException and the size limits).
 */
export interface CodeStore {
  /** Validates a zip (readable, no entry escaping the root, size limits) without storing it. */
  inspect(zip: Buffer): Promise<CodePackage>;
  /** Validates, stores and extracts a zip; storing the same bytes again is a no-op. */
  put(zip: Buffer): Promise<CodePackage>;
  /** The extracted tree of a stored zip, extracting it first if it is missing. */
  extract(sha256Hex: string): Promise<string>;
  /** Where the tree of `sha256Hex` is once extracted (no I/O). */
  treeDir(sha256Hex: string): string;
  /** Where the layers `sha256Hexes` are merged in order (what a function sees at /opt); no I/O. */
  layersDir(sha256Hexes: readonly string[]): string;
  /** Extracts the layers and merges them in order into layersDir (later layers overwrite earlier files). */
  mergeLayers(sha256Hexes: readonly string[]): Promise<string>;
  /** A URL the zip can be downloaded from (GetFunction's `Code.Location`). */
  location(sha256Hex: string): string;
  /** True when the zip of `sha256Hex` is stored. */
  has(sha256Hex: string): Promise<boolean>;
  /** The size limits it enforces (GetAccountSettings reports them). */
  readonly limits: CodeLimits;
}

/** Code size limits in bytes. */
export interface CodeLimits {
  readonly maxZippedBytes: number;
  readonly maxUnzippedBytes: number;
  readonly maxTotalBytes: number;
}

/** Lambda's code size limits. */
export const CODE_LIMITS: CodeLimits = {
  /** Direct upload (`ZipFile`), zipped. */
  maxZippedBytes: 52_428_800,
  /** Function code unzipped. */
  maxUnzippedBytes: 262_144_000,
  /** All stored code of the account (75 GB). */
  maxTotalBytes: 80_530_636_800,
};

/**
 * Where the zip bytes of code packages are kept for every node of a cluster: once per SHA-256, in
 * the shared database. Each node still extracts a package into its own local directory (CodeStore).
 */
export interface SharedZipStore {
  /** True when the zip of `sha256Hex` is stored. */
  has(sha256Hex: string): Promise<boolean>;
  /** Stores a zip under its digest; resolves to false when it was stored already (nothing changes). */
  put(sha256Hex: string, zip: Buffer, at: number): Promise<boolean>;
  /** The zip of `sha256Hex`, or undefined. */
  get(sha256Hex: string): Promise<Buffer | undefined>;
  /** Bytes of all stored zips (Lambda's code storage, counted once per package). */
  totalBytes(): Promise<number>;
}
