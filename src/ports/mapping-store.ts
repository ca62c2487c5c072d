/**
 * The store of Lambda event source mappings. A mapping is kept whole as a JSON body beside the
 * columns that identify it (its UUID, and the source and function it joins, unique together as
 * Lambda keeps them). Every adapter passes mapping-store.contract.ts.
 */

/** The states Lambda reports for a mapping. */
export type MappingState = "Creating" | "Enabling" | "Enabled" | "Disabling" | "Disabled" | "Updating" | "Deleting";

/** A mapping as stored: what CreateEventSourceMapping and UpdateEventSourceMapping set. */
export interface MappingRecord {
  readonly uuid: string;
  readonly eventSourceArn: string;
  /** The function's ARN, qualified when the mapping names a version or alias. */
  readonly functionArn: string;
  readonly state: MappingState;
  readonly stateTransitionReason: string;
  /** Whether the mapping should poll (State settles to Enabled or Disabled from it). */
  readonly enabled: boolean;
  /** Milliseconds since the epoch. */
  readonly lastModified: number;
  /**
   * The source kind's settings, named as the Lambda API names them (BatchSize,
   * MaximumBatchingWindowInSeconds, FunctionResponseTypes, FilterCriteria, ScalingConfig, …).
   */
  readonly settings: Readonly<Record<string, unknown>>;
}

/** The outcome of an insert: stored, or the UUID of the mapping that joins the same source and function. */
export type MappingInsert = { readonly inserted: true } | { readonly inserted: false; readonly existing: string };

/** Event source mappings; see the file comment. */
export interface MappingStore {
  /** Inserts a mapping unless one joins the same source and function already. */
  insert(mapping: MappingRecord): Promise<MappingInsert>;
  /** The mapping `uuid`, or undefined. */
  get(uuid: string): Promise<MappingRecord | undefined>;
  /** Every mapping, oldest first. */
  list(): Promise<MappingRecord[]>;
  /**
   * Replaces a stored mapping (its function may change, its source not); false when it is gone,
   * or, with `expected`, when the stored mapping is no longer that one (compare-and-set).
   */
  update(mapping: MappingRecord, expected?: MappingRecord): Promise<boolean>;
  /** Deletes a mapping; false when there was none. */
  delete(uuid: string): Promise<boolean>;
  /** Closes the store. */
  close(): Promise<void>;
}
