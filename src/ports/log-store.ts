/** Where CloudWatch Logs' groups, streams and events are kept (SQLite on one node, PostgreSQL in a cluster). */
import type { LogBatch } from "../domain/log-batch.js";

/** A log group, as DescribeLogGroups shows it. */
export interface LogGroupRecord {
  readonly name: string;
  readonly createdAt: number;
  /** Days events are kept; undefined: forever. */
  readonly retentionDays?: number | undefined;
  readonly tags: Readonly<Record<string, string>>;
  /** STANDARD or INFREQUENT_ACCESS, as created. */
  readonly logGroupClass: string;
}

/** A log stream, as DescribeLogStreams shows it. */
export interface LogStreamRecord {
  readonly groupName: string;
  readonly name: string;
  readonly createdAt: number;
  readonly firstEventAt?: number | undefined;
  readonly lastEventAt?: number | undefined;
  readonly lastIngestionAt?: number | undefined;
}

/** One event to append. */
export interface LogEventInput {
  readonly groupName: string;
  readonly streamName: string;
  readonly timestamp: number;
  readonly message: string;
}

/** One stored event. `id` grows with every append; it orders events with equal timestamps. */
export interface StoredLogEvent {
  readonly id: number;
  readonly streamName: string;
  readonly timestamp: number;
  readonly ingestionTime: number;
  readonly message: string;
}

/** Where a read starts: after this event in the read's order. */
export interface EventCursor {
  readonly timestamp: number;
  readonly id: number;
}

/**
 * A text an event's message holds. Reads use terms to narrow conservatively: an event without
 * the text cannot match what the reader looks for; one with it still goes through the reader's test.
 */
export interface MessageTerm {
  readonly text: string;
  /** The message begins with the text (else: anywhere in it). */
  readonly atStart?: boolean | undefined;
  /** ASCII letters of the text match in either case (the text is ASCII). */
  readonly ignoreCase?: boolean | undefined;
}

/** A read of one group's events, ordered by (timestamp, id). */
export interface EventQuery {
  readonly groupName: string;
  /** Only these streams (none: every stream of the group). */
  readonly streamNames?: readonly string[] | undefined;
  readonly streamPrefix?: string | undefined;
  /** Inclusive start and exclusive end, epoch ms. */
  readonly startTime?: number | undefined;
  readonly endTime?: number | undefined;
  readonly after?: EventCursor | undefined;
  /** Newest first (GetLogEvents without startFromHead). */
  readonly descending?: boolean | undefined;
  /** Only events whose message holds, for every clause, at least one of its terms. */
  readonly messageTerms?: readonly (readonly MessageTerm[])[] | undefined;
  readonly limit: number;
}

/** A time range of one group's events. */
export interface RangeQuery {
  readonly groupName: string;
  /** Inclusive start and exclusive end, epoch ms. */
  readonly startTime: number;
  readonly endTime: number;
}

/** The events of a range and the UTF-8 bytes of their messages. */
export interface RangeMeasure {
  readonly records: number;
  readonly bytes: number;
}

/** A page of groups or streams: sorted by name, after `after`, at most `limit`. */
export interface ListQuery {
  readonly prefix?: string | undefined;
  readonly after?: string | undefined;
  readonly limit: number;
}

/** A subscription filter (PutSubscriptionFilter): where a group's matching events are delivered. */
export interface SubscriptionFilterRecord {
  readonly groupName: string;
  readonly name: string;
  readonly filterPattern: string;
  readonly destinationArn: string;
  readonly roleArn?: string | undefined;
  /** ByLogStream or Random (Kinesis destinations). */
  readonly distribution: string;
  readonly createdAt: number;
}

/** A stored filter with its delivery cursor: the id of the last event it has handled. */
export interface SubscriptionFilterState extends SubscriptionFilterRecord {
  readonly cursor: number;
}

