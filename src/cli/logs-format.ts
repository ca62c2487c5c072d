/**
 * The readable form of a function's log for `haneul logs`: each request's lines from START to
 * REPORT as one block (an instance runs one request at a time, so a stream's lines between the two
 * are that request's), the runtime's timestamp and request id taken off its lines, errors marked.
 */

/** One event as FilterLogEvents returns it. */
export interface TailEvent {
  readonly timestamp: number;
  readonly logStreamName: string;
  readonly message: string;
  readonly eventId: string;
}

type Style = "red" | "yellow" | "dim" | "bold";
const ANSI: Readonly<Record<Style, string>> = { red: "31", yellow: "33", dim: "2", bold: "1" };

/** A line of the tail: its text and how it is marked on a terminal. */
interface Line {
  readonly at: number;
  readonly text: string;
  readonly style?: Style | undefined;
}

const ERROR_LEVELS = new Set(["ERROR", "FATAL"]);
const clock = (ms: number) => new Date(ms).toISOString().slice(11, 23);
const text = (v: unknown) => (typeof v === "string" ? v : "");
const version = (stream: string) => /\[([^\]]+)\]/.exec(stream)?.[1] ?? "?";

function parseJson(message: string): Record<string, unknown> | undefined {
  if (!message.startsWith("{")) return undefined;
  try {
    const v: unknown = JSON.parse(message);
    return typeof v === "object" && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function reportText(fields: Record<string, string>, requestId: string): string {
  const parts = [`REPORT ${requestId}`, `${fields["Duration"] ?? "?"}`];
  if (fields["Billed Duration"]) parts.push(`billed ${fields["Billed Duration"]}`);
  if (fields["Max Memory Used"]) parts.push(`memory ${fields["Max Memory Used"]} of ${fields["Memory Size"] ?? "?"}`);
  if (fields["Init Duration"]) parts.push(`init ${fields["Init Duration"]}`);
  if (fields["Status"]) parts.push(`status ${fields["Status"]}`);
  return parts.join("  ");
}

/** The text-format REPORT line's fields (`Duration: 1.23 ms` …). */
function textReport(message: string): { requestId: string; fields: Record<string, string> } {
  const fields: Record<string, string> = {};
  for (const part of message.split("\t")) {
    const i = part.indexOf(": ");
    if (i > 0) fields[part.slice(0, i).trim()] = part.slice(i + 2).trim();
  }
  return { requestId: fields["REPORT RequestId"] ?? "", fields };
}

/** A JSON-format platform.report's metrics as the text REPORT's fields. */
function jsonReport(record: Record<string, unknown>): { requestId: string; fields: Record<string, string> } {
  const m = (record["metrics"] ?? {}) as Record<string, number | undefined>;
  const ms = (v: number | undefined) => (v === undefined ? undefined : `${v} ms`);
  const mb = (v: number | undefined) => (v === undefined ? undefined : `${v} MB`);
  const entries = Object.entries({
    Duration: ms(m["durationMs"]),
    "Billed Duration": ms(m["billedDurationMs"]),
    "Memory Size": mb(m["memorySizeMB"]),
    "Max Memory Used": mb(m["maxMemoryUsedMB"]),
    "Init Duration": ms(m["initDurationMs"]),
    Status: record["status"] === "success" ? undefined : (record["status"] as string | undefined),
  }).filter((e): e is [string, string] => e[1] !== undefined);
  return { requestId: text(record["requestId"]), fields: Object.fromEntries(entries) };
}

/** What one event is: a request's start or end, a platform line to leave out, or a line to show. */
type Kind =
  | { kind: "start"; requestId: string; version: string }
  | { kind: "report"; line: Line }
  | { kind: "skip" }
  | { kind: "line"; line: Line };

function classifyJson(e: TailEvent, j: Record<string, unknown>): Kind {
  const record = (j["record"] ?? {}) as Record<string, unknown>;
  if (j["type"] === "platform.start") {
    return { kind: "start", requestId: text(record["requestId"]), version: text(record["version"]) };
  }
  if (j["type"] === "platform.report") {
    const r = jsonReport(record);
    return {
      kind: "report",
      line: { at: e.timestamp, text: reportText(r.fields, r.requestId), style: r.fields["Status"] ? "red" : "dim" },
    };
  }
  if (typeof j["type"] === "string" && j["type"].startsWith("platform.")) return { kind: "skip" };
  const level = typeof j["level"] === "string" ? j["level"] : "";
  const message = typeof j["message"] === "string" ? j["message"] : JSON.stringify(j["message"] ?? j);
  return { kind: "line", line: levelLine(e.timestamp, level, message) };
}

function levelLine(at: number, level: string, message: string): Line {
  const style = ERROR_LEVELS.has(level) ? "red" : level === "WARN" ? "yellow" : undefined;
  return { at, text: level ? `${level.padEnd(5)} ${message}` : message, style };
}

function classify(e: TailEvent): Kind {
  const m = e.message;
  const json = parseJson(m);
  if (json && typeof (json["type"] ?? json["level"]) === "string") return classifyJson(e, json);
  if (m.startsWith("START RequestId: ")) {
    const [, requestId = "", v = version(e.logStreamName)] =
      /^START RequestId: (\S+)(?: Version: (\S+))?/.exec(m) ?? [];
    return { kind: "start", requestId, version: v };
  }
  if (m.startsWith("END RequestId: ")) return { kind: "skip" };
  if (m.startsWith("REPORT RequestId: ")) {
    const r = textReport(m);
    return {
      kind: "report",
      line: { at: e.timestamp, text: reportText(r.fields, r.requestId), style: r.fields["Status"] ? "red" : "dim" },
    };
  }
  // The runtime's text format: `<ISO time>\t<request id>\t<LEVEL>\t<message>`.
  const app = /^\d{4}-\d\d-\d\dT[\d:.]+Z\t[^\t]*\t([A-Z]+)\t([\s\S]*)$/.exec(m);
  if (app) return { kind: "line", line: levelLine(e.timestamp, app[1] as string, app[2] as string) };
  const failure = / Task timed out after |^WARNING RequestId: |errorType/.test(m);
  return { kind: "line", line: { at: e.timestamp, text: m.replace(/\n$/, ""), style: failure ? "red" : undefined } };
}

/**
 * Turns events into the tail's text. A block is held until its REPORT (a request's events are
 * stored together, but a page may end inside one); `flush` prints what is still open.
 */
export class TailPrinter {
  readonly #colour: boolean;
  readonly #open = new Map<string, Line[]>();

  constructor(colour: boolean) {
    this.#colour = colour;
  }

  /** The text `e` completes (empty while its block is open). */
  add(e: TailEvent): string {
    const k = classify(e);
    const block = this.#open.get(e.logStreamName);
    switch (k.kind) {
      case "skip":
        return "";
      case "start": {
        const earlier = block ? this.#take(e.logStreamName) : "";
        const head = `START ${k.requestId}  version ${k.version}  ${e.logStreamName}`;
        this.#open.set(e.logStreamName, [{ at: e.timestamp, text: head, style: "bold" }]);
        return earlier;
      }
      case "report":
        if (!block) return this.#render([k.line], "");
        block.push(k.line);
        return this.#take(e.logStreamName);
      case "line":
        if (block) return (block.push(k.line), "");
        return this.#render([k.line], "");
    }
  }

  /** The text of every block still open (a request whose REPORT is not stored yet). */
  flush(): string {
    return [...this.#open.keys()].map((s) => this.#take(s)).join("");
  }

  #take(stream: string): string {
    const lines = this.#open.get(stream) ?? [];
    this.#open.delete(stream);
    return this.#render(lines, "  ");
  }

  #render(lines: readonly Line[], indent: string): string {
    return lines
      .map((l, i) => {
        const body = l.text.replace(/\n/g, `\n${" ".repeat(13)}${indent}  `);
        const text = i === 0 || !indent ? `${clock(l.at)} ${body}` : `${clock(l.at)} ${indent}${body}`;
        return `${this.#paint(text, l.style)}\n`;
      })
      .join("");
  }

  #paint(text: string, style: Style | undefined): string {
    if (!this.#colour || !style) return text;
    return `\x1b[${ANSI[style]}m${text}\x1b[0m`;
  }
}
