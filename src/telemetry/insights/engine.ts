/**
 * Runs a parsed query over the log store: the selected groups are read in chunks through the
 * LogStore port between the query's start and end, each event pushed through the stages; the scan
 * yields to the event loop after every chunk, so a long query never stalls the node.
 */
import { setImmediate as yieldToLoop } from "node:timers/promises";
import type { EventCursor, LogStore } from "../../ports/log-store.js";
import type { Command, Query } from "./ast.js";
import type { Row } from "./evaluate.js";
import { prefilterOf, type Prefilter } from "./prefilter.js";
import { QueryRecord } from "./record.js";
import {
  CountStage,
  DedupStage,
  FieldsStage,
  FilterStage,
  LimitStage,
  ParseStage,
  SortStage,
  StatsStage,
  type Stage,
} from "./stages.js";
import { show } from "./values.js";

/** Results shown when the request names no limit, as AWS. */
export const DEFAULT_LIMIT = 1000;
const CHUNK = 2000;
const DEFAULT_COLUMNS = ["@timestamp", "@message", "@logStream", "@log"];

/** How far a query has got; the API reads it while the query runs. */
export interface QueryStatistics {
  recordsMatched: number;
  recordsScanned: number;
  bytesScanned: number;
}

/** One result row: its cells in column order (absent values left out). */
export type ResultRow = { field: string; value: string }[];

export interface RunOptions {
  readonly store: LogStore;
  readonly groups: readonly string[];
  /** Inclusive start and end, epoch ms. */
  readonly startTime: number;
  readonly endTime: number;
  readonly limit: number;
  readonly statistics: QueryStatistics;
  /** Asked after every chunk; true ends the scan (StopQuery). */
  readonly stopped?: () => boolean;
  /** False: the store returns every event of the range (the default narrows reads by the leading filters). */
  readonly prefilter?: boolean | undefined;
}

/** The columns a query's results show, in order. */
export function columnsOf(commands: readonly Command[]): string[] {
  let cols: string[] | undefined;
  let aggregated = false;
  for (const c of commands) {
    if (c.k === "fields") cols = [...new Set([...(cols ?? []), ...c.items.map((i) => i.name)])];
    else if (c.k === "display") cols = [...new Set(c.items.map((i) => i.name))];
    else if (c.k === "stats") {
      cols = [...c.by.map((b) => b.name), ...c.aggs.map((a) => a.name)];
      aggregated = true;
    }
  }
  return [...(cols ?? DEFAULT_COLUMNS), ...(aggregated ? [] : ["@ptr"])];
}

class Collector implements Stage {
  readonly rows: ResultRow[] = [];
  constructor(
    private readonly columns: readonly string[],
    private readonly limit: number,
  ) {}
  push(row: Row): boolean {
    const cells: ResultRow = [];
    for (const field of this.columns) {
      const value = show(row.get(field));
      if (value !== undefined) cells.push({ field, value });
    }
    this.rows.push(cells);
    return this.rows.length < this.limit;
  }
  end(): void {}
}

/** How many rows the stage after `index` may still show, when nothing after it drops rows. */
function keepAfter(commands: readonly Command[], index: number, limit: number): number | undefined {
  let keep = limit;
  for (const c of commands.slice(index + 1)) {
    if (c.k === "limit") keep = Math.min(keep, c.n);
    else if (c.k !== "fields" && c.k !== "display") return undefined;
  }
  return keep;
}

function stageOf(commands: readonly Command[], i: number, limit: number, next: Stage): Stage {
  const c = commands[i] as Command;
  switch (c.k) {
    case "filter":
      return new FilterStage(c.expr, next);
    case "fields":
      return new FieldsStage(c.items, next);
    case "display":
      return next;
    case "parse":
      return new ParseStage({ ...c, named: c.re.source.includes("(?<") }, next);
    case "dedup":
      return new DedupStage(c.fields, next);
    case "limit":
      return new LimitStage(c.n, next);
    case "stats":
      return new StatsStage(c, next);
    case "sort":
      return new SortStage(c.keys, keepAfter(commands, i, limit), next);
  }
}

function pipeline(query: Query, limit: number): { head: Stage; collector: Collector; matched: CountStage } {
  const { commands } = query;
  const collector = new Collector(columnsOf(commands), limit);
  // Matched records are those that pass the record commands, counted before stats, sort or limit.
  const countAt = commands.findIndex((c) => c.k === "stats" || c.k === "sort" || c.k === "limit");
  const at = countAt < 0 ? commands.length : countAt;
  let head: Stage = collector;
  let matched: CountStage | undefined;
  for (let i = commands.length; i >= 0; i--) {
    if (i === at) head = matched = new CountStage(head);
    if (i > 0) head = stageOf(commands, i - 1, limit, head);
  }
  return { head, collector, matched: matched as CountStage };
}

/** Runs `query`; resolves with the result rows once the scan and every stage are done. */
export async function runQuery(query: Query, o: RunOptions): Promise<ResultRow[]> {
  const { head, collector, matched } = pipeline(query, o.limit);
  // Events the store leaves out could not pass the leading filters.
  const narrowing: Prefilter = o.prefilter === false ? {} : prefilterOf(query);
  const narrowed = (narrowing.streamNames?.length ?? 0) > 0 || (narrowing.messageTerms?.length ?? 0) > 0;
  let wanted = true;
  for (const groupName of o.groups) {
    let after: EventCursor | undefined;
    const before = { records: o.statistics.recordsScanned, bytes: o.statistics.bytesScanned };
    let complete = false;
    while (wanted && !o.stopped?.()) {
      const chunk = await o.store.readEvents({
        groupName,
        // From the cursor's time on: the cursor alone may not narrow the store's index range.
        startTime: after ? Math.max(o.startTime, after.timestamp) : o.startTime,
        endTime: o.endTime + 1,
        after,
        streamNames: narrowing.streamNames,
        messageTerms: narrowing.messageTerms,
        limit: CHUNK,
      });
      for (const e of chunk) {
        o.statistics.recordsScanned++;
        o.statistics.bytesScanned += Buffer.byteLength(e.message);
        if (!head.push(new QueryRecord(e, groupName))) {
          wanted = false;
          break;
        }
      }
      o.statistics.recordsMatched = matched.count;
      const last = chunk.at(-1);
      if (!last || chunk.length < CHUNK) {
        complete = true;
        break;
      }
      after = { timestamp: last.timestamp, id: last.id };
      await yieldToLoop();
    }
    // A narrowed read saw only part of the range; a whole scan counts every event of it, as AWS does.
    if (narrowed && complete) await countRange(o, groupName, before);
  }
  head.end();
  o.statistics.recordsMatched = matched.count;
  return collector.rows;
}

/** Counts a group's whole range as scanned, on top of what was scanned before it. */
async function countRange(o: RunOptions, groupName: string, before: { records: number; bytes: number }): Promise<void> {
  const range = { groupName, startTime: o.startTime, endTime: o.endTime + 1 };
  const m = await o.store.measureRange(range);
  o.statistics.recordsScanned = before.records + m.records;
  o.statistics.bytesScanned = before.bytes + m.bytes;
}
