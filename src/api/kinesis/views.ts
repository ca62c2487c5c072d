/** Kinesis's output shapes of streams and shards. */
import type { ShardRecord, StreamRecord } from "../../ports/stream-store.js";
import { formatSequenceNumber, shardIdOf } from "../../streams/index.js";

/** A shard as DescribeStream and ListShards show it. */
export function shardView(s: ShardRecord): object {
  return {
    ShardId: shardIdOf(s.index),
    ...(s.parentIndex !== undefined && { ParentShardId: shardIdOf(s.parentIndex) }),
    ...(s.adjacentParentIndex !== undefined && { AdjacentParentShardId: shardIdOf(s.adjacentParentIndex) }),
    HashKeyRange: { StartingHashKey: s.startingHashKey, EndingHashKey: s.endingHashKey },
    SequenceNumberRange: {
      StartingSequenceNumber: formatSequenceNumber(s.index, 0),
      ...(s.endingSeq !== undefined && { EndingSequenceNumber: formatSequenceNumber(s.index, s.endingSeq) }),
    },
  };
}

/** The fields DescribeStream and DescribeStreamSummary share. */
export function streamFields(s: StreamRecord): Record<string, unknown> {
  return {
    StreamName: s.name,
    StreamARN: s.arn,
    StreamStatus: s.status,
    StreamModeDetails: { StreamMode: s.mode },
    RetentionPeriodHours: s.retentionHours,
    StreamCreationTimestamp: new Date(s.createdAt),
    EnhancedMonitoring: [{ ShardLevelMetrics: [] }],
    EncryptionType: s.encryption,
    ...(s.keyId !== undefined && { KeyId: s.keyId }),
  };
}

/** A stream in ListStreams' StreamSummaries. */
export function streamSummary(s: StreamRecord): object {
  return {
    StreamName: s.name,
    StreamARN: s.arn,
    StreamStatus: s.status,
    StreamModeDetails: { StreamMode: s.mode },
    StreamCreationTimestamp: new Date(s.createdAt),
  };
}
