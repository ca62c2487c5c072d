/**
 * The StackStore: CloudFormation stacks as haneul deploys them — each stack with its template and
 * parameters, its resources (logical id → physical id, type, status), its events, its change sets,
 * and the values it exports. Records are plain JSON; adapters keep them whole.
 */

/** CloudFormation's stack statuses (the ones haneul enters). */
export type StackStatus =
  | "REVIEW_IN_PROGRESS"
  | "CREATE_IN_PROGRESS"
  | "CREATE_COMPLETE"
  | "CREATE_FAILED"
  | "ROLLBACK_IN_PROGRESS"
  | "ROLLBACK_COMPLETE"
  | "ROLLBACK_FAILED"
  | "UPDATE_IN_PROGRESS"
  | "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"
  | "UPDATE_COMPLETE"
  | "UPDATE_ROLLBACK_IN_PROGRESS"
  | "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS"
  | "UPDATE_ROLLBACK_COMPLETE"
  | "UPDATE_ROLLBACK_FAILED"
  | "DELETE_IN_PROGRESS"
  | "DELETE_COMPLETE"
  | "DELETE_FAILED";

/** A parameter as the stack was given it (NoEcho values are masked only when shown). */
export interface StackParameterRecord {
  readonly key: string;
  readonly value: string;
  readonly noEcho?: boolean | undefined;
}

/** An output once resolved. */
export interface StackOutputRecord {
  readonly key: string;
  readonly value: string;
  readonly description?: string | undefined;
  readonly exportName?: string | undefined;
}

/** One resource of a stack. */
export interface StackResourceRecord {
  readonly logicalId: string;
  readonly type: string;
  readonly physicalId?: string | undefined;
  /** CREATE_COMPLETE, UPDATE_COMPLETE, CREATE_FAILED, ... */
  readonly status: string;
  readonly statusReason?: string | undefined;
  /** Properties as phase 1 resolved them (what the next change set compares against). */
  readonly properties: Record<string, unknown>;
  /** Values of Fn::GetAtt, and what the resource's handler needs to update or delete it. */
  readonly attributes: Record<string, unknown>;
  readonly deletionPolicy?: string | undefined;
  /** Milliseconds since the epoch. */
  readonly updatedAt: number;
}

/** The state of a stack an operation started from, kept until it finishes so a restart can roll back. */
export interface StackSnapshot {
  readonly status: StackStatus;
  readonly templateBody: string;
  readonly parameters: readonly StackParameterRecord[];
  readonly outputs: readonly StackOutputRecord[];
  readonly resources: readonly StackResourceRecord[];
  readonly order: readonly string[];
}

/** A stack. `stackId` is its ARN; a deleted stack keeps its record (ListStacks shows it). */
export interface StackRecord {
  readonly stackId: string;
  readonly stackName: string;
  readonly status: StackStatus;
  readonly statusReason?: string | undefined;
  readonly description?: string | undefined;
  /** The template as it was sent (GetTemplate's Original stage). */
  readonly templateBody: string;
  /** The template after the SAM transform (GetTemplate's Processed stage), as JSON text. */
  readonly processedTemplate?: string | undefined;
  readonly parameters: readonly StackParameterRecord[];
  readonly outputs: readonly StackOutputRecord[];
  /** The resources' creation order, for deleting in reverse. */
  readonly order: readonly string[];
  readonly capabilities: readonly string[];
  readonly tags: readonly { readonly key: string; readonly value: string }[];
  readonly createdAt: number;
  readonly updatedAt?: number | undefined;
  readonly deletedAt?: number | undefined;
  /** The change set the stack was created from or last updated by. */
  readonly changeSetId?: string | undefined;
  /** While an operation runs: the node running it (a restarted node finishes or rolls back its own). */
  readonly runningOn?: string | undefined;
  /** While an operation runs: the state to return to. */
  readonly rollbackTo?: StackSnapshot | undefined;
}

/** One stack event (DescribeStackEvents). */
export interface StackEventRecord {
  readonly eventId: string;
  readonly stackId: string;
  readonly stackName: string;
  readonly logicalId: string;
  readonly physicalId?: string | undefined;
  readonly type: string;
  readonly status: string;
  readonly statusReason?: string | undefined;
  readonly timestamp: number;
}

/** A change set (CreateChangeSet); `changes` are in DescribeChangeSet's shape. */
export interface ChangeSetRecord {
  readonly changeSetId: string;
  readonly changeSetName: string;
  readonly stackId: string;
  readonly stackName: string;
  /** CREATE (the stack is new) or UPDATE. */
  readonly changeSetType: "CREATE" | "UPDATE";
  /** CREATE_PENDING, CREATE_COMPLETE, FAILED, DELETE_COMPLETE ... */
  readonly status: string;
  readonly statusReason?: string | undefined;
  /** AVAILABLE, UNAVAILABLE, EXECUTE_IN_PROGRESS, EXECUTE_COMPLETE, EXECUTE_FAILED, OBSOLETE. */
  readonly executionStatus: string;
  readonly description?: string | undefined;
  readonly templateBody: string;
  readonly parameters: readonly StackParameterRecord[];
  readonly capabilities: readonly string[];
  readonly tags: readonly { readonly key: string; readonly value: string }[];
  readonly changes: readonly unknown[];
  /** Per logical id, the changed property paths (what `haneul deploy` shows). */
  readonly changedPaths?: Readonly<Record<string, readonly string[]>> | undefined;
  /** Resources recorded but not created, retired runtimes mapped, ... */
  readonly warnings?: readonly string[] | undefined;
  readonly createdAt: number;
}

/** An export of a stack's output. */
export interface StackExportRecord {
  readonly name: string;
  readonly value: string;
  readonly stackId: string;
}

/** Where stacks are kept. */
export interface StackStore {
  /** Inserts or replaces the stack with this `stackId`. */
  putStack(stack: StackRecord): Promise<void>;
  /** The stack by ARN, or the stack not deleted by name. */
  getStack(nameOrId: string): Promise<StackRecord | undefined>;
  /** Every stack, deleted ones too, oldest first. */
  listStacks(): Promise<StackRecord[]>;
  /** Inserts or replaces one resource of a stack. */
  putResource(stackId: string, resource: StackResourceRecord): Promise<void>;
  /** Removes one resource of a stack; false when it was not there. */
  deleteResource(stackId: string, logicalId: string): Promise<boolean>;
  /** The resources of a stack, by logical id. */
  listResources(stackId: string): Promise<StackResourceRecord[]>;
  /** Appends an event. */
  appendEvent(event: StackEventRecord): Promise<void>;
  /** The events of a stack, newest first. */
  listEvents(stackId: string): Promise<StackEventRecord[]>;
  /** Inserts or replaces a change set (by `changeSetId`); false when the stack has another one of that name. */
  putChangeSet(changeSet: ChangeSetRecord): Promise<boolean>;
  /** A change set by ARN. */
  getChangeSet(changeSetId: string): Promise<ChangeSetRecord | undefined>;
  /** The change sets of a stack, oldest first. */
  listChangeSets(stackId: string): Promise<ChangeSetRecord[]>;
  /** Removes a change set. */
  deleteChangeSet(changeSetId: string): Promise<boolean>;
  /**
   * Makes `exports` the stack's exports (replacing its previous ones). When another stack exports
   * one of the names, nothing is written and that name is returned.
   */
  replaceExports(stackId: string, exports: readonly StackExportRecord[]): Promise<string | undefined>;
  /** Every export, by name. */
  listExports(): Promise<StackExportRecord[]>;
  /** Releases the store. */
  close(): Promise<void>;
}
