/** Reading and writing events: GetLogEvents, FilterLogEvents, PutLogEvents. */
import type { EventCursor, LogEventInput, StoredLogEvent } from "../../ports/log-store.js";
import { PlatformError } from "../../shared/errors.js";
import { FilterPatternError, parseFilterPattern } from "../../telemetry/index.js";
import type { LogsContext } from "./context.js";
import { DAY_MS, GROUP_NAME, groupOf, noGroup, STREAM_NAME } from "./groups.js";
import { bool, int, invalid, str, strList, token, untoken, type Input } from "./wire.js";

/** Most events FilterLogEvents looks at in one call; it answers with a nextToken to go on. */
const SCAN_PER_CALL = 200_000;
const READ_CHUNK = 2_000;

const isCursor = (v: unknown): v is EventCursor =>
  typeof v === "object" &&
  v !== null &&
  typeof (v as EventCursor).timestamp === "number" &&
  typeof (v as EventCursor).id === "number";

function time(input: Input, name: string): number | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) throw invalid(`${name} must be a non-negative integer`);
  return v;
}

function streamToken(kind: "f" | "b", e: EventCursor): string {
  return `${kind}/${String(e.timestamp).padStart(20, "0")}/${e.id}`;
}

function parseStreamToken(t: string | undefined): { kind: "f" | "b"; at: EventCursor } | undefined {
  if (t === undefined) return undefined;
  const m = /^([fb])\/(\d+)\/(-?\d+)$/.exec(t);
  if (!m) throw invalid("The specified nextToken is invalid.");
  return { kind: m[1] as "f" | "b", at: { timestamp: Number(m[2]), id: Number(m[3]) } };
}

export async function getLogEvents(ctx: LogsContext, input: Input): Promise<object> {
  const group = await groupOf(ctx, input);
  const stream = str(input, "logStreamName", { required: true, pattern: STREAM_NAME }) as string;
  if (!(await ctx.store.getStream(group.name, stream))) {
    throw new PlatformError("ERR_LOGS_NOT_FOUND", "The specified log stream does not exist.");
  }
  const limit = int(input, "limit", { min: 1, max: 10_000 }) ?? 10_000;
  const fromHead = bool(input, "startFromHead") ?? false;
  const given = str(input, "nextToken", { max: 4096 });
  const tok = parseStreamToken(given);
  const forward = tok ? tok.kind === "f" : fromHead;
  const events = await ctx.store.readEvents({
    groupName: group.name,
    streamNames: [stream],
    startTime: time(input, "startTime"),
    endTime: time(input, "endTime"),
    after: tok?.at,
    descending: !forward,
    limit,
  });
  if (!forward) events.reverse();
  const first = events[0];
  const last = events.at(-1);
  // With nothing more, the token given comes back: the CLI's paginator stops on a repeated token.
  const edge = tok?.at ?? { timestamp: 0, id: 0 };
  return {
    events: events.map((e) => ({ timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime })),
    nextForwardToken: given && !last && tok?.kind === "f" ? given : streamToken("f", last ?? edge),
    nextBackwardToken: given && !first && tok?.kind === "b" ? given : streamToken("b", first ?? edge),
  };
}

