/**
 * The `application/vnd.amazon.eventstream` messages of InvokeWithResponseStream, framed (prelude,
 * headers, CRCs) by the Smithy codec the AWS SDKs decode them with.
 */
import { EventStreamCodec, type MessageHeaders } from "@smithy/core/event-streams";

const codec = new EventStreamCodec(
  (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8"),
  (text: string) => Buffer.from(text, "utf8"),
);

function eventHeaders(eventType: string, contentType: string): MessageHeaders {
  return {
    ":event-type": { type: "string", value: eventType },
    ":content-type": { type: "string", value: contentType },
    ":message-type": { type: "string", value: "event" },
  };
}

const CHUNK_HEADERS = eventHeaders("PayloadChunk", "application/octet-stream");
const COMPLETE_HEADERS = eventHeaders("InvokeComplete", "application/json");

/** What ends the stream: an error's code and details when the function failed, the log tail on request. */
export interface InvokeComplete {
  readonly ErrorCode?: string;
  readonly ErrorDetails?: string;
  readonly LogResult?: string;
}

/** A `PayloadChunk` event carrying `chunk` as it is. */
export function payloadChunkMessage(chunk: Buffer): Buffer {
  const bytes = codec.encode({ headers: CHUNK_HEADERS, body: chunk });
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The `InvokeComplete` event that ends every stream. */
export function invokeCompleteMessage(complete: InvokeComplete): Buffer {
  const bytes = codec.encode({ headers: COMPLETE_HEADERS, body: Buffer.from(JSON.stringify(complete)) });
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