/** The log store. Names are exact (case matters), as CloudWatch Logs compares them. */
export interface LogStore {
  /** Creates a group; false when one of that name exists. */
  createGroup(group: LogGroupRecord): Promise<boolean>;
  /** One group, or undefined. */
  getGroup(name: string): Promise<LogGroupRecord | undefined>;
  /** Groups by name. */
  listGroups(query: ListQuery): Promise<LogGroupRecord[]>;
  /** Sets (a number) or removes (null) a group's retention; false when the group does not exist. */
  setRetention(name: string, days: number | null): Promise<boolean>;
  /** Replaces a group's tags; false when the group does not exist. */
  setTags(name: string, tags: Readonly<Record<string, string>>): Promise<boolean>;
  /** Deletes a group with its streams and events; false when it did not exist. */
  deleteGroup(name: string): Promise<boolean>;
  /** Creates a stream; "exists", or "no-group" when its group does not exist. */
  createStream(groupName: string, streamName: string, createdAt: number): Promise<"created" | "exists" | "no-group">;
  /** One stream, or undefined. */
  getStream(groupName: string, streamName: string): Promise<LogStreamRecord | undefined>;
  /** A group's streams by name. */
  listStreams(groupName: string, query: ListQuery): Promise<LogStreamRecord[]>;
  /** Deletes a stream with its events; false when it did not exist. */
  deleteStream(groupName: string, streamName: string): Promise<boolean>;
  /**
   * Appends events in one transaction, stamped `ingestionTime`. With `create`, missing groups and
   * streams are made (the platform's own logs); without, events of missing ones are an error.
   */
  append(events: readonly LogEventInput[], ingestionTime: number, options?: { create?: boolean }): Promise<void>;
  /**
   * Appends a log writer's batch (raw invocation records and events, domain/log-batch.ts) as
   * `append` would append the events `batchColumns` makes of it, making missing groups and streams;
   * a store may number a batch's events stream by stream (ids still one per event, rising), so
   * events of different streams with equal timestamps may read in another order than they came.
   */
  appendBatch(batch: LogBatch, ingestionTime: number): Promise<void>;
  /** Events of one group in (timestamp, id) order. */
  readEvents(query: EventQuery): Promise<StoredLogEvent[]>;
  /**
   * How many events a group holds between `startTime` (inclusive) and `endTime` (exclusive), and
   * the UTF-8 bytes of their messages: what a scan of the range reads, whatever it keeps.
   */
  measureRange(range: RangeQuery): Promise<RangeMeasure>;
  /**
   * Creates or replaces (same group and name) a subscription filter. A new filter starts after the
   * group's last event; a replaced one keeps its cursor. "limit" when the group has `maxPerGroup`
   * other filters, "no-group" when the group does not exist.
   */
  putSubscriptionFilter(filter: SubscriptionFilterRecord, maxPerGroup: number): Promise<"ok" | "limit" | "no-group">;
  /** The filters of one group (by name), or of every group when `groupName` is undefined. */
  listSubscriptionFilters(groupName?: string): Promise<SubscriptionFilterState[]>;
  /** Deletes a filter; false when it did not exist. Deleting a group deletes its filters. */
  deleteSubscriptionFilter(groupName: string, name: string): Promise<boolean>;
  /** Moves a filter's cursor from `from` to `to`; false when it was not at `from` (another node moved it, or it is gone). */
  advanceSubscriptionCursor(groupName: string, name: string, from: number, to: number): Promise<boolean>;
  /**
   * A group's events with ids above `afterId`, in id (arrival) order, at most `limit`, only those
   * ingested before `ingestedBefore` (a batch still being committed elsewhere may hold lower ids).
   */
  readEventsSince(
    groupName: string,
    afterId: number,
    o: { limit: number; ingestedBefore: number },
  ): Promise<StoredLogEvent[]>;
  /** Deletes the events of groups with a retention that are older than it, as of `now`; returns how many. */
  expire(now: number): Promise<number>;
  close(): Promise<void>;
}

/** Milliseconds in a day, for retention. */
export const DAY_MS = 86_400_000;
