/**
 * One log event as a query sees it: the system fields (@timestamp, @message, @logStream, @log,
 * @ingestionTime, @ptr), the fields CloudWatch discovers in its message (a Lambda START/END/REPORT
 * line's @type, @requestId, @duration, @billedDuration, @memorySize, @maxMemoryUsed, @initDuration;
 * a JSON object's members as `a.b.c`), and the fields commands set. Discovery runs once, when a
 * query first asks for a discovered field.
 */
import type { StoredLogEvent } from "../../ports/log-store.js";
import type { Value } from "./values.js";

const REPORT_FIELDS: ReadonlyArray<[RegExp, string, number]> = [
  [/\tDuration: ([\d.]+) ms/, "@duration", 1],
  [/Billed Duration: (\d+) ms/, "@billedDuration", 1],
  [/Memory Size: (\d+) MB/, "@memorySize", 1_000_000],
  [/Max Memory Used: (\d+) MB/, "@maxMemoryUsed", 1_000_000],
  [/Init Duration: ([\d.]+) ms/, "@initDuration", 1],
];

const LAMBDA_TEXT_JSON = /^\d{4}-\d\d-\d\dT[\d:.]+Z\t[^\t]*\t[A-Z]+\t(\{.*\})\s*$/s;

function flatten(value: unknown, prefix: string, out: Map<string, Value>): void {
  if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out.set(
      prefix,
      typeof value === "number" || typeof value === "boolean" ? value : typeof value === "string" ? value : undefined,
    );
  }
}

/** The fields CloudWatch Logs discovers in a message (Lambda platform lines, JSON objects). */
export function discoverFields(message: string): Map<string, Value> {
  const out = new Map<string, Value>();
  const head = message.slice(0, 7);
  if (head === "REPORT ") {
    out.set("@type", "REPORT");
    out.set("@requestId", /^REPORT RequestId: (\S+)/.exec(message)?.[1]);
    for (const [re, name, scale] of REPORT_FIELDS) {
      const m = re.exec(message);
      if (m) out.set(name, Number(m[1]) * scale);
    }
  } else if (head === "START R" || head.startsWith("END R")) {
    out.set("@type", head === "START R" ? "START" : "END");
    out.set("@requestId", /RequestId: (\S+)/.exec(message)?.[1]);
  } else {
    // A JSON object, alone or after the runtime's `<time>\t<request id>\t<LEVEL>\t` prefix.
    const json = message.charCodeAt(0) === 123 /* { */ ? message : LAMBDA_TEXT_JSON.exec(message)?.[1];
    if (json === undefined) return out;
    try {
      flatten(JSON.parse(json), "", out);
    } catch {
      // Not JSON after all: nothing to discover.
    }
  }
  return out;
}

/** An event under a query, with the fields commands have set. */
export class QueryRecord {
  private discovered: Map<string, Value> | undefined;
  private set: Map<string, Value> | undefined;
  constructor(
    readonly event: StoredLogEvent,
    readonly groupName: string,
  ) {}

  get(name: string): Value {
    const own = this.set?.get(name);
    if (own !== undefined || this.set?.has(name)) return own;
    switch (name) {
      case "@timestamp":
        return new Date(this.event.timestamp);
      case "@message":
        return this.event.message;
      case "@logStream":
        return this.event.streamName;
      case "@log":
        return this.groupName;
      case "@ingestionTime":
        return new Date(this.event.ingestionTime);
      case "@ptr":
        return ptrOf(this.groupName, this.event.id);
    }
    this.discovered ??= discoverFields(this.event.message);
    return this.discovered.get(name);
  }

  put(name: string, value: Value): void {
    (this.set ??= new Map()).set(name, value);
  }
}

/** An opaque pointer to one event (GetLogRecord's logRecordPointer). */
export function ptrOf(groupName: string, id: number): string {
  return Buffer.from(`${groupName}\u0000${id}`).toString("base64url");
}
