import { PassThrough } from "node:stream";
import { invokeAccess } from "./access.js";
import { drainedOf } from "../drained.js";
import { LIMITS } from "../../domain/function-spec.js";
import type { InvokeResult, ResponseStreamSink } from "../../domain/invocation.js";
import { invocationLogLines } from "../../domain/log-lines.js";
import { PlatformError } from "../../shared/errors.js";
import type { ApiRequest, ApiResponse } from "../types.js";
import type { LambdaApiDeps, LambdaOperation } from "./deps.js";
import { invokeCompleteMessage, payloadChunkMessage, type InvokeComplete } from "./event-stream.js";
import { checkJsonPayload, clientContext, EMPTY_EVENT, enumHeader, LOG_TYPES, logTail } from "./invoke-operations.js";
import { header, param, query } from "./request.js";

const STREAM_INVOCATION_TYPES = ["RequestResponse", "DryRun"];

/** The InvokeComplete event of a finished call: the error type and body of a failure, the log tail on request. */
function completion(result: InvokeResult, tail: boolean): InvokeComplete {
  const outcome = result.outcome;
  const complete: { ErrorCode?: string; ErrorDetails?: string; LogResult?: string } = {};
  if (outcome.kind !== "ok" && outcome.kind !== "throttled") {
    complete.ErrorCode = outcome.errorType;
    complete.ErrorDetails = outcome.payload.toString("utf8");
  }
  if (tail) complete.LogResult = logTail(invocationLogLines(result.record));
  return complete;
}

/**
 * Runs the call with a sink that frames each chunk as a PayloadChunk event. The answer starts once
 * the call has its slot (a throttle is still an ordinary 429); InvokeComplete ends it.
 */
async function streamInvocation(
  deps: LambdaApiDeps,
  req: ApiRequest,
  call: { functionName: string; qualifier?: string | undefined; clientContext: string | undefined; tail: boolean },
): Promise<ApiResponse> {
  const out = new PassThrough();
  let started: (version: string) => void = () => undefined;
  const begun = new Promise<string>((resolve) => (started = resolve));
  const sink: ResponseStreamSink = {
    start: (version) => started(version),
    // A caller that went away takes everything (it is dropped): the function is not held back.
    write: (chunk) => out.destroyed || out.write(payloadChunkMessage(chunk)),
    drained: () => drainedOf(out),
  };
  const event = req.body.length === 0 ? EMPTY_EVENT : req.body;
  const options = {
    requestId: req.requestId,
    clientContext: call.clientContext,
    traceId: header(req, "x-amzn-trace-id"),
    responseStream: sink,
  };
  const done = deps.invoker.invoke({ functionName: call.functionName, qualifier: call.qualifier }, event, options);
  const first = await Promise.race([begun, done]);
  if (typeof first !== "string" && first.outcome.kind === "throttled") {
    throw new PlatformError("ERR_TOO_MANY_REQUESTS", "Rate Exceeded.", { Reason: first.outcome.reason });
  }
  const version = typeof first === "string" ? first : first.record.executedVersion;
  done.then(
    (result) => out.end(invokeCompleteMessage(completion(result, call.tail))),
    (e: unknown) => out.destroy(e instanceof Error ? e : new Error(String(e))),
  );
  const headers = { "Content-Type": "application/vnd.amazon.eventstream", "X-Amz-Executed-Version": version };
  return { status: 200, headers, stream: out };
}

/** InvokeWithResponseStream: the function's streamed answer as an event stream (RequestResponse, DryRun). */
export function streamInvokeOperation(deps: LambdaApiDeps): LambdaOperation {
  return {
    name: "InvokeWithResponseStream",
    // Lambda authorizes it as lambda:InvokeFunction.
    access: invokeAccess(deps, "InvokeFunction"),
    method: "POST",
    path: "/2021-11-15/functions/{FunctionName}/response-streaming-invocations",
    maxBodyBytes: LIMITS.syncPayloadBytes,
    async handle(req) {
      const type = enumHeader(
        req,
        "x-amz-invocation-type",
        "invocationType",
        STREAM_INVOCATION_TYPES,
        "RequestResponse",
      );
      const logType = enumHeader(req, "x-amz-log-type", "logType", LOG_TYPES, "None");
      const target = deps.control.resolveInvocation(param(req, "FunctionName"), query(req, "Qualifier"));
      checkJsonPayload(req.body);
      const context = clientContext(req);
      if (type === "DryRun") return { status: 204 };
      return streamInvocation(deps, req, { ...target, clientContext: context, tail: logType === "Tail" });
    },
  };
}
