/**
 * The Kinesis Data Streams API (awsJson1.1, `X-Amz-Target: Kinesis_20131202.<Operation>`, SigV4
 * service `kinesis`), in JSON and in CBOR: one operation on POST / that dispatches on the target.
 */
import type { StreamService } from "../../streams/index.js";
import { PlatformError } from "../../shared/errors.js";
import type { AccessSpec, ApiRequest, ApiResponse, Operation } from "../types.js";
import { RECORD_HANDLERS } from "./record-handlers.js";
import { STREAM_HANDLERS, type KinesisHandler } from "./stream-handlers.js";
import { bodyOf, renderError, respond } from "./wire.js";

const PREFIX = "Kinesis_20131202.";
/** PutRecords takes 5 MiB of data, base64 in JSON. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;
const HANDLERS: Readonly<Record<string, KinesisHandler>> = { ...STREAM_HANDLERS, ...RECORD_HANDLERS };

function handlerOf(req: ApiRequest): [string, KinesisHandler] {
  const target = req.headers["x-amz-target"];
  const op = typeof target === "string" && target.startsWith(PREFIX) ? target.slice(PREFIX.length) : "";
  const handler = Object.hasOwn(HANDLERS, op) ? HANDLERS[op] : undefined;
  if (!handler)
    throw new PlatformError("ERR_KINESIS_UNKNOWN_OPERATION", `Operation ${op || String(target)} is not supported.`);
  return [op, handler];
}

/** The Kinesis operations over `service`. */
export function createKinesisOperations(service: StreamService): Operation[] {
  return [
    {
      name: "Kinesis",
      method: "POST",
      path: "/",
      service: "kinesis",
      maxBodyBytes: MAX_BODY_BYTES,
      access(req): AccessSpec {
        const [op, handler] = handlerOf(req);
        const stream = handler.stream(service, bodyOf(req));
        return { action: `kinesis:${op}`, resource: stream === undefined ? "*" : service.admin.arnOf(stream) };
      },
      async handle(req): Promise<ApiResponse> {
        const [, handler] = handlerOf(req);
        return respond(req, await handler.run(service, bodyOf(req)));
      },
      renderError,
    },
  ];
}
