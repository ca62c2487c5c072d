import { invokeAccess } from "./access.js";
import { LIMITS } from "../../domain/function-spec.js";
import type { InvokeResult } from "../../domain/invocation.js";
import { invocationLogLines } from "../../domain/log-lines.js";
import { PlatformError } from "../../shared/errors.js";
import type { ApiRequest, ApiResponse } from "../types.js";
import type { LambdaApiDeps, LambdaOperation } from "./deps.js";
import { header, param, query } from "./request.js";

const INVOCATION_TYPES = ["Event", "RequestResponse", "DryRun"];
export const LOG_TYPES = ["None", "Tail"];
/** The Base64 ClientContext header carries at most 3583 bytes. */
const MAX_CLIENT_CONTEXT = 3583;
/** InvokeAsync (deprecated) takes at most 256 KB. */
const INVOKE_ASYNC_BYTES = 262_144;
/** `X-Amz-Log-Result` carries the last 4 KB of the invocation's log. */
const LOG_TAIL_BYTES = 4096;
/** Lambda hands an empty JSON object to functions invoked without a payload. */
export const EMPTY_EVENT = Buffer.from("{}");

export function enumHeader(req: ApiRequest, name: string, field: string, allowed: string[], fallback: string): string {
  const value = header(req, name) ?? fallback;
  if (!allowed.includes(value)) {
    throw new PlatformError(
      "ERR_VALIDATION",
      `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(", ")}]`,
    );
  }
  return value;
}

/** Lambda only accepts JSON events (an empty body is allowed). */
export function checkJsonPayload(body: Buffer): void {
  if (body.length === 0) return;
  try {
    JSON.parse(body.toString("utf8"));
  } catch (e) {
    throw new PlatformError(
      "ERR_INVALID_REQUEST_CONTENT",
      `Could not parse request body into json: Could not parse payload into json: ${(e as Error).message}`,
    );
  }
}

/** X-Amz-Client-Context: base64 JSON, passed to the function as JSON text. */
export function clientContext(req: ApiRequest): string | undefined {
  const raw = header(req, "x-amz-client-context");
  if (raw === undefined || raw === "") return undefined;
  if (raw.length > MAX_CLIENT_CONTEXT) {
    throw new PlatformError(
      "ERR_INVALID_REQUEST_CONTENT",
      `Client context must be at most ${MAX_CLIENT_CONTEXT} bytes of Base64.`,
    );
  }
  const text = Buffer.from(raw, "base64").toString("utf8");
  try {
    JSON.parse(text);
  } catch {
    throw new PlatformError(
      "ERR_INVALID_REQUEST_CONTENT",
      "Client context must be a valid Base64-encoded JSON object.",
    );
  }
  return text;
}

/** Base64 of the last 4 KB of the log, one line per entry, as `X-Amz-Log-Result`. */
export function logTail(lines: readonly string[]): string {
  const all = Buffer.from(lines.map((l) => `${l}\n`).join(""), "utf8");
  return all.subarray(Math.max(0, all.length - LOG_TAIL_BYTES)).toString("base64");
}

/** Maps an invocation result to the 200/429 answer AWS gives. */
function invokeResponse(result: InvokeResult, tail: boolean): ApiResponse {
  const outcome = result.outcome;
  if (outcome.kind === "throttled") {
    throw new PlatformError("ERR_TOO_MANY_REQUESTS", "Rate Exceeded.", { Reason: outcome.reason });
  }
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "X-Amz-Executed-Version": result.record.executedVersion,
  };
  if (outcome.kind !== "ok") headers["X-Amz-Function-Error"] = "Unhandled";
  if (tail) headers["X-Amz-Log-Result"] = logTail(invocationLogLines(result.record));
  return { status: 200, headers, body: outcome.payload };
}

/** Invoke (RequestResponse, Event, DryRun) and the deprecated InvokeAsync. */
export function invokeOperations(deps: LambdaApiDeps): LambdaOperation[] {
  const { control, invoker, events } = deps;
  return [
    {
      name: "Invoke",
      access: invokeAccess(deps, "InvokeFunction"),
      method: "POST",
      path: "/2015-03-31/functions/{FunctionName}/invocations",
      maxBodyBytes: LIMITS.syncPayloadBytes,
      async handle(req) {
        const type = enumHeader(req, "x-amz-invocation-type", "invocationType", INVOCATION_TYPES, "RequestResponse");
        const logType = enumHeader(req, "x-amz-log-type", "logType", LOG_TYPES, "None");
        const target = control.resolveInvocation(param(req, "FunctionName"), query(req, "Qualifier"));
        if (type === "Event" && req.body.length > LIMITS.asyncPayloadBytes) {
          throw new PlatformError(
            "ERR_REQUEST_TOO_LARGE",
            `Request must be smaller than ${LIMITS.asyncPayloadBytes} bytes for the InvokeFunction operation`,
          );
        }
        checkJsonPayload(req.body);
        const context = clientContext(req);
        const traceId = header(req, "x-amzn-trace-id");
        if (type === "DryRun") return { status: 204 };
        const call = { functionName: target.functionName, qualifier: target.qualifier };
        const event = req.body.length === 0 ? EMPTY_EVENT : req.body;
        if (type === "Event") {
          // Durable before the 202: an accepted event survives a crash.
          await events.enqueue({
            functionName: call.functionName,
            qualifier: call.qualifier,
            payload: event,
            requestId: req.requestId,
            clientContext: context,
            traceId,
          });
          return { status: 202 };
        }
        const result = await invoker.invoke(call, event, { requestId: req.requestId, clientContext: context, traceId });
        return invokeResponse(result, logType === "Tail");
      },
    },
    {
      name: "InvokeAsync",
      access: invokeAccess(deps, "InvokeAsync"),
      method: "POST",
      path: "/2014-11-13/functions/{FunctionName}/invoke-async",
      maxBodyBytes: INVOKE_ASYNC_BYTES,
      async handle(req) {
        const target = control.resolveInvocation(param(req, "FunctionName"));
        checkJsonPayload(req.body);
        await events.enqueue({
          functionName: target.functionName,
          qualifier: target.qualifier,
          payload: req.body.length === 0 ? EMPTY_EVENT : req.body,
          requestId: req.requestId,
        });
        return { status: 202, body: { Status: 202 } };
      },
    },
  ];
}