export async function filterLogEvents(ctx: LogsContext, input: Input): Promise<object> {
  const group = await groupOf(ctx, input);
  const streamNames = strList(input, "logStreamNames");
  const streamPrefix = str(input, "logStreamNamePrefix", { pattern: STREAM_NAME });
  if (streamNames && streamPrefix !== undefined) {
    throw invalid("logStreamNames and logStreamNamePrefix are mutually exclusive parameters.");
  }
  const limit = int(input, "limit", { min: 1, max: 10_000 }) ?? 10_000;
  let matches: (message: string) => boolean;
  try {
    matches = parseFilterPattern(str(input, "filterPattern", { max: 1024 }));
  } catch (e) {
    if (e instanceof FilterPatternError) throw invalid(e.message);
    throw e;
  }
  let after = untoken(str(input, "nextToken", { max: 4096 }), isCursor);
  const query = {
    groupName: group.name,
    streamNames,
    streamPrefix,
    startTime: time(input, "startTime"),
    endTime: time(input, "endTime"),
  };
  const found: StoredLogEvent[] = [];
  let scanned = 0;
  let exhausted = false;
  reading: while (found.length < limit && scanned < SCAN_PER_CALL) {
    // From the cursor's time on: the cursor alone may not narrow the store's index range.
    const startTime = after ? Math.max(query.startTime ?? 0, after.timestamp) : query.startTime;
    const chunk = await ctx.store.readEvents({ ...query, startTime, after, limit: READ_CHUNK });
    for (const e of chunk) {
      after = { timestamp: e.timestamp, id: e.id };
      scanned++;
      if (matches(e.message) && found.push(e) === limit) break reading;
    }
    if (chunk.length < READ_CHUNK) {
      exhausted = true;
      break;
    }
  }
  return {
    events: found.map((e) => ({
      logStreamName: e.streamName,
      timestamp: e.timestamp,
      message: e.message,
      ingestionTime: e.ingestionTime,
      eventId: String(e.id),
    })),
    searchedLogStreams: [],
    ...(!exhausted && after && { nextToken: token(after) }),
  };
}

export async function putLogEvents(ctx: LogsContext, input: Input): Promise<object> {
  const groupName = str(input, "logGroupName", { required: true, pattern: GROUP_NAME }) as string;
  const streamName = str(input, "logStreamName", { required: true, pattern: STREAM_NAME }) as string;
  const raw = input["logEvents"];
  if (!Array.isArray(raw) || raw.length < 1 || raw.length > 10_000) {
    throw invalid(
      "1 validation error detected: Value at 'logEvents' failed to satisfy constraint: Member must have length between 1 and 10000",
    );
  }
  if (!(await ctx.store.getGroup(groupName))) throw noGroup();
  if (!(await ctx.store.getStream(groupName, streamName))) {
    throw new PlatformError("ERR_LOGS_NOT_FOUND", "The specified log stream does not exist.");
  }
  const now = ctx.clock.now();
  const events: LogEventInput[] = [];
  let tooNew: number | undefined;
  let tooOld: number | undefined;
  let bytes = 0;
  let previous = -Infinity;
  raw.forEach((e: unknown, i) => {
    const ev = e as { timestamp?: unknown; message?: unknown };
    if (typeof ev?.timestamp !== "number" || typeof ev.message !== "string" || ev.message.length === 0) {
      throw invalid(
        `1 validation error detected: Value at 'logEvents.${i + 1}.member' failed to satisfy constraint: timestamp and a non-empty message are required`,
      );
    }
    if (ev.timestamp < previous)
      throw invalid("Log events in a single PutLogEvents request must be in chronological order.");
    previous = ev.timestamp;
    bytes += Buffer.byteLength(ev.message) + 26;
    if (ev.timestamp > now + 2 * 3_600_000) tooNew ??= i;
    else if (ev.timestamp < now - 14 * DAY_MS) tooOld = i;
    else events.push({ groupName, streamName, timestamp: ev.timestamp, message: ev.message });
  });
  if (bytes > 1_048_576) throw invalid("Upload too large: the batch of log events exceeds 1 048 576 bytes.");
  if (events.length > 0) await ctx.store.append(events, now);
  const rejected = tooNew !== undefined || tooOld !== undefined;
  return {
    nextSequenceToken: String(now).padStart(56, "0"),
    ...(rejected && {
      rejectedLogEventsInfo: {
        ...(tooNew !== undefined && { tooNewLogEventStartIndex: tooNew }),
        ...(tooOld !== undefined && { tooOldLogEventEndIndex: tooOld }),
      },
    }),
  };
}
