/**
 * The record Lambda sends to a stream mapping's OnFailure destination when it lets a batch go:
 * what was invoked and why it stopped (requestContext, responseContext) and where the batch lies
 * in its shard (KinesisBatchInfo), never the records themselves.
 */
import type { StoredStreamRecord } from "../ports/stream-store.js";
import { formatSequenceNumber, shardIdOf } from "../streams/index.js";

/** Why a batch was let go. */
export type DiscardCondition = "RetryAttemptsExhausted" | "RecordAgeExceeded";

/** What the last invocation of a discarded batch answered (undefined: it was never invoked). */
export interface LastResponse {
  readonly statusCode: number;
  readonly executedVersion: string;
  readonly functionError?: string | undefined;
}

/** The discarded batch and its context. */
export interface DiscardedBatch {
  readonly requestId: string;
  readonly functionArn: string;
  readonly condition: DiscardCondition;
  readonly invokeCount: number;
  readonly response?: LastResponse | undefined;
  readonly streamArn: string;
  readonly shardIndex: number;
  readonly records: readonly StoredStreamRecord[];
  /** On the platform clock. */
  readonly at: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The batch-info record as JSON text. */
export function kinesisBatchInfo(b: DiscardedBatch): string {
  const first = b.records[0]!;
  const last = b.records.at(-1)!;
  return JSON.stringify({
    requestContext: {
      requestId: b.requestId,
      functionArn: b.functionArn,
      condition: b.condition,
      approximateInvokeCount: b.invokeCount,
    },
    responseContext: b.response
      ? {
          statusCode: b.response.statusCode,
          executedVersion: b.response.executedVersion,
          ...(b.response.functionError !== undefined && { functionError: b.response.functionError }),
        }
      : {},
    version: "1.0",
    timestamp: iso(b.at),
    KinesisBatchInfo: {
      shardId: shardIdOf(b.shardIndex),
      startSequenceNumber: formatSequenceNumber(b.shardIndex, first.seq),
      endSequenceNumber: formatSequenceNumber(b.shardIndex, last.seq),
      approximateArrivalOfFirstRecord: iso(first.arrivedAt),
      approximateArrivalOfLastRecord: iso(last.arrivedAt),
      batchSize: b.records.length,
      streamArn: b.streamArn,
    },
  });
}
