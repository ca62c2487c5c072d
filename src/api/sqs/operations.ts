/**
 * The SQS API (SigV4 service `sqs`) in both protocols clients use: AWS JSON 1.0 (`X-Amz-Target:
 * AmazonSQS.<Action>`, SDK v3 and recent CLIs) and the query protocol (form body with `Action=`,
 * XML answers: aws-sdk v2 and older CLIs), on `/` and on queue URLs (`/<account>/<name>`).
 */
import type { Principal } from "../../iam/index.js";
import { nameFromUrl, queueArn, type QueueService } from "../../queues/index.js";
import { PlatformError } from "../../shared/errors.js";
import type { AccessSpec, ApiRequest, ApiResponse, Operation } from "../types.js";
import { isJsonRequest, sqsError } from "./errors.js";
import { queryInput } from "./query-input.js";
import { queryResponse } from "./query-output.js";

/** Requests carry at most a 256 KiB message (or batch), in JSON or form encoding. */
const MAX_BODY_BYTES = 1024 * 1024;

interface Call {
  readonly action: string;
  readonly input: Record<string, unknown>;
  readonly json: boolean;
}

function parse(req: ApiRequest): Call {
  if (isJsonRequest(req.headers)) {
    const action = String(req.headers["x-amz-target"]).slice("AmazonSQS.".length);
    let input: Record<string, unknown>;
    try {
      input = req.body.length === 0 ? {} : (JSON.parse(req.body.toString("utf8")) as Record<string, unknown>);
    } catch {
      throw new PlatformError("ERR_SQS_INVALID_PARAMETER_VALUE", "The request body is not valid JSON.");
    }
    return { action, input: withPathQueue(req, input), json: true };
  }
  const form = new URLSearchParams(req.body.length > 0 ? req.body.toString("utf8") : req.query.toString());
  return { action: form.get("Action") ?? "", input: withPathQueue(req, queryInput(form)), json: false };
}

/**
 * The call a request carries, parsed once: the access check and the handler both read it, and
 * parsing (JSON, or the query protocol's form) is a good part of a small request's cost.
 */
const calls = new WeakMap<ApiRequest, Call>();
function callOf(req: ApiRequest): Call {
  let call = calls.get(req);
  if (call === undefined) {
    call = parse(req);
    calls.set(req, call);
  }
  return call;
}

/** A request posted to a queue URL names its queue by the path (aws-sdk v2 does). */
function withPathQueue(req: ApiRequest, input: Record<string, unknown>): Record<string, unknown> {
  const { AccountId: account, QueueName: name } = req.params;
  if (account === undefined || name === undefined || input["QueueUrl"] !== undefined) return input;
  return { ...input, QueueUrl: `/${account}/${name}` };
}

function senderId(p: Principal): string {
  if (p.kind === "user") return p.userId;
  if (p.kind === "assumed-role") return `${p.roleId}:${p.sessionName}`;
  if (p.kind === "root") return p.accountId;
  return p.service;
}

/** The SQS operations over `service`. */
export function createSqsOperations(service: QueueService): Operation[] {
  const scope = service.admin.scope;
  const resourceOf = (input: Record<string, unknown>): string => {
    if (typeof input["QueueUrl"] === "string") return queueArn(scope, nameFromUrl(scope, input["QueueUrl"]));
    if (typeof input["QueueName"] === "string") return queueArn(scope, input["QueueName"]);
    // Message move tasks are authorized on their source queue, as SQS does.
    const source = input["SourceArn"];
    if (typeof source === "string" && source.startsWith(queueArn(scope, ""))) return source;
    return "*";
  };
  const handlerOf = (action: string) => {
    const handler = service.operations[action];
    if (!handler) {
      const message = `An unknown action ${action} was requested.`;
      if (["AddPermission", "RemovePermission"].includes(action)) {
        throw new PlatformError("ERR_SQS_UNSUPPORTED_OPERATION", `${action} is not supported by haneul.`);
      }
      throw new PlatformError("ERR_SQS_INVALID_ACTION", message);
    }
    return handler;
  };
  const make = (path: string): Operation => ({
    name: "SQS",
    method: "POST",
    path,
    service: "sqs",
    maxBodyBytes: MAX_BODY_BYTES,
    access(req): AccessSpec {
      const call = callOf(req);
      handlerOf(call.action);
      const resource = resourceOf(call.input);
      if (resource === "*") return { action: `sqs:${call.action}`, resource };
      const name = resource.slice(resource.lastIndexOf(":") + 1);
      // The queue's policy both allows (with or without identity policies) and denies.
      const resourcePolicy = () => service.admin.policyOf(name);
      return { action: `sqs:${call.action}`, resource, resourcePolicy, resourcePolicyMayDeny: true };
    },
    async handle(req): Promise<ApiResponse> {
      const call = callOf(req);
      const host = req.headers.host ?? "localhost";
      const trace = req.headers["x-amzn-trace-id"];
      const ctx = {
        baseUrl: `http://${host}`,
        senderId: senderId(req.caller.principal),
        traceHeader: typeof trace === "string" ? trace : undefined,
      };
      try {
        const result = await handlerOf(call.action)(call.input, ctx);
        if (!call.json) return queryResponse(call.action, result, req.requestId);
        return { status: 200, headers: { "Content-Type": "application/x-amz-json-1.0" }, body: JSON.stringify(result) };
      } catch (e) {
        if (e instanceof PlatformError) return sqsError(e, req.requestId, req.headers);
        throw e;
      }
    },
    renderError: sqsError,
  });
  return [make("/"), make("/{AccountId}/{QueueName}")];
}
