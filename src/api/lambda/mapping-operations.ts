/**
 * The event source mapping operations of the Lambda API (rest-json, as AWS serves them):
 * Create (202), Get (200), Update (202), Delete (202) and List.
 */
import type { MappingService } from "../../mappings/index.js";
import { mappingArn } from "../../mappings/index.js";
import { PlatformError } from "../../shared/errors.js";
import type { AccessSpec, ApiRequest, Operation } from "../types.js";
import { intQuery, param, query } from "./request.js";

const BASE = "/2015-03-31/event-source-mappings";

/** The JSON object of a request body; AWS's parse error otherwise. */
function objectBody(req: ApiRequest): Record<string, unknown> {
  const text = req.body.toString("utf8");
  let parsed: unknown = {};
  try {
    if (text.trim() !== "") parsed = JSON.parse(text);
  } catch (e) {
    throw new PlatformError(
      "ERR_INVALID_REQUEST_CONTENT",
      `Could not parse request body into json: ${(e as Error).message}`,
    );
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new PlatformError("ERR_INVALID_REQUEST_CONTENT", "Could not parse request body into json: body");
  }
  return parsed as Record<string, unknown>;
}

/** Create/Get/Update/Delete/ListEventSourceMappings over `service`. */
export function createMappingOperations(service: MappingService): Operation[] {
  const onAccount = (action: string) => (): AccessSpec => ({ action: `lambda:${action}`, resource: "*" });
  const onMapping =
    (action: string) =>
    (req: ApiRequest): AccessSpec => ({
      action: `lambda:${action}`,
      resource: mappingArn(service.scope, param(req, "UUID")),
    });
  const ops: Omit<Operation, "service">[] = [
    {
      name: "CreateEventSourceMapping",
      method: "POST",
      path: `${BASE}/`,
      access: onAccount("CreateEventSourceMapping"),
      handle: async (req) => ({ status: 202, body: await service.create(objectBody(req)) }),
    },
    {
      name: "ListEventSourceMappings",
      method: "GET",
      path: `${BASE}/`,
      access: onAccount("ListEventSourceMappings"),
      handle: async (req) => ({
        status: 200,
        body: await service.list({
          EventSourceArn: query(req, "EventSourceArn"),
          FunctionName: query(req, "FunctionName"),
          Marker: query(req, "Marker"),
          MaxItems: intQuery(req, "MaxItems", "maxItems"),
        }),
      }),
    },
    {
      name: "GetEventSourceMapping",
      method: "GET",
      path: `${BASE}/{UUID}`,
      access: onMapping("GetEventSourceMapping"),
      handle: async (req) => ({ status: 200, body: await service.get(param(req, "UUID")) }),
    },
    {
      name: "UpdateEventSourceMapping",
      method: "PUT",
      path: `${BASE}/{UUID}`,
      access: onMapping("UpdateEventSourceMapping"),
      handle: async (req) => ({ status: 202, body: await service.update(param(req, "UUID"), objectBody(req)) }),
    },
    {
      name: "DeleteEventSourceMapping",
      method: "DELETE",
      path: `${BASE}/{UUID}`,
      access: onMapping("DeleteEventSourceMapping"),
      handle: async (req) => ({ status: 202, body: await service.delete(param(req, "UUID")) }),
    },
  ];
  return ops.map((op) => ({ ...op, service: "lambda" }));
}
