import type { MessageContent, QueueMessageRecord, QueueRecord } from "../../ports/queue-store.js";

/** A sqs_messages row as both adapters read it (PostgreSQL's BIGINTs arrive as strings). */
export interface MessageRow {
  readonly seq: number | string;
  readonly id: string;
  readonly content: string;
  readonly visible_at: number | string;
  readonly receive_count: number;
  readonly first_receive_at: number | string | null;
  readonly receipt_handle: string | null;
}

/** A sqs_messages row → QueueMessageRecord. The sequence is zero-padded, as SQS's 20 digits. */
export function messageOf(r: MessageRow): QueueMessageRecord {
  return {
    id: r.id,
    content: JSON.parse(r.content) as MessageContent,
    visibleAt: Number(r.visible_at),
    sequence: String(r.seq).padStart(20, "0"),
    receiveCount: Number(r.receive_count),
    firstReceiveAt: r.first_receive_at === null ? undefined : Number(r.first_receive_at),
    receiptHandle: r.receipt_handle ?? undefined,
  };
}

/** A sqs_queues body → QueueRecord. */
export function queueOf(body: string): QueueRecord {
  return JSON.parse(body) as QueueRecord;
}
