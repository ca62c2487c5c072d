/**
 * The function the stream mapping tests map streams to: it logs one `KBATCH <json>` line per
 * invocation (partition key, decoded data, sequence number, event id, source and arrival time of
 * each record), takes 300 ms when a record's data contains `slow` (so that batches overlap in
 * time), throws when a record's data contains `poison`, and with ReportBatchItemFailures
 * reports records whose data contains `report` as failed.
 */
import { zipSync } from "fflate";

const SOURCE = `
exports.handler = async (event) => {
  const records = event.Records.map((r) => ({
    pk: r.kinesis.partitionKey, data: Buffer.from(r.kinesis.data, "base64").toString(),
    seq: r.kinesis.sequenceNumber, id: r.eventID, source: r.eventSource, arn: r.eventSourceARN,
    name: r.eventName, version: r.eventVersion, schema: r.kinesis.kinesisSchemaVersion,
    region: r.awsRegion, identity: r.invokeIdentityArn, at: r.kinesis.approximateArrivalTimestamp,
  }));
  console.log("KBATCH " + JSON.stringify(records));
  if (records.some((r) => r.data.includes("slow"))) await new Promise((r) => setTimeout(r, 300));
  if (records.some((r) => r.data.includes("poison"))) throw new Error("poison record");
  const failed = records.filter((r) => r.data.includes("report"));
  return { batchItemFailures: failed.map((r) => ({ itemIdentifier: r.seq })) };
};
`;

/** The handler's zip (index.handler). */
export const STREAM_HANDLER_ZIP = zipSync({ "index.js": new TextEncoder().encode(SOURCE) });

/** One record as the handler logs it. */
export interface LoggedStreamRecord {
  readonly pk: string;
  readonly data: string;
  readonly seq: string;
  readonly id: string;
  readonly source: string;
  readonly arn: string;
  readonly name: string;
  readonly version: string;
  readonly schema: string;
  readonly region: string;
  readonly identity: string;
  readonly at: number;
}

/** The batches logged in `lines`. */
export function streamBatchesIn(lines: readonly string[]): LoggedStreamRecord[][] {
  const out: LoggedStreamRecord[][] = [];
  for (const line of lines) {
    const at = line.indexOf("KBATCH ");
    if (at >= 0) out.push(JSON.parse(line.slice(at + 7)) as LoggedStreamRecord[]);
  }
  return out;
}
