/** The Kinesis event Lambda sends (Records[]), what filters see of a record, and partial batch responses. */
import type { StoredStreamRecord } from "../ports/stream-store.js";
import { formatSequenceNumber, shardIdOf } from "../streams/index.js";

/** One record of the Kinesis event. */
export interface KinesisEventRecord {
  readonly kinesis: {
    readonly kinesisSchemaVersion: "1.0";
    readonly partitionKey: string;
    readonly sequenceNumber: string;
    readonly data: string;
    readonly approximateArrivalTimestamp: number;
  };
  readonly eventSource: "aws:kinesis";
  readonly eventVersion: "1.0";
  readonly eventID: string;
  readonly eventName: "aws:kinesis:record";
  readonly invokeIdentityArn: string;
  readonly awsRegion: string;
  readonly eventSourceARN: string;
}

/** Where a record comes from and who reads it. */
export interface RecordSource {
  readonly arn: string;
  readonly region: string;
  readonly shardIndex: number;
  readonly roleArn: string;
}

/** A stored record as Lambda hands it to the function. */
export function kinesisRecord(r: StoredStreamRecord, source: RecordSource): KinesisEventRecord {
  const sequenceNumber = formatSequenceNumber(source.shardIndex, r.seq);
  return {
    kinesis: {
      kinesisSchemaVersion: "1.0",
      partitionKey: r.partitionKey,
      sequenceNumber,
      data: r.data.toString("base64"),
      approximateArrivalTimestamp: r.arrivedAt / 1000,
    },
    eventSource: "aws:kinesis",
    eventVersion: "1.0",
    eventID: `${shardIdOf(source.shardIndex)}:${sequenceNumber}`,
    eventName: "aws:kinesis:record",
    invokeIdentityArn: source.roleArn,
    awsRegion: source.region,
    eventSourceARN: source.arn,
  };
}

/**
 * A record as FilterCriteria patterns see it: the metadata fields at the top, and `data` decoded
 * as JSON when it is JSON (a pattern on `data` never matches data that is not).
 */
export function filterableKinesisRecord(r: StoredStreamRecord, shardIndex: number): unknown {
  let data: unknown;
  try {
    data = JSON.parse(r.data.toString("utf8"));
  } catch {
    data = undefined;
  }
  return {
    kinesisSchemaVersion: "1.0",
    partitionKey: r.partitionKey,
    sequenceNumber: formatSequenceNumber(shardIndex, r.seq),
    approximateArrivalTimestamp: r.arrivedAt / 1000,
    ...(data !== undefined && { data }),
  };
}
