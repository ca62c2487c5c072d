/**
 * The function the mapping tests map queues to: it logs one `BATCH <json>` line per invocation
 * (message ids, bodies, groups, receive counts), throws for a body containing `fail-all`, and
 * reports a body containing `fail-once` as failed on its first receive and `fail` on every one
 * (ReportBatchItemFailures; on a FIFO queue with every later record of the group); `slow`
 * bodies take 300 ms.
 */
import { zipSync } from "fflate";

const SOURCE = `
exports.handler = async (event) => {
  const records = event.Records.map((r) => ({
    id: r.messageId, body: r.body, group: r.attributes.MessageGroupId,
    count: Number(r.attributes.ApproximateReceiveCount), source: r.eventSource, arn: r.eventSourceARN,
    region: r.awsRegion, md5: r.md5OfBody, attrs: r.messageAttributes,
  }));
  console.log("BATCH " + JSON.stringify(records));
  if (event.Records.some((r) => r.body.includes("slow"))) await new Promise((r) => setTimeout(r, 300));
  if (event.Records.some((r) => r.body.includes("fail-all"))) throw new Error("the batch failed");
  const fails = (r) => (r.body.includes("fail-once") ? r.count === 1 : r.body.includes("fail"));
  // FIFO: a failure and every later record of its group are reported, so that order holds (as AWS advises).
  const first = records.findIndex((r) => r.group !== undefined && fails(r));
  const failed = records.filter((r, i) => fails(r) || (first >= 0 && i > first && r.group === records[first].group));
  return { batchItemFailures: failed.map((r) => ({ itemIdentifier: r.id })) };
};
`;

/** The handler's zip (index.handler). */
export const HANDLER_ZIP = zipSync({ "index.js": new TextEncoder().encode(SOURCE) });

/** One record as the handler logs it. */
export interface LoggedRecord {
  readonly id: string;
  readonly body: string;
  readonly group?: string;
  readonly count: number;
  readonly source: string;
  readonly arn: string;
  readonly region: string;
  readonly md5: string;
  readonly attrs: Record<string, unknown>;
}

/** The batches logged in `lines` (a record's own lines). */
export function batchesIn(lines: readonly string[]): LoggedRecord[][] {
  const out: LoggedRecord[][] = [];
  for (const line of lines) {
    const at = line.indexOf("BATCH ");
    if (at >= 0) out.push(JSON.parse(line.slice(at + 6)) as LoggedRecord[]);
  }
  return out;
}
