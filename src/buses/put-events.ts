/**
 * PutEvents: each entry checked as AWS checks it, turned into an EventBridge event, matched
 * against the enabled rules of its bus, and handed to every target of every matching rule.
 * An entry is answered with its EventId only once its deliveries are queued durably.
 */
import { busNameOf } from "./names.js";
import type { EventBusService } from "./event-bus-service.js";
import { deliverOnBus, type BusEvent } from "./target-delivery.js";

/** One PutEvents entry as the wire gives it. */
export interface PutEventsEntry {
  readonly Time?: unknown;
  readonly Source?: unknown;
  readonly Resources?: unknown;
  readonly DetailType?: unknown;
  readonly Detail?: unknown;
  readonly EventBusName?: unknown;
  readonly TraceHeader?: unknown;
}

/** An entry's result: its event id, or AWS's error code and message. */
export type PutEventsResult =
  { readonly EventId: string } | { readonly ErrorCode: string; readonly ErrorMessage: string };

/** AWS's limit on one entry (Source, DetailType, Detail and Resources together). */
const MAX_ENTRY_BYTES = 256 * 1024;

/** Formats a time as EventBridge events carry it: ISO 8601 without milliseconds. */
export function eventTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

function failure(code: string, message: string): PutEventsResult {
  return { ErrorCode: code, ErrorMessage: message };
}

function missing(field: string): PutEventsResult {
  return failure("InvalidArgument", `Parameter ${field} is not valid. Reason: ${field} is a required argument.`);
}

/** Checks one entry and builds its event, or says why AWS would refuse it. */
function buildEvent(
  svc: EventBusService,
  entry: PutEventsEntry,
): { busName: string; event: BusEvent } | PutEventsResult {
  if (typeof entry.Source !== "string" || entry.Source === "") return missing("Source");
  if (typeof entry.DetailType !== "string" || entry.DetailType === "") return missing("DetailType");
  if (typeof entry.Detail !== "string" || entry.Detail === "") return missing("Detail");
  if (entry.Source.startsWith("aws."))
    return failure("NotAuthorizedForSourceException", "Not authorized for the source.");
  let detail: unknown;
  try {
    detail = JSON.parse(entry.Detail);
  } catch {
    return failure("MalformedDetail", "Detail is malformed.");
  }
  if (typeof detail !== "object" || detail === null || Array.isArray(detail))
    return failure("MalformedDetail", "Detail is malformed.");
  const resources = entry.Resources ?? [];
  if (!Array.isArray(resources) || resources.some((r) => typeof r !== "string")) {
    return failure("InvalidArgument", "Parameter Resources is not valid. Reason: Resources must be a list of strings.");
  }
  const size =
    Buffer.byteLength(entry.Source) +
    Buffer.byteLength(entry.DetailType) +
    Buffer.byteLength(entry.Detail) +
    resources.join("").length;
  if (size > MAX_ENTRY_BYTES) return failure("EntrySizeTooBig", "Entry size exceeds the limit of 256 KB.");
  let busName: string;
  try {
    busName = busNameOf(typeof entry.EventBusName === "string" ? entry.EventBusName : undefined);
  } catch {
    return failure("InvalidArgument", "Parameter EventBusName is not valid.");
  }
  if (!svc.cache.buses.has(busName))
    return failure("ResourceNotFoundException", `Event bus ${busName} does not exist.`);
  const time = entryTime(entry.Time, svc.clock.now());
  return {
    busName,
    event: {
      version: "0",
      id: svc.ids.requestId(),
      "detail-type": entry.DetailType,
      source: entry.Source,
      account: svc.scope.accountId,
      time: eventTime(time),
      region: svc.scope.region,
      resources,
      detail,
    },
  };
}

/** Time: epoch seconds (the SDKs' timestamp) or absent (now). */
function entryTime(value: unknown, now: number): number {
  if (typeof value === "number" && Number.isFinite(value)) return value * 1000;
  if (typeof value === "string" && !Number.isNaN(Date.parse(value))) return Date.parse(value);
  return now;
}

/** Runs PutEvents over its entries, in order; results line up with the entries. */
export async function putEvents(svc: EventBusService, entries: readonly PutEventsEntry[]): Promise<PutEventsResult[]> {
  const ingestionTime = eventTime(svc.clock.now());
  return Promise.all(
    entries.map(async (entry) => {
      const built = buildEvent(svc, entry);
      if (!("event" in built)) return built;
      const whole = wholeEvent(built.event);
      await deliverOnBus(svc, built.busName, { event: built.event, ingestionTime, whole });
      return { EventId: built.event.id as string };
    }),
  );
}

/** The event as JSON, made at most once however many targets take it whole. */
export function wholeEvent(event: BusEvent): () => Buffer {
  let bytes: Buffer | undefined;
  return () => (bytes ??= Buffer.from(JSON.stringify(event)));
}
